"""A file without a column leaves its fact unknown, and every page that shows a rate resting on part of
the dossiers says so: the overview's cards, the map's and the overview's rankings, the rankings page and
the report (issue 17, item 6)."""

from __future__ import annotations

import pytest
from helpers import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import cli

HEADER = "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,TrangThaiHoSo"


@pytest.fixture
def partial(backend_url, tmp_path, monkeypatch):
    """Tân Thạnh's export says how each dossier was submitted; An Mỹ's has no such column."""
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["init"]) == 0
    with_channel = tmp_path / "tan_thanh.csv"
    with_channel.write_text(
        HEADER
        + ",KenhThucHien\n"
        + "".join(f"T-{i},1.001,20335,20250106080000,20250110,20250109160000,10,{1 + i % 2}\n" for i in range(30))
    )
    without = tmp_path / "an_my.csv"
    without.write_text(
        HEADER + "\n" + "".join(f"A-{i},1.001,20341,20250106080000,20250110,20250109160000,10\n" for i in range(20))
    )
    assert cli.main(["import", str(with_channel), str(without)]) == 0
    return backend_url


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    "page, query",
    [
        ("pages/overview.py", {"unit": "502"}),
        ("pages/rankings.py", {"unit": "502", "group": "commune", "measure": "online_rate"}),
        ("pages/report.py", {"unit": "49"}),
    ],
)
def test_a_rate_on_part_of_the_dossiers_says_so(partial, page, query):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"period": "2025-Q1", **query}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = _captions(at)
    assert "tính trên 30/50 hồ sơ" in text and "1 đơn vị" in text, text
