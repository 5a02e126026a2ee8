"""Links between pages: one way to write them, with the viewer's filters and a page's own parameters."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.metrics import periods
from dashboard.ui import state


def _filters(**kw):
    base = dict(unit_code="509", period=periods.parse("2025-Q1", 15), territory=True, lang="en")
    return SimpleNamespace(**{**base, **kw})


def test_params_carry_the_view_and_its_changes():
    f = _filters()
    assert state.params(f) == {"unit": "509", "period": "2025-Q1", "scope": "territory", "lang": "en"}
    assert state.params(f, unit="20656", scope="own", lang=None) == {
        "unit": "20656",
        "period": "2025-Q1",
        "scope": "own",
    }


def test_links_are_relative_escaped_and_name_known_pages():
    assert state.link("overdue", unit="CN_503", period="2025-Q1", list="open_overdue") == (
        "./overdue?unit=CN_503&period=2025-Q1&list=open_overdue"
    )
    assert state.link("map", unit="49") == "./?unit=49"  # the landing page, at the root
    assert state.link("overview", unit="a&b=c", district=None) == "./overview?unit=a%26b%3Dc"  # no injection
    assert state.page_file("rankings") == "pages/rankings.py"
    with pytest.raises(KeyError):
        state.link("admin")


def test_every_page_has_a_name_and_no_link_is_built_by_hand():
    from helpers import ROOT

    assert sorted(f"pages/{p}.py" for p in state.PAGES) == sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")
    )
    for p in [*(ROOT / "pages").glob("*.py"), *(ROOT / "src/dashboard/ui").glob("*.py")]:
        text = p.read_text(encoding="utf-8")
        assert '"./' not in text and 'f"./' not in text and '"pages/' not in text or p.name == "state.py", p.name


@pytest.mark.parametrize(
    "text, value",
    [
        ("12", 12),
        ("1", 1),
        ("60", 60),
        ("0", None),
        ("61", None),
        ("²", None),
        ("١٢", None),
        ("１２", None),
        ("-5", None),
        ("+5", None),
        ("5.0", None),
        (" 5", None),
        ("", None),
        (None, None),
        ("99999999999999999999", None),
        (["12"], None),
    ],
)
def test_whole_numbers_from_a_url_are_ascii_digits_in_range(text, value):
    assert state.whole(text, 1, 60) == value


def test_a_url_value_quoted_in_a_note_cannot_write_markdown():
    assert state.shown("[x](javascript:alert(1))") == "xjavascript:alert1"
    assert state.shown("**<b>bold</b>**") == "bboldb"
    assert state.shown("a" * 100) == "a" * 40 + "…"
    assert state.shown("Tân Thạnh, 2025-Q1") == "Tân Thạnh, 2025-Q1"


@pytest.mark.parametrize(
    "link, key, note",
    [
        (None, None, None),
        ("2025-Q1", "2025-Q1", None),
        ("2022", "2022", None),  # the data start on 02/01: a named period with some data is kept
        ("2022-01-01..2025-06-30", "2022-01-02..2025-06-30", "link_period_cut"),
        ("0001-01-01..9999-12-31", "2022-01-02..2025-06-30", "link_period_cut"),
        ("2019", None, "link_period_outside"),
        ("9999-12", None, "link_period_outside"),
        ("1900-01-01..1900-02-01", None, "link_period_outside"),
        ("2025-Q9", None, "link_period_unknown"),
        ("10000", None, "link_period_unknown"),
        ("٢٠٢٥", None, "link_period_unknown"),  # other scripts' digits are not a year
        ("2025-02-01..2025-01-01", None, "link_period_unknown"),
        ("' OR 1=1 --", None, "link_period_unknown"),
    ],
)
def test_a_links_period_is_settled_against_the_data(link, key, note):
    from datetime import date

    from dashboard.ui import filters

    assert filters.from_link(link, date(2022, 1, 2), date(2025, 6, 30), 15) == (key, note)


def _view_app():
    """A page with a picker and a multiselect started from the URL and written back to it."""
    import streamlit as st

    from dashboard.ui import state

    options = st.session_state.get("_options", ["a", "b", "c"])
    state.settle("pick", st.query_params.get("pick"), options, "a")
    st.selectbox("pick", options, key="pick")
    state.settle_many("many", ["b", "z"], options)
    st.multiselect("many", options, key="many")
    state.write(pick=st.session_state["pick"], extra=st.session_state.get("_extra"))


def test_a_view_starts_from_the_url_falls_back_and_writes_itself_back():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_view_app)
    at.query_params["pick"] = "c"
    at.query_params["extra"] = "old"
    at.run()
    assert at.selectbox(key="pick").value == "c" and at.multiselect(key="many").value == ["b"]  # "z" not offered
    assert at.query_params.get("pick") in ("c", ["c"]) and "extra" not in at.query_params  # None removes
    at.selectbox(key="pick").set_value("b").run()
    assert at.query_params.get("pick") in ("b", ["b"])  # the choice goes to the URL
    at.session_state["_options"] = ["a", "c"]  # a new period no longer offers "b"
    at.run()
    assert at.selectbox(key="pick").value == "a" and at.multiselect(key="many").value == []
    assert not at.exception

    hostile = AppTest.from_function(_view_app)
    hostile.query_params["pick"] = "'; DROP TABLE unit; --"
    hostile.run()
    assert hostile.selectbox(key="pick").value == "a" and not hostile.exception  # not offered: the default


def test_a_view_is_its_link_and_removes_what_it_does_not_set():
    from types import SimpleNamespace

    from dashboard.metrics import periods

    f = SimpleNamespace(unit_code="48", period=periods.parse("2026-Q3", 15), territory=True, lang="vi")
    v = state.View.of("map", f, view="units", metric="online_rate", district=None)
    assert v.query() == {"unit": "48", "period": "2026-Q3", "scope": "territory", "lang": "vi", "view": "units",
                         "metric": "online_rate"}  # fmt: skip
    assert dict(v.own)["district"] is None  # a page parameter not set: write() removes it from the URL
    assert v.link("overdue", unit="20260", scope="own") == (
        "./overdue?unit=20260&period=2026-Q3&scope=own&lang=vi"
    )  # the shared filters carried, the page's own not
    assert v.link("map", period=None) == "./?unit=48&scope=territory&lang=vi"
    assert hash(v) == hash(state.View.of("map", f, view="units", metric="online_rate", district=None))
    with pytest.raises(KeyError):
        state.View.of("admin", f)
