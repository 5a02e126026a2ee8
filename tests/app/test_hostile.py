"""Hostile links on every page, and a warehouse holding rows no page can draw: a note or a message,
never an exception, and the other pages keep working."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import DEMO_QUARTER, DEMO_QUARTER_VI, DEMO_UNTIL, PAGES, ROOT, demo_warehouse
from streamlit.testing.v1 import AppTest

HOME = "48"  # the province the demo territory's unit list opens on (Thành phố Đà Nẵng)

#: every parameter a page reads, each with a value it must not take as it is
PAGE_PARAMS = {
    "unit": "'; DROP TABLE unit; --",
    "scope": "everything",
    "lang": "xx",
    "days": "²",
    "every": "99999999999999999999",
    "list": "<script>alert(1)</script>",
    "field": ",,," + "A" * 5000,
    "proc": "[x](javascript:alert(1))",
    "metric": "__class__",
    "district": "9" * 50,
    "view": "provinces'",
    "group": "-1",
    "measure": "score_100; --",
    "present": "2",
}
PERIODS = {
    f"2022-01-01..{DEMO_UNTIL}": "link_period_cut",  # the natural full range: the data start on 02/01
    "0001-01-01..9999-12-31": "link_period_cut",
    "9999-Q4": "link_period_outside",
    "１２": "link_period_unknown",
}


def _visible_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("period", PERIODS)
def test_hostile_parameters_give_notes_not_exceptions(duck_env, geo_dir, page, period):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {**PAGE_PARAMS, "period": period}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _visible_errors(at), _visible_errors(at)
    notes = " ".join(i.value for i in at.info)
    # the first run showed the period note; the page shows the fallback it chose and the unit is home
    assert at.selectbox(key="unit").value == HOME
    if PERIODS[period] == "link_period_cut":
        assert at.session_state["period"] == f"2022-01-02..{DEMO_UNTIL}"
    else:
        assert at.session_state["period"] == DEMO_QUARTER
    assert "<script>" not in notes and "](javascript" not in notes  # what a link writes is quoted as text


def test_the_period_note_is_shown_once_on_the_page_the_link_opens(duck_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["period"] = "9999-Q4"
    at.run()
    assert not at.exception
    [note] = [i.value for i in at.info if "9999-Q4" in i.value]
    assert "không có ngày nào có số liệu" in note and DEMO_QUARTER_VI in note
    at.run()
    assert not [i.value for i in at.info if "9999-Q4" in i.value]  # once, not on every run


@pytest.fixture
def poisoned(backend_url, monkeypatch):
    """A small demo warehouse into which rows no importer would load were written (as an earlier version
    let them in): a receipt in year 10000 and in 1900, an end in year 10000 of a dossier received in 2025."""
    e = demo_warehouse(backend_url, scale=0.005)
    with e.begin() as conn:
        model = conn.execute(sa.text("SELECT min(code) FROM dossier WHERE status = 10")).scalar()
        cols = list(conn.execute(sa.text("SELECT * FROM dossier LIMIT 0")).keys())
        for n, (received, end) in enumerate(
            [("10000-01-01", None), ("1900-01-01", None), ("2025-05-05", "10000-01-01")]
        ):
            value = {
                "code": f"code || '-poison{n}'",
                "received_date": f"DATE '{received}'",
                "received_at": f"TIMESTAMP '{received} 08:00:00'",
                "end_date": f"DATE '{end}'" if end else "NULL",
                "end_at": f"TIMESTAMP '{end} 08:00:00'" if end else "NULL",
                "returned_at": "NULL",
                "status": "10" if end else "2",
            }
            chosen = ", ".join(value.get(c, c) for c in cols)
            conn.execute(
                sa.text(f"INSERT INTO dossier ({', '.join(cols)}) SELECT {chosen} FROM dossier WHERE code = :code"),
                {"code": model},
            )
        from dashboard.warehouse import rollups

        for c in (15, 1):
            rollups.refresh(conn, c)
        rollups.refresh_listable(conn)
    e.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    monkeypatch.delenv("DASHBOARD_PAGE_ERRORS")  # what visitors get
    return backend_url


def test_rows_no_page_can_draw_do_not_take_the_dashboard_down(poisoned, geo_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the periods on offer come from the plausible days only: the sidebar is not stretched to 1900 or 10000
    assert at.session_state["period"] == DEMO_QUARTER
    failed = {}
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title or any(m.value.startswith("# ") for m in at.markdown), page
        failed[page] = _visible_errors(at)
    # the overview and the map read the rollups: they must draw; a page that did meet the bad row says so
    assert not failed["pages/overview.py"] and not failed["pages/map.py"], failed
    for page, errors in failed.items():
        assert all("mã sự cố" in e for e in errors), (page, errors)
