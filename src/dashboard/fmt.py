"""Numbers and dates in vi-VN style (1.234,5 · 14/03/2025) or English, through Babel."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern

from dashboard.i18n import t

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


@cache
def _locale(lang: str) -> Locale:
    # parsed once: Babel parses a locale name on every call, a third of a number's formatting time
    return Locale.parse(LOCALES.get(lang, "vi_VN"))


@cache
def _pattern(decimals: int):
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def number(value, lang: str = "vi", decimals: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return t("no_data", lang)
    return _pattern(decimals).apply(value, _locale(lang))


def signed(value, lang: str = "vi", decimals: int = 2) -> str:
    """A change with its sign, up as well as down (+0,67 · -6,90; no sign on 0): in a table column of changes a
    bare 0,67 beside -6,90 reads as a level, not a rise."""
    if value is None or value != value:
        return t("no_data", lang)
    text = number(abs(value), lang, decimals)
    if text == number(0, lang, decimals):
        return text
    return ("+" if value > 0 else "-") + text


def percent(value, lang: str = "vi", decimals: int = 2) -> str:
    """A rate in percent with 2 decimals, or 'không có dữ liệu' when there is no denominator."""
    if value is None or value != value:
        return t("no_data", lang)
    return number(value, lang, decimals) + " %"


def day(value: date | None, lang: str = "vi") -> str:
    if value is None:
        return ""
    # vi: 14/03/2025; en: 14 Mar 2025 (unambiguous for English readers)
    if lang == "en":
        return format_date(value, "d MMM yyyy", locale=_locale("en"))
    return format_date(value, "dd/MM/yyyy", locale=_locale("vi"))


def strip_diacritics(text: str) -> str:
    """Vietnamese text without its diacritics, for matching names typed either way (Đà → Da)."""
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal then thousands)."""
    return ",." if lang == "vi" else ".,"


def month(year: int, number: int, lang: str = "vi") -> str:
    """A month's name: "Tháng 7/2024" · "Jul 2024"."""
    m = format_date(date(int(year), int(number), 1), "MMM", locale=LOCALES["en"]) if lang == "en" else int(number)
    return t("label_month", lang, m=m, y=int(year))


def period(p, lang: str = "vi") -> str:
    """A period's name: "Quý 1/2025", or its dates for a custom range."""
    if p.kind == "custom":
        return t("label_custom", lang, start=day(p.start, lang), end=day(p.end, lang))
    if p.kind == "month":
        return month(p.year, p.number, lang)
    return t(f"label_{p.kind}", lang, n=p.number, y=p.year)


def period_with_dates(p, lang: str = "vi") -> str:
    """ "Quý 1/2025 (15/12/2024 – 14/03/2025)": the name and the exact days it covers."""
    name = period(p, lang)
    return name if p.kind == "custom" else f"{name} ({day(p.start, lang)} – {day(p.end, lang)})"
