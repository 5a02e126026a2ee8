"""A view as a link: the parameters that name a unit, period, scope and language, and one way to write a
link to any page with them (a relative URL for tables' link columns, a query dict for st.page_link)."""

from __future__ import annotations

from urllib.parse import urlencode

#: page name → its URL path (the file names in pages/, which st.navigation serves)
PAGES = ("overview", "map", "overdue", "trends", "scorecard", "rankings", "report", "present")


def params(f, **changes) -> dict[str, str]:
    """The view of filters `f` (ui.filters.Filters) as URL parameters, with `changes` (None drops a key)."""
    out = {"unit": f.unit_code, "period": f.period.key, "scope": "territory" if f.territory else "own", "lang": f.lang}
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = str(value)
    return out


def link(page: str, **query) -> str:
    """A relative link to `page` with `query` (values written as given, None left out): "./overdue?unit=…"."""
    if page not in PAGES:
        raise KeyError(page)  # a programming error: PAGES lists every page
    path = "" if page == "overview" else page
    return f"./{path}?{urlencode({k: str(v) for k, v in query.items() if v is not None})}"


def page_file(page: str) -> str:
    """The page's script, as st.page_link and st.switch_page name it."""
    if page not in PAGES:
        raise KeyError(page)  # a programming error: PAGES lists every page
    return f"pages/{page}.py"
