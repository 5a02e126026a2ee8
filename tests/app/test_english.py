"""An English-speaking visitor switches language and every label follows: on each page, the only
Vietnamese left is what is recorded in the data (unit, procedure, field and place names, sources)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import PAGES, ROOT, VI_LETTER
from streamlit.testing.v1 import AppTest
from test_signin_scope import visible_text

from dashboard import config
from dashboard.charts.maps import short_name
from dashboard.charts.ranking import short_label
from dashboard.i18n import PUBLISHED_TERMS, t
from dashboard.warehouse import queries, schema
from dashboard.warehouse.engine import make_engine


@pytest.fixture(scope="module")
def recorded(duck_env) -> list[str]:
    """Names as recorded in the warehouse, longest first (so a name is removed before its parts)."""
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        names = set(queries.all_units(conn)["name"])
        d = schema.dossier
        for col in (d.c.procedure_name, d.c.field_name):
            names |= {r[0] for r in conn.execute(sa.select(col).distinct()) if r[0]}
        pub = queries.published(conn)
        # provinces are proper names; PAR fields, 766 groups, the national average and notes are translated
        names |= {str(v) for v in pub["area_name"].dropna() if v not in PUBLISHED_TERMS}
    names |= {short_name(n) for n in names}  # maps label "Tam Kỳ" for "Thành phố Tam Kỳ"
    names |= {short_label(n) for n in names}  # ranking charts cut long names: "Sở Văn hóa, Thể thao và Du lị…"
    names.add(t("lang_name_vi", "en"))  # the language picker names Vietnamese in Vietnamese
    return sorted(names, key=len, reverse=True)


@pytest.mark.parametrize("page", PAGES)
def test_every_label_follows_the_language(duck_env, geo_dir, recorded, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["period"] = "2025-Q1"
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = visible_text(at)
    for name in recorded:
        text = text.replace(name, "")
    left = sorted({m.group(0) for m in re.finditer(r".{0,40}" + VI_LETTER.pattern + r".{0,40}", text, re.I)})
    assert not left, f"{page} in English still shows: {left[:8]}"
