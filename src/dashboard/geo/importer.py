"""Import users' own boundary files (GeoJSON, GeoPackage, Shapefile, KML, KMZ) as a map layer.

Features are matched to units by code, or by name: names are compared with their diacritics first
(so Trà Dơn and Trà Don, Tam Đàn and Tam Dân stay apart) and only then folded, and a folded match
is taken only when it is unique. Prefixes such as Xã, Phường, Thị trấn are ignored. An optional
parent field (the district of a commune) narrows the candidates. Nothing is guessed silently: every
unmatched or ambiguous feature and every unit left without a polygon is reported, and an override
table makes deliberate matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import mapping

from dashboard.geo import layers
from dashboard.warehouse.ingest.names import exact_key, folded_key  # one matcher for boundaries and dossiers
from dashboard.warehouse.units import read_units_csv

LEVEL_PROPS = {
    "district": ("district_code", "district_full_name"),
    "commune": ("commune_code", "commune_full_name"),
    "province": ("province_code", "province_name"),
}


class _Table(HTMLParser):
    """KML exports put attributes in an HTML table in <description>: <th>key</th><td>value</td>."""

    def __init__(self):
        super().__init__()
        self.cells, self._tag, self._buf = [], None, ""

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._tag, self._buf = tag, ""

    def handle_endtag(self, tag):
        if tag == self._tag:
            self.cells.append((tag, self._buf.strip()))
            self._tag = None

    def handle_data(self, data):
        if self._tag:
            self._buf += data


def description_attributes(html: str) -> dict[str, str]:
    if not isinstance(html, str) or "<t" not in html:
        return {}
    p = _Table()
    p.feed(html)
    out, key = {}, None
    for tag, text in p.cells:
        if tag == "th":
            key = text
        elif key is not None:
            out[key] = text
            key = None
    return out


def read_features(path: Path):
    """The file's features as a GeoDataFrame in EPSG:4326, with KML description attributes as columns."""
    try:
        import geopandas as gpd
    except ImportError:  # the geo extra is for administrators: `make start` does not install it
        raise SystemExit(
            "geo import cần geopandas / needs geopandas: .venv/bin/pip install -r requirements-dev.txt"
        ) from None

    gdf = gpd.read_file(path)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    if "description" in gdf.columns:
        attrs = pd.DataFrame([description_attributes(h) for h in gdf["description"]], index=gdf.index)
        for c in attrs.columns:
            if c not in gdf.columns:
                gdf[c] = attrs[c]
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf.reset_index(drop=True)


@dataclass
class MatchReport:
    features: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    units_without_polygon: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # codes dissolved into their successor
    layer: layers.Layer | None = None

    @property
    def matched(self) -> int:
        return sum(self.by_method.values())

    def lines(self) -> list[str]:
        out = [
            f"features: {self.features}; matched {self.matched} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.by_method.items()))})"
        ]
        out += [f"  unmatched: {x}" for x in self.unmatched]
        out += [f"  ambiguous: {x}" for x in self.ambiguous]
        out += [f"  dissolved into successor: {x}" for x in self.merged]
        out += [f"  unit without polygon: {x}" for x in self.units_without_polygon]
        if self.layer:
            out.append(
                f"wrote {self.layer.file} (layer {self.layer.name}, {self.layer.level}, "
                f"{self.layer.valid_from} – {self.layer.valid_to or '…'})"
            )
        return out


def under(units: pd.DataFrame, province: str | None) -> pd.DataFrame:
    """The unit versions of the list that sit under `province` (all of them for None): a layer drawn for one
    province matches, and misses, that province's units only. By version: a reused code belongs where its
    version's parent does."""
    if not province:
        return units
    allowed, keep = {province}, units["code"] == province
    while True:
        rows = keep | units["parent_code"].isin(allowed)
        if rows.sum() == keep.sum():
            return units[keep]
        keep = rows
        allowed |= set(units.loc[rows, "code"])


def _candidates(units: pd.DataFrame, level: str, start: date, end: date, versions: bool = False) -> pd.DataFrame:
    """Units of `level` valid at some day of [start, end] (every version of a code with versions=True)."""
    u = units[units["kind"] == level].copy()
    vf = pd.to_datetime(u["valid_from"]).dt.date
    vt = pd.to_datetime(u["valid_to"].replace("", None)).dt.date
    u = u[(vf <= end) & (vt.isna() | (vt >= start))]
    return u if versions else u.drop_duplicates("code", keep="last")


def _match_name(name: str, cands: pd.DataFrame) -> tuple[str | None, str]:
    """(code, method) with method exact|folded|ambiguous|unmatched."""
    ek = exact_key(name)
    hit = cands[cands["name"].map(exact_key) == ek].drop_duplicates("code")
    if len(hit) == 1:
        return hit.iloc[0]["code"], "exact"
    if len(hit) > 1:
        return None, "ambiguous"
    fk = folded_key(name)
    hit = cands[cands["name"].map(folded_key) == fk].drop_duplicates("code")
    if len(hit) == 1:
        return hit.iloc[0]["code"], "folded"
    return None, "ambiguous" if len(hit) > 1 else "unmatched"


def match(
    gdf,
    level: str,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    overrides: pd.DataFrame | None = None,
    valid_from: date,
    valid_to: date | None,
    province: str | None = None,
) -> tuple[list[str | None], MatchReport]:
    """The unit code of each feature (None when unmatched) and the report."""
    units = under(read_units_csv(), province)
    end = valid_to or date(2100, 1, 1)
    # any unit (and version) that existed up to the layer's end: a file drawn before a merger still
    # matches the old units, which are then dissolved into their successors
    cands = _candidates(units, level, date(1900, 1, 1), end, versions=True)
    parent_level = {"commune": "district", "district": "province"}.get(level)
    parents = _candidates(units, parent_level, date(1900, 1, 1), end, versions=True) if parent_level else None
    report = MatchReport(features=len(gdf))
    codes: list[str | None] = []
    ov = {}
    if overrides is not None:
        for r in overrides.fillna("").to_dict("records"):
            ov[(exact_key(r["name"]), exact_key(r.get("parent", "")))] = str(r["code"])
    for _, feat in gdf.iterrows():
        label = str(feat.get(name_field, "") if name_field else feat.get(code_field, ""))
        parent_name = str(feat.get(parent_field, "")) if parent_field else ""
        where = f"{label!r}" + (f" ({parent_name})" if parent_name else "")
        key = (exact_key(label), exact_key(parent_name))
        if key in ov or (key[0], "") in ov:
            code, method = ov.get(key) or ov[(key[0], "")], "override"
        elif code_field:
            raw = str(feat.get(code_field, "")).strip()
            code, method = (raw, "code") if raw in set(cands["code"]) else (None, "unmatched")
        elif parent_field and parents is not None and _match_name(parent_name, parents)[0] is None:
            code, method = None, "unmatched"
            where += ": parent " + _match_name(parent_name, parents)[1]
        else:
            pool = cands
            if parent_field and parents is not None:
                pool = cands[cands["parent_code"] == _match_name(parent_name, parents)[0]]
            code, method = _match_name(label, pool)
        if code is None:
            (report.ambiguous if method == "ambiguous" else report.unmatched).append(where)
        else:
            report.by_method[method] = report.by_method.get(method, 0) + 1
        codes.append(code)
    return codes, report


def import_layer(
    path: Path,
    level: str,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    overrides_path: Path | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    geo_dir: Path | None = None,
    tolerance: float = 0.0002,
    province: str | None = None,
) -> MatchReport:
    """Read, match, dissolve (including units merged through the crosswalk), simplify and write a layer."""
    if not (code_field or name_field):
        raise ValueError("give --code-field or --name-field")
    valid_from = valid_from or date(2020, 2, 1)
    gdf = read_features(Path(path))
    for f in (code_field, name_field, parent_field):
        if f and f not in gdf.columns:
            raise ValueError(f"{Path(path).name}: no field {f!r}; fields: {', '.join(map(str, gdf.columns))}")
    overrides = pd.read_csv(overrides_path, dtype=str) if overrides_path else None
    codes, report = match(
        gdf,
        level,
        code_field=code_field,
        name_field=name_field,
        parent_field=parent_field,
        overrides=overrides,
        valid_from=valid_from,
        valid_to=valid_to,
        province=province,
    )
    gdf = gdf.assign(code=codes)
    gdf = gdf[gdf["code"].notna()]
    # units retired before the layer starts are drawn as part of their successor
    units = under(read_units_csv(), province)
    retired = units[(units["successor_code"] != "") & (units["valid_to"] != "")]
    succ = {r.code: r.successor_code for r in retired.itertuples() if date.fromisoformat(r.valid_to) < valid_from}
    report.merged = sorted({f"{c} → {succ[c]}" for c in gdf["code"] if c in succ})
    gdf["code"] = gdf["code"].map(lambda c: succ.get(c, c))
    dissolved = gdf[["code", "geometry"]].dissolve(by="code").reset_index()
    cands = _candidates(units, level, valid_from, valid_to or date(2100, 1, 1))
    names = dict(zip(cands["code"], cands["name"]))
    report.units_without_polygon = [f"{c} {names[c]}" for c in cands["code"] if c not in set(dissolved["code"])]
    geoms = shapely.coverage_simplify(dissolved.geometry.values, tolerance) if tolerance else dissolved.geometry.values
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    code_prop, name_prop = LEVEL_PROPS[level]
    feats = [
        {"type": "Feature", "properties": {code_prop: c, name_prop: names.get(c, c)}, "geometry": _rounded(mapping(g))}
        for c, g in zip(dissolved["code"], geoms)
        if not g.is_empty
    ]
    gd = geo_dir or layers.geo_dir()
    gd.mkdir(parents=True, exist_ok=True)  # a new DASHBOARD_GEO_DIR starts empty (no manifest yet)
    stem = re.sub(r"[^a-z0-9]+", "_", folded_key(Path(path).stem)).strip("_") or "layer"
    name = f"{level}_{valid_from.isoformat()}_{stem}"
    out = gd / f"{name}.geojson"
    out.write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8",
    )
    layer = layers.Layer(
        name=name,
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        code_property=code_prop,
        name_property=name_prop,
        file=out.name,
        sha256=layers.sha256(out),
        source=f"imported from {Path(path).name}",
        province=province or "",
    )
    manifest = [l for l in layers.read_manifest(gd) if l.name != name]
    # the imported layer takes precedence for its period: listed first
    layers.write_manifest([layer, *manifest], gd)
    report.layer = layer
    return report


def _rounded(m: dict, nd: int = 6) -> dict:
    def r(c):
        return [round(c[0], nd), round(c[1], nd)] if isinstance(c[0], (int, float)) else [r(x) for x in c]

    return {"type": m["type"], "coordinates": r(m["coordinates"])}
