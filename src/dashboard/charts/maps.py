"""Choropleth maps drawn as SVG (plotly geo) so they need no tile server, no WebGL and no CDN: the
app serves plotly's base-map file itself (static/world_110m.json, empty) and passes TOPOJSON_URL."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from dashboard.charts.ranking import BAND_COLOURS, band
from dashboard.i18n import t

TOPOJSON_URL = "app/static/"
PLOT_CONFIG = {"topojsonURL": TOPOJSON_URL, "displayModeBar": False, "scrollZoom": False}
BAND_ORDER = ("ok", "near", "low", "none")
_PREFIX = re.compile(r"^(Thành phố|Thị xã|Thị trấn|Huyện|Quận|Phường|Xã|Tỉnh)\s+")
COUNT_SCALES = {"overdue": "OrRd", "overdue_without_apology": "Reds", "received": "Blues"}


def short_name(name: str) -> str:
    return _PREFIX.sub("", name)


def subset(geojson: dict, codes) -> dict:
    """The features of a layer whose id is among `codes`."""
    codes = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in codes]}


def choropleth(geojson: dict, df: pd.DataFrame, value: str = "value", *, lang: str, is_rate: bool,
               target: float | None = None, near: float = 5.0, label_size: int = 14, height: int = 720,
               legend_title: str = "", colorscale: str = "Blues", outline: str | None = None,
               colours: dict[str, str] = BAND_COLOURS, label_values: bool = True) -> go.Figure:
    """df: one row per unit with code, name, `value` and optional `hover` (HTML lines). Rates are drawn
    in bands around the target (`colours`: band → colour); counts on a sequential scale. Units whose
    value is missing are grey and labelled "không có dữ liệu"; features without a row too."""
    d = df.set_index("code")
    codes = [f["id"] for f in geojson["features"]]
    val = d[value].reindex(codes)
    names = {f["id"]: d["name"].get(f["id"], f["properties"]["name"]) for f in geojson["features"]}
    hover = d["hover"].reindex(codes) if "hover" in d else pd.Series("", index=codes)
    text_val = {c: (fmt.percent(v, lang) if is_rate else fmt.number(v, lang)) if pd.notna(v) else t("no_data", lang)
                for c, v in val.items()}
    fig = go.Figure()
    if is_rate:
        bands = {c: band(v, target, near) for c, v in val.items()}
        labels = {"ok": t("band_ok", lang, target=fmt.percent(target, lang, 0)),
                  "near": t("band_near", lang, lo=fmt.percent(target - near, lang, 0), hi=fmt.percent(target, lang, 0)),
                  "low": t("band_low", lang, lo=fmt.percent(target - near, lang, 0)),
                  "none": t("no_data", lang)}
        for b in BAND_ORDER:
            members = [c for c in codes if bands[c] == b]
            if not members:
                continue
            fig.add_trace(_polygons(subset(geojson, set(members)), members, [0] * len(members),
                                    [[0, colours[b]], [1, colours[b]]], names, text_val, hover,
                                    name=labels[b], showlegend=True))
    else:
        has = [c for c in codes if pd.notna(val[c])]
        missing = [c for c in codes if c not in has]
        if has:
            tr = _polygons(subset(geojson, set(has)), has, [float(val[c]) for c in has],
                           colorscale, names, text_val, hover, name=legend_title, showlegend=False)
            tr.update(showscale=True, colorbar=dict(title=dict(text=legend_title), thickness=14, len=0.6,
                                                     separatethousands=True))
            fig.add_trace(tr)
        if missing:
            fig.add_trace(_polygons(subset(geojson, set(missing)), missing, [0] * len(missing),
                                    [[0, BAND_COLOURS["none"]], [1, BAND_COLOURS["none"]]], names, text_val, hover,
                                    name=t("no_data", lang), showlegend=True))
    if outline:
        home = subset(geojson, {outline})
        fig.add_trace(go.Choropleth(geojson=home, locations=[outline], z=[0], featureidkey="id", showscale=False,
                                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], hoverinfo="skip",
                                    marker_line_width=3, marker_line_color="#000", showlegend=False))
    feats = {f["id"]: f for f in geojson["features"]}
    fig.add_trace(go.Scattergeo(
        lon=[feats[c]["properties"]["x"] for c in codes], lat=[feats[c]["properties"]["y"] for c in codes],
        text=[f"<b>{short_name(names[c])}" + (f"<br>{text_val[c]}" if label_values else "") + "</b>" for c in codes],
        mode="text", hoverinfo="skip",
        textfont=dict(size=label_size, color="#111", shadow="0px 0px 3px #fff"), showlegend=False,
    ))
    fig.update_geos(fitbounds="geojson", visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), separators=fmt.plotly_separators(lang),
                      legend=dict(title=dict(text=legend_title), x=0.01, y=0.99, bgcolor="rgba(255,255,255,0.85)",
                                  font=dict(size=14)),
                      dragmode=False, paper_bgcolor="white")
    return fig


def _polygons(gj, members, z, colorscale, names, text_val, hover, *, name, showlegend) -> go.Choropleth:
    return go.Choropleth(
        geojson=gj, locations=members, z=z, featureidkey="id", colorscale=colorscale, showscale=False,
        marker_line_color="#555", marker_line_width=0.8, name=name, showlegend=showlegend,
        customdata=[[names[c], text_val[c], hover.get(c, "") or ""] for c in members],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
    )


def province_map(geojson: dict, published: pd.DataFrame, *, lang: str, home: str | None = None,
                 height: int = 760) -> go.Figure:
    """Provinces coloured by a published score (PAR Index or SIPAS, one year); provinces without a
    published figure are grey and labelled so; the home province is outlined."""
    rows = published.drop_duplicates("area_code").set_index("area_code")
    codes = [f["id"] for f in geojson["features"]]
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    has = [c for c in codes if c in rows.index and pd.notna(rows.loc[c, "score"])]
    missing = [c for c in codes if c not in has]
    fig = go.Figure()

    def hover(c: str) -> str:
        if c not in has:
            return t("no_published", lang)
        r = rows.loc[c]
        rank = t("hover_rank", lang, rank=int(r["rank"]), n=int(r["rank_of"] or 63)) if pd.notna(r["rank"]) else ""
        quality = t(f"quality_{r['quality']}", lang)
        return "<br>".join(x for x in (fmt.percent(r["score"], lang), rank, quality) if x)

    if has:
        fig.add_trace(go.Choropleth(
            geojson=subset(geojson, set(has)), locations=has, z=[float(rows.loc[c, "score"]) for c in has],
            featureidkey="id", colorscale="YlGnBu", zmin=70, zmax=95, marker_line_color="#666", marker_line_width=0.5,
            colorbar=dict(title=dict(text=t("published_score", lang)), thickness=14, len=0.5),
            customdata=[[names[c], hover(c)] for c in has],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    if missing:
        fig.add_trace(go.Choropleth(
            geojson=subset(geojson, set(missing)), locations=missing, z=[0] * len(missing), featureidkey="id",
            colorscale=[[0, BAND_COLOURS["none"]], [1, BAND_COLOURS["none"]]], showscale=False,
            marker_line_color="#888", marker_line_width=0.5, name=t("no_published", lang), showlegend=True,
            customdata=[[names[c], t("no_published", lang)] for c in missing],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    if home and home in codes:
        fig.add_trace(go.Choropleth(geojson=subset(geojson, {home}), locations=[home], z=[0], featureidkey="id",
                                    showscale=False, colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                                    hoverinfo="skip", marker_line_width=3.5, marker_line_color="#d7191c",
                                    showlegend=False))
    feats = {f["id"]: f for f in geojson["features"]}
    labelled = [c for c in has] + ([home] if home in codes and home not in has else [])
    fig.add_trace(go.Scattergeo(
        lon=[feats[c]["properties"]["x"] for c in labelled], lat=[feats[c]["properties"]["y"] for c in labelled],
        text=[f"{names[c]} {fmt.number(rows.loc[c, 'score'], lang, 2)}" if c in has else names[c] for c in labelled],
        mode="text", hoverinfo="skip", textfont=dict(size=12, color="#111", shadow="0px 0px 3px #fff"),
        showlegend=False))
    fig.update_geos(fitbounds="geojson", visible=False, projection_type="mercator")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), separators=fmt.plotly_separators(lang),
                      legend=dict(x=0.01, y=0.99, font=dict(size=14)), dragmode=False)
    return fig
