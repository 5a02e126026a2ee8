"""Numbers and dates in vi-VN style (1.234,5 · 14/03/2025) or English, through Babel."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from dashboard.i18n import t

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def number(value, lang: str = "vi", decimals: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return t("no_data", lang)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, "vi_VN"))


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
        return format_date(value, "d MMM yyyy", locale=LOCALES["en"])
    return format_date(value, "dd/MM/yyyy", locale=LOCALES["vi"])


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal then thousands)."""
    return ",." if lang == "vi" else ".,"
