"""UI strings in Vietnamese (default) and English, from one catalogue per language (locales/vi.toml,
locales/en.toml): the pages' strings, the period report's labels and methodology, and the importers'
quarantine reasons. Unit and procedure names stay as recorded."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

LANGS = ("vi", "en")

LOCALES = Path(__file__).with_name("locales")


def _load() -> dict[str, dict]:
    """Each language's catalogue (locales/<lang>.toml), read once."""
    return {lang: tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8")) for lang in LANGS}


CATALOGUES = _load()


def section(name: str) -> dict[str, dict[str, str]]:
    """A table of the catalogues as key → {language → text} (e.g. "report": the period report's labels)."""
    return {key: {lang: CATALOGUES[lang][name][key] for lang in LANGS} for key in CATALOGUES["vi"][name]}


#: key → {language → text}: the UI's strings (the [strings] table of every catalogue)
STRINGS = section("strings")


def method(lang: str) -> list[tuple[str, str]]:
    """The period report's methodology sheet: (term, definition) lines in `lang`."""
    return [(m["term"], m["text"]) for m in CATALOGUES[lang if lang in LANGS else "vi"]["method"]]


def reasons(kind: str) -> dict[str, tuple[str, str]]:
    """Quarantine reasons of an importer ("dossiers" or "scores"): code → (Vietnamese, English) templates."""
    return {
        code: (CATALOGUES["vi"]["reasons"][kind][code], CATALOGUES["en"]["reasons"][kind][code])
        for code in CATALOGUES["vi"]["reasons"][kind]
    }


#: names recorded in data/published_indices.csv (as the sources print them) → the catalogue key that names
#: them in English; in Vietnamese they are shown as recorded
PUBLISHED_TERMS = {
    "Bình quân cả nước": "national_average_line",
    "Lãnh đạo, chỉ đạo": "par_leadership",
    "VBQPPL": "par_legal",
    "Cải cách TTHC": "par_procedures",
    "Tổ chức bộ máy": "par_organisation",
    "CBCCVC": "par_civil_service",
    "Tài chính công": "par_public_finance",
    "Hiện đại hóa": "par_modernisation",
    "Công khai minh bạch": "group_publicity",
    "Công khai, minh bạch": "group_publicity",
    "Tiến độ giải quyết": "group_progress",
    "DVC trực tuyến": "group_online",
    "Dịch vụ công trực tuyến": "group_online",
    "Thanh toán trực tuyến": "group_payment",
    "Mức độ hài lòng": "group_satisfaction",
    "Số hóa hồ sơ": "group_digitisation",
}


def published_term(text, lang: str = "vi"):
    """A name recorded with a published figure, in the UI's language (unknown names stay as recorded)."""
    key = PUBLISHED_TERMS.get(text) if isinstance(text, str) else None
    return t(key, lang) if key and lang == "en" else text


def note_text(stored, lang: str = "vi") -> str:
    """A published figure's note as stored ({"vi": …, "en": …} from the CSV's note_vi and note columns; a
    warehouse loaded before notes were bilingual holds the English text alone) in the UI's language."""
    if not isinstance(stored, str) or not stored:
        return ""
    if stored.startswith("{"):
        try:
            notes = json.loads(stored)
        except ValueError:
            return stored
        return notes.get(lang) or notes.get("en") or notes.get("vi") or ""
    return stored


def t(key: str, lang: str = "vi", **kwargs) -> str:
    """The string for `key` in `lang`, formatted with kwargs."""
    text = STRINGS[key][lang if lang in LANGS else "vi"]
    return text.format(**kwargs) if kwargs else text
