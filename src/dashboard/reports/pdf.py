"""A one-page A4 summary of a period for printing: key figures, a small map, the units most behind.

fpdf2 lays the page out; matplotlib draws the map (no browser, no network). The font is the DejaVu
Sans that ships inside matplotlib, which covers Vietnamese, so the page renders the same anywhere.
"""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from dashboard import config, fmt
from dashboard.charts.ranking import BAND_COLOURS, band
from dashboard.i18n import t
from dashboard.metrics import kpi

WORST_N = 10


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def _map_png(districts: pd.DataFrame, geojson: dict | None, lang: str) -> bytes | None:
    """Districts coloured in the on-time bands, names written on; None without a boundary layer."""
    if geojson is None or not geojson.get("features"):
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from shapely.geometry import shape

    from dashboard.charts.maps import short_name

    target = config.TARGETS["on_time_rate"]
    values = dict(zip(districts["code"], districts["on_time_rate"]))
    fig, ax = plt.subplots(figsize=(3.6, 3.9), dpi=200)
    for feat in geojson["features"]:
        geom = shape(feat["geometry"])
        colour = BAND_COLOURS[band(values.get(feat["id"]), target)]
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            x, y = poly.exterior.xy
            ax.fill(x, y, facecolor=colour, edgecolor="white", linewidth=0.6)
        c = geom.representative_point()
        name = short_name(str(feat["properties"].get("name", feat["id"])))
        ax.text(c.x, c.y, name, fontsize=4.2, ha="center", va="center", color="black",
                fontfamily="DejaVu Sans")
    ax.set_aspect("equal")
    ax.axis("off")
    t95 = fmt.percent(target, lang, 0)
    legend = [Patch(color=BAND_COLOURS["ok"], label=f"≥ {t95}"),
              Patch(color=BAND_COLOURS["near"], label=f"{fmt.percent(target - 5, lang, 0)} – {t95}"),
              Patch(color=BAND_COLOURS["low"], label=f"< {fmt.percent(target - 5, lang, 0)}"),
              Patch(color=BAND_COLOURS["none"], label=t("no_data", lang))]
    ax.legend(handles=legend, loc="lower left", fontsize=5, frameon=False)
    fig.tight_layout(pad=0.1)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def worst_units(units: pd.DataFrame, districts: pd.DataFrame, n: int = WORST_N) -> pd.DataFrame:
    """The units furthest below the on-time target: districts (whole territory), departments and
    land-registry branches (own dossiers); lowest official rate first, more overdue first on ties."""
    own = units[units["kind"].isin(("department", "land_registry_branch"))]
    pool = pd.concat([districts, own], ignore_index=True)
    pool = pool[pool["on_time_rate"].notna()]
    return pool.sort_values(["on_time_rate", "overdue"], ascending=[True, False]).head(n).reset_index(drop=True)


def one_pager(report, geojson: dict | None, lang: str = "vi", province_name: str | None = None) -> bytes:
    """report: reports.period.PeriodReport; geojson: the district layer of the period (or None)."""
    districts = report.districts
    font = _font_dir()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    pdf.add_font("dejavu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(font / "DejaVuSans-Bold.ttf"))
    p = report.period
    k = report.totals()
    prev = kpi.KpiRow.from_counts(report.previous[list(kpi.COUNT_FIELDS)].sum().to_dict()) \
        if report.previous is not None else None

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
        return (f"{'+' if d >= 0 else '−'}{fmt.number(abs(d), lang, 2)} " + t("pdf_vs_previous", lang))

    share = kpi.rate(k.overdue_without_apology, k.overdue)
    boxes = [
        (t("col_handled", lang), fmt.number(k.handled, lang),
         f"{t('received', lang)} {fmt.number(k.received, lang)}"),
        (t("on_time_rate", lang), fmt.percent(k.rate("on_time_rate"), lang), change("on_time_rate")),
        (t("overdue", lang), fmt.number(k.overdue, lang),
         f"{t('open_overdue', lang)}: {fmt.number(k.open_overdue, lang)}"),
        (t("overdue_without_apology", lang), fmt.number(k.overdue_without_apology, lang),
         t("sum_no_apology_share", lang, share=fmt.percent(share, lang, 1))),
        (t("online_rate", lang), fmt.percent(k.rate("online_rate"), lang), change("online_rate")),
        (t("online_payment_rate", lang), fmt.percent(k.rate("online_payment_rate"), lang), change("online_payment_rate")),
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
        pdf.multi_cell(w - 4, 3.4, _nfc(label), new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 2, y + 9)
        pdf.set_font("dejavu", "B", 14)
        pdf.cell(w - 4, 7, _nfc(value))
        pdf.set_xy(x + 2, y + 16.5)
        pdf.set_font("dejavu", "", 6.5)
        pdf.cell(w - 4, 4, _nfc(note))
    pdf.set_y(y0 + 2 * (h + 3) + 2)

    # Map (left) and the units most behind (right)
    y_top = pdf.get_y()
    png = _map_png(districts, geojson, lang)
    map_w = 78
    pdf.set_font("dejavu", "B", 10)
    pdf.cell(map_w, 6, _nfc(t("pdf_map_title", lang)),
             new_x="LMARGIN", new_y="NEXT")
    if png:
        pdf.image(io.BytesIO(png), x=12, y=pdf.get_y(), w=map_w)
    else:
        pdf.set_font("dejavu", "", 8)
        pdf.multi_cell(map_w, 4, _nfc(t("no_layer_short", lang)))
    x2 = 12 + map_w + 4
    pdf.set_xy(x2, y_top)
    pdf.set_font("dejavu", "B", 10)
    pdf.cell(0, 6, _nfc(t("pdf_lowest", lang)),
             new_x="LEFT", new_y="NEXT")
    worst = worst_units(report.units, districts)
    widths = (pdf.w - 12 - x2 - 54, 18, 16, 20)
    heads = (t("col_unit", lang), t("col_on_time_short", lang), t("col_count_overdue", lang),
             t("col_count_no_apology", lang))
    pdf.set_font("dejavu", "B", 7.5)
    pdf.set_fill_color(221, 235, 247)
    for wd, hd in zip(widths, heads):
        pdf.cell(wd, 6, _nfc(hd), border=1, fill=True, align="C")
    pdf.ln()
    pdf.set_font("dejavu", "", 7.5)
    for _, u in worst.iterrows():
        pdf.set_x(x2)
        name = str(u["name"]) + (" *" if u["kind"] == "district" else "")
        while pdf.get_string_width(name) > widths[0] - 2 and len(name) > 4:
            name = name[:-2] + "…"  # one character shorter each turn, ending in …
        colour = BAND_COLOURS[band(u["on_time_rate"], config.TARGETS["on_time_rate"])]
        pdf.cell(widths[0], 5.6, _nfc(name), border=1)
        pdf.set_text_color(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
        pdf.cell(widths[1], 5.6, _nfc(fmt.percent(u["on_time_rate"], lang)), border=1, align="R")
        pdf.set_text_color(0, 0, 0)
        pdf.cell(widths[2], 5.6, _nfc(fmt.number(u["overdue"], lang)), border=1, align="R")
        pdf.cell(widths[3], 5.6, _nfc(fmt.number(u["overdue_without_apology"], lang)), border=1, align="R")
        pdf.ln()
    pdf.set_x(x2)
    pdf.set_font("dejavu", "", 6.5)
    pdf.multi_cell(0, 3.2, _nfc(t("pdf_scope_note", lang)),
                   new_x="LMARGIN", new_y="NEXT")

    # Overdue by field (the land sector is the usual hotspot)
    rows = report.overdue_rows
    if len(rows):
        pdf.set_xy(x2, max(pdf.get_y() + 4, y_top + 90))
        pdf.set_font("dejavu", "B", 10)
        pdf.cell(0, 6, _nfc(t("sum_by_field", lang)), new_x="LEFT", new_y="NEXT")
        by_field = report.overdue_by_field().head(8)
        fw = (widths[0] + widths[1], widths[2], widths[3])
        pdf.set_font("dejavu", "B", 7.5)
        for wd, hd in zip(fw, (t("col_field", lang), t("col_count_overdue", lang), t("col_count_no_apology", lang))):
            pdf.cell(wd, 6, _nfc(hd), border=1, fill=True, align="C")
        pdf.ln()
        pdf.set_font("dejavu", "", 7.5)
        for name, r in by_field.iterrows():
            pdf.set_x(x2)
            pdf.cell(fw[0], 5.6, _nfc(name), border=1)
            pdf.cell(fw[1], 5.6, _nfc(fmt.number(r["overdue"], lang)), border=1, align="R")
            pdf.cell(fw[2], 5.6, _nfc(fmt.number(r["no_apology"], lang)), border=1, align="R")
            pdf.ln()

    # Footer: definitions
    pdf.set_y(-38)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(12, pdf.get_y(), pdf.w - 12, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font("dejavu", "", 6.8)
    note = t("pdf_method", lang, target=fmt.percent(config.TARGETS["on_time_rate"], lang, 0))
    pdf.multi_cell(0, 3.3, _nfc(note), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 6.5)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 4, _nfc(f"{t('xl_generated', lang)}: {datetime.now():%d/%m/%Y %H:%M} · {t('app_title', lang)}"))
    return bytes(pdf.output())
