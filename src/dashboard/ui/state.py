"""A view as a link: the parameters that name a unit, period, scope and language, and one way to write a
link to any page with them (a relative URL for tables' link columns, a query dict for st.page_link); and one
way for a page to start its widgets from the URL and keep the URL in step (`settle`, `settle_many`, `write`),
so that a copied address opens the same view."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

# ASCII digits only: str.isdigit() also takes "²" and "١٢", which int() then refuses or reads otherwise
_WHOLE = re.compile(r"[0-9]{1,6}")

#: page name → its URL path (the file names in pages/, which st.navigation serves)
PAGES = ("map", "overview", "overdue", "trends", "scorecard", "rankings", "report", "present", "import")


def params(f, **changes) -> dict[str, str]:
    """The view of filters `f` (ui.filters.Filters) as URL parameters, with `changes` (None drops a key)."""
    out = {"unit": f.unit_code, "period": f.period.key, "scope": "territory" if f.territory else "own", "lang": f.lang}
    return _changed(out, changes)


def _changed(query: dict[str, str], changes: dict[str, Any]) -> dict[str, str]:
    """`query` with `changes` written as text (None drops a key)."""
    out = dict(query)
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
    path = "" if page == "map" else page  # the landing page is served at the root
    return f"./{path}?{urlencode({k: str(v) for k, v in query.items() if v is not None})}"


def page_file(page: str) -> str:
    """The page's script, as st.page_link and st.switch_page name it."""
    if page not in PAGES:
        raise KeyError(page)  # a programming error: PAGES lists every page
    return f"pages/{page}.py"


def whole(text: object, lo: int, hi: int) -> int | None:
    """A URL's whole number in [lo, hi], or None for anything else (signs, superscripts, other scripts'
    digits, decimals, too long): a hostile parameter falls back to the default, never to an exception."""
    if not isinstance(text, str) or not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def shown(text: object, limit: int = 40) -> str:
    """A value from the URL as a note may quote it: letters, digits and - . , : only, cut to `limit`
    (a note is Markdown; a link must not be able to write into it)."""
    kept = "".join(c for c in str(text) if c.isalnum() or c in "-.,: ")
    return kept[:limit] + ("…" if len(kept) > limit else "")


Allowed = Collection[Any] | Callable[[Any], bool]


def _ok(value: Any, allowed: Allowed) -> bool:
    return allowed(value) if callable(allowed) else value in allowed


def settle(key: str, wanted: Any, allowed: Allowed, default: Any) -> Any:
    """The session value of widget `key`, settled: kept while `allowed`, else `wanted` (usually the URL's
    value) when allowed, else `default`. A page calls it before drawing the widget; a value that a new
    period or unit no longer offers falls back instead of breaking the widget."""
    if key not in st.session_state or not _ok(st.session_state[key], allowed):
        st.session_state[key] = wanted if wanted is not None and _ok(wanted, allowed) else default
    return st.session_state[key]


def settle_many(key: str, wanted: Iterable[Any], allowed: Collection[Any]) -> list[Any]:
    """settle for a multiselect: the session's choices that are still `allowed` (in order), or, the first
    time, the `wanted` ones that are."""
    if key in st.session_state:
        st.session_state[key] = [c for c in st.session_state[key] if c in allowed]
    else:
        st.session_state[key] = [c for c in wanted if c in allowed]
    return st.session_state[key]


def write(**values: Any) -> None:
    """Keep the URL in step with the view: each value as text, None or "" removing its parameter. Only what
    changed is written (each write is a message to the browser)."""
    qp = st.query_params
    for name, value in values.items():
        if value is None or value == "":
            if name in qp:
                del qp[name]
        elif qp.get(name) != str(value):
            qp[name] = str(value)


@dataclass(frozen=True)
class View:
    """What a page shows, as its address says it: the shared filters' parameters (unit, period, scope,
    language) and the page's own (its list, metric, district, …; None = not set). A page builds it once
    its widgets are drawn; `write` keeps the URL in step (the page's parameters that are not set are
    removed), `link` writes a link to another page from it."""

    page: str
    shared: tuple[tuple[str, str], ...]
    own: tuple[tuple[str, str | None], ...]

    @classmethod
    def of(cls, page: str, f, **own: Any) -> View:
        """The view of page `page` under filters `f` (ui.filters.Filters) with the page's own values."""
        if page not in PAGES:
            raise KeyError(page)  # a programming error: PAGES lists every page
        return cls(
            page,
            tuple(params(f).items()),
            tuple((k, None if v is None or v == "" else str(v)) for k, v in own.items()),
        )

    def query(self) -> dict[str, str]:
        """The URL parameters of this view."""
        return {**dict(self.shared), **{k: v for k, v in self.own if v is not None}}

    def write(self) -> None:
        write(**dict(self.own))

    def link(self, page: str, **changes: Any) -> str:
        """A link to `page` with this view's shared parameters and `changes` (None drops one)."""
        return link(page, **_changed(dict(self.shared), changes))
