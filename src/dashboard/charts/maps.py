"""Choropleth maps as inline SVG: a few dozen kilobytes of markup that any browser draws at once, with
no plotting library to load, no tile server, no WebGL and no CDN. Names and values are written on the
map (a projector has no hover); labels that would cover each other are moved aside with a leader line.
The markup is built here, without Streamlit; ui.mapview mounts it and wires hover and click."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
from plotly.colors import sequential

from dashboard import fmt
from dashboard.charts import palette
from dashboard.charts.ranking import BAND_COLOURS
from dashboard.i18n import t
from dashboard.metrics.targets import band

BAND_ORDER = ("ok", "near", "low", "none")
_PREFIX = re.compile(r"^(Thành phố|Thị xã|Thị trấn|Huyện|Quận|Phường|Xã|Tỉnh)\s+")
#: sequential scales for counts (ColorBrewer, through plotly's copies), by metric
COUNT_SCALES = {"overdue": "OrRd", "overdue_without_apology": "Reds", "received": "Blues"}
#: the drawing's own units; the SVG scales to its container (the map column at 1920 px is ~900 px wide)
WIDTH, HEIGHT = 900, 600
PAD = 12
CLASSES = 5
#: the home province's outline
OUTLINE = palette.HOME
#: average advance of Source Sans bold, in em, to size label boxes (slightly generous)
CHAR_EM = 0.58


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    fill: str
    legend: str  # the legend entry it belongs to
    tip: str  # hover lines, plain text separated by newlines


@dataclass(frozen=True)
class MapFigure:
    """One map: the markup to mount, and what it shows (for tests and for the page's own lists)."""

    html: str
    areas: tuple[Area, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, label), in order
    legend_title: str
    labels: tuple[tuple[str, float, float, bool], ...]  # (code, x, y, moved aside)
    clickable: bool = False

    @property
    def size(self) -> int:
        """Bytes sent to the browser for this map."""
        return len(self.html.encode("utf-8"))


def short_name(name: str) -> str:
    return _PREFIX.sub("", name)


def subset(geojson: dict, codes) -> dict:
    """The features of a layer whose id is among `codes`."""
    codes = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in codes]}


# -- projection -------------------------------------------------------------------------------------------


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for poly in geometry["coordinates"]:
            yield from poly


def _mercator(lon, lat):
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return np.radians(lon), np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


class _Fit:
    """Mercator, scaled and centred to fill the drawing (north up)."""

    def __init__(self, features: list[dict], width: int, height: int, pad: int):
        pts = np.concatenate([np.asarray(r, dtype=float) for f in features for r in _rings(f["geometry"])])
        x, y = _mercator(pts[:, 0], pts[:, 1])
        self.x0, self.y1 = x.min(), y.max()
        span_x, span_y = max(x.max() - self.x0, 1e-9), max(self.y1 - y.min(), 1e-9)
        self.k = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        self.dx = (width - self.k * span_x) / 2
        self.dy = (height - self.k * span_y) / 2

    def __call__(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = _mercator(lon, lat)
        return self.dx + (x - self.x0) * self.k, self.dy + (self.y1 - y) * self.k


def _num(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _path(geometry: dict, fit: _Fit) -> tuple[str, float]:
    """SVG path data (one decimal; repeated points dropped) and the projected area."""
    parts, area = [], 0.0
    for ring in _rings(geometry):
        a = np.asarray(ring, dtype=float)
        x, y = fit(a[:, 0], a[:, 1])
        x, y = np.round(x, 1), np.round(y, 1)
        keep = np.ones(len(x), dtype=bool)
        keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
        x, y = x[keep], y[keep]
        if len(x) < 3:
            continue
        area += abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2
        coords = " ".join(f"{_num(a)} {_num(b)}" for a, b in zip(x, y))
        parts.append(f"M{coords}Z")
    return "".join(parts), area


# -- labels -----------------------------------------------------------------------------------------------

#: space kept between two labels' boxes (drawing units ~ px)
LABEL_GAP = 4.0


def label_box(lines: list[str], size: float, char_em: float = CHAR_EM) -> tuple[float, float]:
    """Width and height a label of these lines takes at `size` (bold, `char_em` the font's average advance;
    room for the diacritics above capitals such as Ế and below the baseline)."""
    return max(len(s) for s in lines) * size * char_em + 6, len(lines) * size * 1.15 + 0.3 * size


def _overlaps(box, boxes, margin: float = LABEL_GAP) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] + margin and b[0] < x1 + margin and y0 < b[3] + margin and b[1] < y1 + margin for b in boxes)


def place_labels(
    anchors: list[tuple[str, float, float, float, float, float]],
    width: float,
    height: float,
    rings: int = 8,
    drop: bool = True,
) -> dict[str, tuple[float, float, bool]]:
    """anchors: (code, x, y, box width, box height, priority). Each label goes at its anchor if free,
    else at the nearest free spot around it (up to `rings` rings of 8 directions), else nowhere (its name is
    in the hover) — or at its anchor anyway with drop=False; larger priority first. Returns code →
    (centre x, centre y, moved)."""
    placed: list[tuple[float, float, float, float]] = []
    out = {}
    for code, ax, ay, w, h, _ in sorted(anchors, key=lambda a: -a[5]):
        spot = None
        for r in range(0, rings + 1):
            steps = (
                [(0.0, 0.0)]
                if r == 0
                else [
                    (math.cos(a) * r * h * 0.9, math.sin(a) * r * h * 0.9)
                    for a in (math.pi * k / 4 for k in (6, 2, 0, 4, 7, 5, 1, 3))
                ]
            )
            for dx, dy in steps:
                cx, cy = ax + dx, ay + dy
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
                    continue
                if not _overlaps(box, placed):
                    spot = (cx, cy, r > 0)
                    break
            if spot:
                break
        if spot is None:
            if drop:
                continue
            spot = (ax, ay, False)
        cx, cy, _ = spot
        placed.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        out[code] = spot
    return out


# -- colours ----------------------------------------------------------------------------------------------


def _ramp(name: str, k: int) -> list[str]:
    seq = getattr(sequential, name)
    idx = np.linspace(2, len(seq) - 1, k).round().astype(int) if k > 1 else [len(seq) // 2]
    return [seq[i] for i in idx]


def classes(values, k: int = CLASSES, decimals: int = 0) -> list[float]:
    """Upper bounds of up to k classes with about equal numbers of units (quantiles), rounded; the last
    is the maximum. A unit belongs to the first class whose bound it does not exceed."""
    v = np.asarray([x for x in values if x is not None and not pd.isna(x)], dtype=float)
    if not len(v):
        return []
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    bounds = sorted({round(float(q), decimals) for q in qs})
    bounds[-1] = max(bounds[-1], round(float(v.max()), decimals))
    return bounds


def _class_labels(bounds: list[float], lo: float, lang: str, decimals: int) -> list[str]:
    out, start = [], lo
    step = 10**-decimals
    for b in bounds:
        a, z = fmt.number(start, lang, decimals), fmt.number(b, lang, decimals)
        out.append(a if a == z else f"{a} – {z}")
        start = b + step
    return out


def _classed(values: dict[str, float], scale: str, lang: str, decimals: int):
    """Colour and legend entry per unit for values in quantile classes of a sequential scale, and the
    legend (colour, "lo – hi") in class order; units without a value are left out of both."""
    known = {c: v for c, v in values.items() if v is not None and not pd.isna(v)}
    bounds = classes(known.values(), decimals=decimals)
    ramp = _ramp(scale, len(bounds))
    names = _class_labels(bounds, min(known.values()), lang, decimals) if bounds else []
    of = {c: next(i for i, b in enumerate(bounds) if v <= b + 1e-9) for c, v in known.items()}
    return {c: ramp[i] for c, i in of.items()}, {c: names[i] for c, i in of.items()}, list(zip(ramp, names))


# -- the figure -------------------------------------------------------------------------------------------


def _legend_html(title: str, legend) -> str:
    items = "".join(f'<span class="item"><i style="background:{c}"></i>{escape(label)}</span>' for c, label in legend)
    return f'<div class="legend"><b>{escape(title)}</b>{items}</div>' if legend else ""


def _figure(
    geojson: dict,
    areas: list[Area],
    labels: dict[str, list[str]],
    *,
    legend,
    legend_title: str,
    label_size: int,
    outline: str | None,
    clickable: bool,
    width: int,
    height: int,
    line: float = 0.8,
    aria: str = "",
    drop_crowded: bool = False,
    char_em: float = CHAR_EM,
) -> MapFigure:
    feats = [f for f in geojson["features"] if f["geometry"]["coordinates"]]
    by_code = {a.code: a for a in areas}
    if not feats:
        return MapFigure("", tuple(areas), tuple(legend), legend_title, (), clickable)
    fit = _Fit(feats, width, height, PAD)
    paths, anchors, d_of = [], [], {}
    for f in feats:
        a = by_code.get(f["id"])
        if a is None:
            continue
        d, area = _path(f["geometry"], fit)
        d_of[a.code] = d
        attrs = f'data-code="{escape(a.code)}" data-tip="{escape(a.tip)}" aria-label="{escape(a.tip)}"'
        if clickable:
            attrs += ' tabindex="0" class="click"'
        paths.append(f'<path d="{d}" fill="{a.fill}" {attrs}/>')
        lines = labels.get(a.code) or []
        if lines:
            lx, ly = fit([f["properties"]["x"]], [f["properties"]["y"]])
            w, h = label_box(lines, label_size, char_em)
            anchors.append((a.code, float(lx[0]), float(ly[0]), w, h, math.inf if a.code == outline else area))
    # a whole province's communes: room for labels only where they do not pile up
    drop_crowded = drop_crowded or len(anchors) > 60
    spots = place_labels(anchors, width, height, rings=2 if drop_crowded else 8)
    texts, leaders = [], []
    anchor_of = {a[0]: a for a in anchors}
    for code, (cx, cy, moved) in spots.items():
        lines = labels[code]
        n = len(lines)
        y0 = cy - (n - 1) * label_size * 1.15 / 2 + label_size * 0.35
        spans = "".join(
            f'<tspan x="{_num(cx)}" y="{_num(y0 + i * label_size * 1.15)}">{escape(s)}</tspan>'
            for i, s in enumerate(lines)
        )
        texts.append(f'<text data-code="{escape(code)}">{spans}</text>')
        if moved:
            _, ax, ay, w, h, _ = anchor_of[code]
            ex = min(max(ax, cx - w / 2), cx + w / 2)  # the box edge nearest the anchor
            ey = min(max(ay, cy - h / 2), cy + h / 2)
            leaders.append(
                f'<line x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(ex)}" y2="{_num(ey)}"/>'
                f'<circle cx="{_num(ax)}" cy="{_num(ay)}" r="3"/>'
            )
    ring = f'<path class="outline" d="{d_of[outline]}"/>' if outline in d_of else ""
    # presentation attributes for renderers without the page's stylesheet (the PDF); the page's CSS wins
    ring = ring.replace(
        '<path class="outline"', f'<path class="outline" fill="none" stroke="{OUTLINE}" stroke-width="{_num(line * 4)}"'
    )
    svg = (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(aria or legend_title)}" '
        f'style="--line:{line}px;--label:{label_size}px">'
        f'<g class="areas" stroke="{palette.OUTLINE}" stroke-width="{_num(line)}" stroke-linejoin="round">'
        f'{"".join(paths)}</g>{ring}<path class="hl" d=""/>'
        f'<g class="leaders" stroke="{palette.LINE}" stroke-width="1.2" fill="{palette.LINE}">'
        f'{"".join(leaders)}</g><g class="labels" font-size="{label_size}" font-weight="bold" '
        f'text-anchor="middle" fill="{palette.INK}">{"".join(texts)}</g></svg>'
    )
    html = _legend_html(legend_title, legend) + svg + '<div class="tip" role="tooltip"></div>'
    placed = tuple((c, round(x, 1), round(y, 1), m) for c, (x, y, m) in spots.items())
    return MapFigure(html, tuple(areas), tuple(legend), legend_title, placed, clickable)


def choropleth(
    geojson: dict,
    df: pd.DataFrame,
    value: str = "value",
    *,
    lang: str,
    is_rate: bool,
    target: float | None = None,
    near: float = 5.0,
    label_size: int = 15,
    legend_title: str = "",
    colorscale: str = "Blues",
    outline: str | None = None,
    colours: dict[str, str] = BAND_COLOURS,
    label_values: bool = True,
    clickable: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
    line: float = 0.8,
    aria: str = "",
    char_em: float = CHAR_EM,
) -> MapFigure:
    """df: one row per unit with code, name, `value` and optional `hover` (plain lines). Rates are drawn
    in bands around the target (`colours`: band → colour); counts in classes of a sequential scale.
    Units whose value is missing are grey and labelled "không có dữ liệu"; features without a row too.
    `aria`: what the map shows, in words (its accessible name; the legend title when empty)."""
    d = df.set_index("code")
    codes = [f["id"] for f in geojson["features"]]
    val = d[value].reindex(codes)
    names = {f["id"]: d["name"].get(f["id"], f["properties"]["name"]) for f in geojson["features"]}
    hover = d["hover"].reindex(codes).fillna("") if "hover" in d else pd.Series("", index=codes)
    none_label = t("no_data", lang)
    text_val = {
        c: (fmt.percent(v, lang) if is_rate else fmt.number(v, lang)) if pd.notna(v) else none_label
        for c, v in val.items()
    }
    if is_rate:
        labels = {
            "ok": t("band_ok", lang, target=fmt.percent(target, lang, 0)),
            "near": t("band_near", lang, lo=fmt.percent(target - near, lang, 0), hi=fmt.percent(target, lang, 0)),
            "low": t("band_low", lang, lo=fmt.percent(target - near, lang, 0)),
            "none": none_label,
        }
        keys = {c: band(v, target, near) for c, v in val.items()}
        fills = {c: colours[k] for c, k in keys.items()}
        entry = {c: labels[k] for c, k in keys.items()}
        legend = [(colours[b], labels[b]) for b in BAND_ORDER if b in keys.values()]
    else:
        fills, entry, legend = _classed(val.to_dict(), colorscale, lang, 0)
        fills = {c: fills.get(c, colours["none"]) for c in codes}
        entry = {c: entry.get(c, none_label) for c in codes}
        legend += [(colours["none"], none_label)] if val.isna().any() else []
    areas = [
        Area(c, names[c], fills[c], entry[c], "\n".join(x for x in (names[c], text_val[c], hover.get(c, "")) if x))
        for c in codes
    ]
    lines = {c: [short_name(names[c])] + ([text_val[c]] if label_values else []) for c in codes}
    return _figure(
        geojson,
        areas,
        lines,
        legend=legend,
        legend_title=legend_title,
        label_size=label_size,
        outline=outline,
        clickable=clickable,
        width=width,
        height=height,
        line=line,
        aria=aria,
        char_em=char_em,
    )


def province_map(
    geojson: dict,
    published: pd.DataFrame,
    *,
    lang: str,
    home: str | None = None,
    legend_title: str = "",
    scale: str = "YlGnBu",
    label_size: int = 20,
) -> MapFigure:
    """Provinces coloured by a published score (PAR Index or SIPAS, one year) in classes; provinces
    without a published figure are grey and labelled so; the home province is outlined."""
    rows = published.drop_duplicates("area_code").set_index("area_code")
    codes = [f["id"] for f in geojson["features"]]
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    has = [c for c in codes if c in rows.index and pd.notna(rows.loc[c, "score"])]
    scores = {c: float(rows.loc[c, "score"]) for c in has}
    fills, entry, legend = _classed(scores, scale, lang, 2)
    none_label = t("no_published", lang)
    areas = []
    for c in codes:
        if c in scores:
            r = rows.loc[c]
            rank = t("hover_rank", lang, rank=int(r["rank"]), n=int(r["rank_of"] or 63)) if pd.notna(r["rank"]) else ""
            tip = "\n".join(
                x for x in (names[c], fmt.number(scores[c], lang, 2), rank, t(f"quality_{r['quality']}", lang)) if x
            )
            areas.append(Area(c, names[c], fills[c], entry[c], tip))
        else:
            areas.append(Area(c, names[c], BAND_COLOURS["none"], none_label, f"{names[c]}\n{none_label}"))
    legend += [(BAND_COLOURS["none"], none_label)] if len(has) < len(codes) else []
    # names and scores of the provinces with a figure and the home province (a few dozen at most, so each
    # may move out to the sea with a leader line; one that still finds no room is left to the hover).
    # 20 units ≈ 14 px where the drawing fills its half of a 1920 px page
    lines = {c: [f"{short_name(names[c])} {fmt.number(scores[c], lang, 2)}"] for c in has}
    if home in codes and home not in lines:
        lines[home] = [short_name(names[home])]
    return _figure(
        geojson,
        areas,
        lines,
        legend=legend,
        legend_title=legend_title,
        label_size=label_size,
        outline=home if home in codes else None,
        clickable=False,
        width=900,
        height=1000,
        line=0.5,
    )


def print_svg(fig: MapFigure, font_family: str) -> str:
    """The map's SVG alone (no legend, tooltip or hover layer), its labels in `font_family`: what the PDF
    draws, from the same projected geometry and label placement as the page's map."""
    m = re.search(r"<svg .*?</svg>", fig.html, re.S)
    if m is None:
        return ""
    svg = m.group(0).replace('<path class="hl" d=""/>', "")
    return svg.replace('<g class="labels" ', f'<g class="labels" font-family="{escape(font_family)}" ', 1)
