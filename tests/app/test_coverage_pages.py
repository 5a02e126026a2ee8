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


@pytest.fixture
def apology_partial(backend_url, tmp_path, monkeypatch):
    """16 dossiers finished late in Q1 2025: Tân Thạnh's export says whether each had an apology letter (5 did,
    5 did not); An Mỹ's has no CoPhieuXinLoi, so its 6 letters are unknown — neither with nor without."""
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["init"]) == 0
    late = "1.001,{unit},20250106080000,20250110,20250115160000,10"
    known = tmp_path / "tan_thanh.csv"
    known.write_text(
        HEADER + ",CoPhieuXinLoi\n" + "".join(f"T-{i},{late.format(unit='20335')},{i % 2}\n" for i in range(10))
    )
    unknown = tmp_path / "an_my.csv"
    unknown.write_text(HEADER + "\n" + "".join(f"A-{i},{late.format(unit='20341')}\n" for i in range(6)))
    assert cli.main(["import", str(known), str(unknown)]) == 0
    return backend_url


def _html(at: AppTest) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def test_the_overdue_page_counts_unknown_apology_letters_as_unknown(apology_partial):
    """Not as missing (the report's and SPEC §4's count): 5 without a letter of the 10 that say, and the An Mỹ
    row of the breakdown has no data instead of 6."""
    from helpers import page_cards, page_tables

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"period": "2025-Q1", "unit": "502"}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/overdue.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cards = page_cards(at)
    assert cards["Hồ sơ quá hạn"] == "16" and cards["Quá hạn chưa có phiếu xin lỗi"] == "5"
    assert "50,0 % số hồ sơ quá hạn · dựa trên 10/16 hồ sơ" in _html(at)
    by_unit = next(t for t in page_tables(at) if "Đơn vị xử lý" in t.columns).set_index("Đơn vị xử lý")
    assert by_unit["Chưa xin lỗi"].to_dict() == {"Phường Tân Thạnh": "5", "Phường An Mỹ": "không có dữ liệu"}
    listed = page_tables(at)[-1]  # the list of the dossiers finished late: each named by its unit at receipt
    assert len(listed) == 16
    assert {n for col in listed for n in listed[col] if str(n).startswith("Phường")} == set(by_unit.index)


def test_the_projector_shows_the_units_with_most_overdue_dossiers(apology_partial):
    """Its overdue slide draws the table under its heading (it computed the table and dropped it)."""
    from helpers import page_tables

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"period": "2025-Q1", "unit": "502", "every": "600"}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/present.py").run()
    for _ in range(4):  # step to the overdue slide, whichever slides this unit has
        if "Đơn vị có nhiều hồ sơ quá hạn nhất" in [m.value.lstrip("# ") for m in at.markdown]:
            break
        at.button(key="pr_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    by_unit = next(t for t in page_tables(at) if "Đơn vị xử lý" in t.columns)
    assert list(by_unit["Đơn vị xử lý"]) == ["Phường Tân Thạnh", "Phường An Mỹ"]  # not 2025's wards of these codes
    assert list(by_unit["Quá hạn"]) == ["10", "6"]
