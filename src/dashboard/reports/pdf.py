"""A one-page A4 summary of a period for printing: key figures, the district map, the units most behind,
overdue dossiers by field and by group of units.

fpdf2 lays the page out and draws the map from the page map's own SVG (charts.maps: same projection, same
label placement), as vector paths and text (no browser, no network). The font is the DejaVu Sans that
ships inside matplotlib, which covers Vietnamese, so the page renders the same anywhere.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard import config, fmt
from dashboard.charts import palette
from dashboard.i18n import t
from dashboard.metrics import kpi
from dashboard.metrics.targets import band
from dashboard.reports import period as pr

WORST_N = 10
#: what to install when the PDF's libraries are missing
EXTRA = config.install_command("pdf")


def available() -> bool:
    """fpdf2 and matplotlib (its DejaVu font) are installed: the `pdf` extra."""
    from importlib.util import find_spec

    return find_spec("fpdf") is not None and find_spec("matplotlib") is not None


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


#: a table cell: its text and, for a rate, the colour of its band (None: black)
Cell = tuple[str, "str | None"]


def _fitted(pdf, text: str, width: float) -> str:
    """`text` cut to `width` mm in the current font, one character shorter each turn, ending in …"""
    while pdf.get_string_width(text) > width - 2 and len(text) > 4:
        text = text[:-2] + "…"
    return text


def _table(
    pdf,
    x: float,
    y: float,
    title: str,
    heads: list[str],
    widths: tuple[float, ...],
    rows: list[tuple[str, list[Cell], bool]],
    head_size: float = 7,
) -> None:
    """A titled table at (x, y): a shaded header row, then rows of a name (cut to its column) and
    right-aligned cells; a bold row is a total."""
    pdf.set_xy(x, y)
    pdf.set_font("dejavu", "B", 10)
    pdf.cell(0, 6, _nfc(title), new_x="LEFT", new_y="NEXT")
    pdf.set_font("dejavu", "B", head_size)
    pdf.set_fill_color(*palette.rgb(palette.SHEET_HEAD))
    for wd, hd in zip(widths, heads):
        pdf.cell(wd, 6, _nfc(hd), border=1, fill=True, align="C")
    pdf.ln()
    for name, cells, bold in rows:
        pdf.set_x(x)
        pdf.set_font("dejavu", "B" if bold else "", 7.5)
        pdf.cell(widths[0], 5.6, _nfc(_fitted(pdf, name, widths[0])), border=1)
        for wd, (text, colour) in zip(widths[1:], cells):
            pdf.set_text_color(*palette.rgb(colour or palette.BLACK))
            pdf.cell(wd, 5.6, _nfc(text), border=1, align="R")
        pdf.set_text_color(0, 0, 0)
        pdf.ln()


#: the PDF map's drawing (viewBox units) and label size: at MAP_W mm wide, 26 units ≈ 7 pt
MAP_DRAWING = (900, 620)
MAP_LABEL = 26
#: DejaVu Sans Bold's average advance (em, ~0.68), wider than the page's Source Sans
DEJAVU_BOLD_EM = 0.75  # with some slack: the print has no white halo to part two labels


def map_svg(districts: pd.DataFrame, geojson: dict | None, lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The district map as SVG (the page map's own geometry and label placement, names only: the values are
    in the tables beside it) and its legend (colour, label); ("", []) without a boundary layer."""
    if geojson is None or not geojson.get("features"):
        return "", []
    from dashboard.charts import maps

    frame = districts.rename(columns={"on_time_rate": "value"})[["code", "name", "value"]]
    fig = maps.choropleth(
        geojson,
        frame,
        lang=lang,
        is_rate=True,
        target=config.TARGETS["on_time_rate"],
        label_size=MAP_LABEL,
        label_values=False,
        width=MAP_DRAWING[0],
        height=MAP_DRAWING[1],
        char_em=DEJAVU_BOLD_EM,
    )
    return maps.print_svg(fig, "dejavu"), list(fig.legend)


def worst_units(units: pd.DataFrame, districts: pd.DataFrame, n: int = WORST_N) -> pd.DataFrame:
    """The units furthest below the on-time target: districts (whole territory), departments and
    land-registry branches (own dossiers); lowest official rate first, more overdue first on ties."""
    own = units[units["kind"].isin(("department", "land_registry_branch"))]
    pool = pd.concat([districts, own], ignore_index=True)
    pool = pool[pool["on_time_rate"].notna()]
    return pool.sort_values(["on_time_rate", "overdue"], ascending=[True, False]).head(n).reset_index(drop=True)


def one_pager(report, geojson: dict | None, lang: str = "vi", province_name: str | None = None, by_field=None) -> bytes:
    """report: reports.period.PeriodReport; geojson: the district layer of the period (or None)."""
    districts = report.districts
    font = _font_dir()
    from fpdf import FPDF  # the `pdf` extra: imported when a PDF is asked for

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    pdf.add_font("dejavu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(font / "DejaVuSans-Bold.ttf"))
    p = report.period
    k = report.totals()
    prev = (
        kpi.KpiRow.from_counts(report.previous[list(kpi.COUNT_FIELDS)].sum().to_dict())
        if report.previous is not None
        else None
    )

    pdf.set_font("dejavu", "B", 15)
    province_name = province_name or t("pdf_province", lang)
    title = t("pdf_title", lang)
    pdf.cell(0, 8, _nfc(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 10)
    line = f"{province_name} · {fmt.period_with_dates(p, lang)} · {t('xl_asof', lang)} {fmt.day(report.as_of, lang)}"
    pdf.cell(0, 6, _nfc(line), new_x="LMARGIN", new_y="NEXT")
    if report.demo:
        pdf.set_text_color(160, 60, 0)
        pdf.cell(0, 5, _nfc(t("demo_banner", lang)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)

    # Key figures: 2 rows of 4 boxes
    def change(name: str) -> str:
        if prev is None or k.rate(name) is None or prev.rate(name) is None:
            return ""
        d = k.rate(name) - prev.rate(name)
        return f"{'+' if d >= 0 else '−'}{fmt.number(abs(d), lang, 2)} " + t("pdf_vs_previous", lang)

    share = kpi.rate(k.overdue_without_apology, k.overdue)
    boxes = [
        (t("col_handled", lang), fmt.number(k.handled, lang), f"{t('received', lang)} {fmt.number(k.received, lang)}"),
        (t("on_time_rate", lang), fmt.percent(k.rate("on_time_rate"), lang), change("on_time_rate")),
        (
            t("overdue", lang),
            fmt.number(k.overdue, lang),
            f"{t('open_overdue', lang)}: {fmt.number(k.open_overdue, lang)}",
        ),
        (
            t("overdue_without_apology", lang),
            fmt.number(k.overdue_without_apology, lang),
            t("sum_no_apology_share", lang, share=fmt.percent(share, lang, 1)),
        ),
        (t("online_rate", lang), fmt.percent(k.rate("online_rate"), lang), change("online_rate")),
        (
            t("online_payment_rate", lang),
            fmt.percent(k.rate("online_payment_rate"), lang),
            change("online_payment_rate"),
        ),
        (t("digitised_rate", lang), fmt.percent(k.rate("digitised_rate"), lang), change("digitised_rate")),
        (t("satisfaction_rate", lang), fmt.percent(k.rate("satisfaction_rate"), lang), change("satisfaction_rate")),
    ]
    w, h = (pdf.w - 24 - 9) / 4, 22
    y0 = pdf.get_y()
    for i, (label, value, note) in enumerate(boxes):
        x = 12 + (i % 4) * (w + 3)
        y = y0 + (i // 4) * (h + 3)
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x, y, w, h)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_font("dejavu", "", 7.5)
        pdf.multi_cell(w - 4, 3.4, _nfc(label), new_x="LEFT", new_y="NEXT", align="L")  # fpdf2 justifies by default
        pdf.set_xy(x + 2, y + 9)
        pdf.set_font("dejavu", "B", 14)
        pdf.cell(w - 4, 7, _nfc(value))
        pdf.set_xy(x + 2, y + 16.5)
        pdf.set_font("dejavu", "", 6.5)
        pdf.cell(w - 4, 4, _nfc(note))
    pdf.set_y(y0 + 2 * (h + 3) + 2)

    # Map (left) and the units most behind (right)
    y_top = pdf.get_y()
    svg, legend = map_svg(districts, geojson, lang)
    map_w = 92
    pdf.set_font("dejavu", "B", 10)
    pdf.cell(map_w, 6, _nfc(t("pdf_map_title", lang)), new_x="LMARGIN", new_y="NEXT")
    if svg:
        pdf.set_font("dejavu", "", 7)
        x = 12.0
        for colour, label in legend:  # one line of coloured squares, as on the page
            pdf.set_fill_color(*palette.rgb(colour))
            pdf.rect(x, pdf.get_y() + 0.8, 3, 3, style="F")
            pdf.set_x(x + 4)
            pdf.cell(pdf.get_string_width(_nfc(label)) + 1, 4.6, _nfc(label))
            x += 4 + pdf.get_string_width(_nfc(label)) + 4
        pdf.ln(6)
        pdf.image(io.BytesIO(svg.encode("utf-8")), x=12, y=pdf.get_y(), w=map_w)
        pdf.set_y(pdf.get_y() + map_w * MAP_DRAWING[1] / MAP_DRAWING[0])
    else:
        pdf.set_font("dejavu", "", 8)
        pdf.multi_cell(map_w, 4, _nfc(t("no_layer_short", lang)), new_x="LMARGIN", new_y="NEXT")
    y_left = pdf.get_y() + 4  # where the left column continues
    x2 = 12 + map_w + 4
    target = config.TARGETS["on_time_rate"]
    worst = worst_units(report.units, districts)
    widths = (pdf.w - 12 - x2 - 47, 15, 15, 17)
    heads = [t("col_on_time_short", lang), t("col_count_overdue", lang), t("col_count_no_apology", lang)]
    _table(
        pdf,
        x2,
        y_top,
        t("pdf_lowest", lang),
        [t("col_unit", lang), *heads],
        widths,
        [
            (
                str(u["name"]) + (" *" if u["kind"] == "district" else ""),
                [
                    (fmt.percent(u["on_time_rate"], lang), palette.BAND_TEXT[band(u["on_time_rate"], target)]),
                    (fmt.number(u["overdue"], lang), None),
                    (fmt.number(u["overdue_without_apology"], lang), None),
                ],
                False,
            )
            for _, u in worst.iterrows()
        ],
    )
    pdf.set_x(x2)
    pdf.set_font("dejavu", "", 6.5)
    pdf.multi_cell(0, 3.2, _nfc(t("pdf_scope_note", lang)), new_x="LEFT", new_y="NEXT", align="L")

    # The groups of the official table (I–IV), each unit's own dossiers, and the total; its last two
    # columns are overdue (late + open overdue) and those without an apology letter
    over, no_apology = f"c{len(pr.COLUMNS) - 2}", f"c{len(pr.COLUMNS) - 1}"
    groups = [r for r in report.official().to_dict("records") if r["row_type"] != "unit"]
    _table(
        pdf,
        x2,
        pdf.get_y() + 5,
        t("pdf_by_group", lang),
        [t("pdf_group", lang), *heads],
        widths,
        [
            (
                f"{r['number']}. {pr.label(r['name'], lang)}" if r["number"] else pr.label(r["name"], lang),
                [
                    (
                        fmt.percent(r["on_time_rate"], lang),
                        palette.BAND_TEXT[band(r["on_time_rate"], target)] if r["on_time_rate"] is not None else None,
                    ),
                    (fmt.number(r[over], lang), None),
                    (fmt.number(r[no_apology], lang), None),
                ],
                r["row_type"] == "total",
            )
            for r in groups
        ],
    )

    # Overdue by field (the land sector is the usual hotspot), under the map
    if by_field is not None and len(by_field):  # report.overdue_by_field(conn)
        by_field = by_field.head(8)
        heads = [t("col_field", lang), t("col_count_overdue", lang), t("col_count_no_apology", lang)]
        _table(
            pdf,
            12,
            y_left,
            t("sum_by_field", lang),
            heads,
            (map_w - 38, 18, 20),
            [
                (str(name), [(fmt.number(r["overdue"], lang), None), (fmt.number(r["no_apology"], lang), None)], False)
                for name, r in by_field.iterrows()
            ],
            head_size=7.5,
        )

    # Footer: definitions
    pdf.set_y(-38)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(12, pdf.get_y(), pdf.w - 12, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font("dejavu", "", 6.8)
    note = t("pdf_method", lang, target=fmt.percent(config.TARGETS["on_time_rate"], lang, 0))
    pdf.multi_cell(0, 3.3, _nfc(note), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("dejavu", "", 6.5)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 4, _nfc(f"{t('xl_generated', lang)}: {datetime.now():%d/%m/%Y %H:%M} · {t('app_title', lang)}"))
    return bytes(pdf.output())
