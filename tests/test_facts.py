"""Facts written in more than one place say the same thing everywhere."""

from __future__ import annotations

import re

from helpers import ROOT

#: "766/QĐ-TTg" (or "Decision 766", "QĐ 766") followed closely by a date
DATED_766 = re.compile(r"(?:766/QĐ-TTg|Decision 766|Quyết định 766|QĐ 766)[^\n]{0,25}?(\d{1,2})/(\d{1,2})/(\d{4})")


def test_decision_766_is_dated_23_june_2022_everywhere():
    files = [
        p
        for d in ("src", "pages", "docs", "data")
        for p in (ROOT / d).rglob("*")
        if p.suffix in (".py", ".md", ".csv", ".toml")
    ] + [ROOT / "README.md", ROOT / "app.py"]
    seen = []
    for p in files:
        for m in DATED_766.finditer(p.read_text(encoding="utf-8")):
            seen.append(p.name)
            assert (int(m[1]), int(m[2]), m[3]) == (23, 6, "2022"), f"{p.relative_to(ROOT)}: {m[0]}"
    assert seen  # the methodology sheet states it
