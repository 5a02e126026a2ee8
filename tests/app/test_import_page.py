"""The upload page "Nhập dữ liệu" (issue 17) in AppTest on both engines: upload and preview (nothing
written); the quarantine workbook; hidden and refused for a department head, shown to an administrator."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from helpers import ROOT, page_tables
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from dashboard import auth, config
from dashboard.reports import excel
from dashboard.warehouse.engine import make_engine

HOME = "48"  # the province the demo territory's unit list opens on (Thành phố Đà Nẵng)

HEADER = "Mã hồ sơ,Mã TTHC,Tên thủ tục,Đơn vị xử lý,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái\n"
GOOD = (
    "UBND TỈNH QUẢNG NAM\nBÁO CÁO HỒ SƠ\n"
    + HEADER
    + "UP-1,2.000815,Chứng thực,UBND phường An Mỹ,06/01/2025 08:30,10/01/2025,09/01/2025 16:00,Đã trả kết quả\n"
    + 'UP-2,2.000815,=HYPERLINK("x"),UBND phường An Mỹ,06/01/2025 08:30,10/01/2025,,Đang xử lý\n'
    + "UP-3,2.000815,Chứng thực,UBND xã Không Có,06/01/2025 08:30,10/01/2025,,Đang xử lý\n"
    + "Tổng cộng,,,,,,,3\n"
)


def dossiers(codes: tuple[str, ...]) -> int:
    e = make_engine(config.db_url(), read_only=True)
    try:
        with e.connect() as conn:
            q = sa.text("SELECT count(*) FROM dossier WHERE code IN :c").bindparams(sa.bindparam("c", expanding=True))
            return int(conn.execute(q, {"c": list(codes)}).scalar_one())
    finally:
        e.dispose()


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [s.value for s in at.success] + [w.value for w in at.warning]
    parts += [" ".join(map(str, df.astype(str).values.ravel())) for df in page_tables(at)]
    return "\n".join(parts)


def test_upload_and_preview_write_nothing(duck_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("pages/import.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Nhập dữ liệu"
    at.file_uploader[0].set_value(
        [("sáng nay.csv", GOOD.encode("utf-8"), "text/csv"), ("hỏng.csv", b"abc,def\n1,2\n", "text/csv")]
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = text_of(at)
    assert "sẽ nhập 2 mới" in shown and "1 dòng cách ly" in shown and "Bị từ chối" in shown
    assert "dòng tiêu đề 3" in shown  # the title block was found and skipped
    assert dossiers(("UP-1", "UP-2", "UP-3")) == 0  # a preview writes nothing
    assert [b.label for b in at.button if b.label == "Xác nhận nhập"]
    # Confirming is tested in Chromium (tests/e2e/test_import_browser.py): AppTest does not deliver a
    # button's click to a page that runs under st.navigation here (the sign-in form's button, outside the
    # navigation, does get it).


def test_the_quarantine_workbook_keeps_the_rows_values_and_runs_no_formula():
    import pandas as pd

    rows = pd.DataFrame(
        {
            "file_name": ["/tmp/x/sang.csv"],
            "row_number": [6],
            "dossier_code": ["UP-3"],
            "field": ["DonViXuLy"],
            "reason_code": ["unknown_unit_name"],
            "reason_vi": ["Tên đơn vị không có trong danh sách"],
            "reason_en": ["Unit name not in the unit list"],
            "raw": ['{"MaHoSo": "UP-3", "TenTTHC": "=HYPERLINK(\\"x\\")"}'],
        }
    )
    wb = load_workbook(io.BytesIO(excel.quarantine_workbook(rows, "vi")))
    ws = wb.active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][:5] == ["Tệp", "Dòng", "Mã hồ sơ", "Cột", "Lý do"] and values[0][5:] == ["MaHoSo", "TenTTHC"]
    assert values[1][:4] == ["sang.csv", 6, "UP-3", "DonViXuLy"]
    assert values[1][6] == '\'=HYPERLINK("x")'  # text, never a formula


@pytest.fixture
def head_env(duck_env, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    auth.save_user(users, auth.User("lan", "Lan", "department_head", "509", password_hash=auth.hash_password("pw")))
    auth.save_user(users, auth.User("ops", "Ops", "admin", password_hash=auth.hash_password("pw2")))
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users))
    return duck_env


def _signed(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_a_department_head_has_no_import_page_and_an_admin_has(head_env):
    at = _signed("lan", "pw")
    assert not at.exception and at.selectbox(key="unit").value == "509"
    with pytest.raises(ValueError, match="navigation page"):  # not registered for her: no URL reaches it
        at.switch_page("pages/import.py")
    assert not auth.may_import(auth.User("lan", "Lan", "department_head", "509"))
    assert auth.may_import(auth.OPEN) and auth.may_import(auth.User("b", "B", "leader"))
    at = _signed("ops", "pw2")
    at.switch_page("pages/import.py")
    at.run()
    assert not at.exception and at.title[0].value == "Nhập dữ liệu" and at.file_uploader
    assert at.selectbox(key="unit").value == HOME  # an administrator sees everything


def test_an_empty_warehouse_offers_the_import_page(tmp_path, monkeypatch):
    """Just after `init` there is no dossier: leaders land on the import page to load the first export."""
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    from dashboard import cli

    assert cli.main(["init"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("nhập tệp xuất đầu tiên" in w.value for w in at.warning)
    assert at.title[0].value == "Nhập dữ liệu" and at.file_uploader
    at.file_uploader[0].set_value([("dau-tien.csv", GOOD.encode("utf-8"), "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "sẽ nhập 2 mới" in text_of(at)
