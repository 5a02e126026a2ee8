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
    assert state.link("overview", unit="49") == "./?unit=49"
    assert state.link("map", unit="a&b=c", district=None) == "./map?unit=a%26b%3Dc"  # no parameter injection
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
