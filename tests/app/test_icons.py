"""Icons are Streamlit's Material Symbols (shipped with Streamlit), not emoji, which draw as empty boxes
where no emoji font is installed (Debian's Chromium)."""

from __future__ import annotations

import re

from helpers import ROOT
from streamlit.material_icon_names import ALL_MATERIAL_ICONS

ICON = re.compile(r"""(?<!page_)icon=["']([^"']+)["']""")
EMOJI = re.compile("[\U0001f000-\U0001faff\ufe0f]")  # pictographs and the emoji variation selector


def _sources():
    return [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "src" / "dashboard").rglob("*.py")]


def test_every_icon_is_a_known_material_symbol():
    icons = [(p.name, m[1]) for p in _sources() for m in ICON.finditer(p.read_text(encoding="utf-8"))]
    assert len(icons) >= 10
    for name, icon in icons:
        assert icon.startswith(":material/") and icon.endswith(":"), (name, icon)
        assert icon[len(":material/") : -1] in ALL_MATERIAL_ICONS, (name, icon)


def test_the_tab_icon_is_a_file_of_ours():
    """A Material icon as page_icon makes the browser fetch it from Google's font server (offline: an error)."""
    from dashboard.ui import FAVICON

    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "page_icon=str(FAVICON)" in app and FAVICON.read_bytes().startswith(b"\x89PNG")


def test_no_emoji_in_the_user_interface():
    for p in _sources():
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            assert not EMOJI.search(line), f"{p.relative_to(ROOT)}:{i}: {line.strip()}"


def test_multiselects_draw_no_untranslatable_text():
    """Streamlit writes a multiselect's "Select all" option and default "Choose options" placeholder in
    English whatever the page's language: every multiselect turns the first off and sets the second."""
    calls = [
        (p.name, m.group(0))
        for p in _sources()
        for m in re.finditer(r"st\.multiselect\((?:[^()]|\([^()]*\))*\)", p.read_text(encoding="utf-8"))
    ]
    assert len(calls) >= 4
    for name, call in calls:
        assert "select_all=False" in call and "placeholder=t(" in call, (name, call)
