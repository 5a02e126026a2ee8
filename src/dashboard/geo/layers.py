"""Layers listed in geo/manifest.json: install, choose by period, and load ready for plotting."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import shapely
import shapely.affinity
from shapely.geometry import mapping, shape

from dashboard import config

MANIFEST = "manifest.json"
#: display simplification per level (degrees; 0.001° ≈ 110 m) and coordinate rounding (4 dp ≈ 11 m)
SIMPLIFY = {"province": 0.01, "district": 0.0015, "commune": 0.0013}
DECIMALS = 4


def geo_dir() -> Path:
    """Where layers live: $DASHBOARD_GEO_DIR or the repository's geo/."""
    return Path(os.environ.get("DASHBOARD_GEO_DIR", config.ROOT / "geo"))


def default_source() -> Path | None:
    """The demo boundary pack: $DASHBOARD_GEO_SOURCE, else ../shared/geo beside the clone, if present."""
    env = os.environ.get("DASHBOARD_GEO_SOURCE")
    for cand in ([Path(env)] if env else []) + [config.ROOT.parent / "shared" / "geo"]:
        if cand.is_dir():
            return cand
    return None


@dataclass(frozen=True)
class Layer:
    name: str
    level: str
    valid_from: date
    valid_to: date | None
    code_property: str
    name_property: str
    file: str
    sha256: str
    source: str = ""
    province: str = ""  # the province code its features belong to ("" = any: the layers of all provinces)
    parts: tuple = ()  # a layer made of several files (two provinces' layers for one period)

    def covers(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def overlap_days(self, start: date, end: date) -> int:
        lo, hi = max(start, self.valid_from), min(end, self.valid_to or end)
        return (hi - lo).days + 1 if hi >= lo else 0

    def path(self, folder: Path | None = None) -> Path:
        return (folder or geo_dir()) / self.file

    def to_json(self) -> dict:
        return dict(
            name=self.name,
            level=self.level,
            valid_from=self.valid_from.isoformat(),
            valid_to=self.valid_to.isoformat() if self.valid_to else None,
            code_property=self.code_property,
            name_property=self.name_property,
            file=self.file,
            sha256=self.sha256,
            source=self.source,
            **({"province": self.province} if self.province else {}),
        )


def read_manifest(folder: Path | None = None) -> list[Layer]:
    path = (folder or geo_dir()) / MANIFEST
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))["layers"]
    return [
        Layer(
            **{
                **r,
                "valid_from": date.fromisoformat(r["valid_from"]),
                "valid_to": date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
            }
        )
        for r in raw
    ]


def write_manifest(layers: list[Layer], folder: Path | None = None) -> None:
    path = (folder or geo_dir()) / MANIFEST
    path.write_text(
        json.dumps({"layers": [l.to_json() for l in layers]}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed(layer: Layer, folder: Path | None = None) -> bool:
    p = layer.path(folder)
    return p.exists() and sha256(p) == layer.sha256


def install(source: Path, folder: Path | None = None) -> list[tuple[str, str]]:
    """Copy the manifest's files from `source`, verifying checksums. Returns (file, status) pairs."""
    out = []
    for layer in read_manifest(folder):
        src, dst = source / layer.file, layer.path(folder)
        if installed(layer, folder):
            out.append((layer.file, "present"))
        elif not src.exists():
            out.append((layer.file, "missing in source"))
        elif sha256(src) != layer.sha256:
            out.append((layer.file, "checksum mismatch: not copied"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            out.append((layer.file, "installed"))
    return out


def layer_for(
    level: str, start: date, end: date, folder: Path | None = None, provinces: set[str] | None = None
) -> Layer | None:
    """The installed layer of `level` for the period: valid on its last day, else the largest overlap — for
    each of `provinces` (the province codes the warehouse's units have in the period), joined into one
    layer when there are several (before 07/2025 today's Đà Nẵng was two provinces). Without `provinces`,
    the first province of the manifest (the demo territory's)."""
    cands = [l for l in read_manifest(folder) if l.level == level and l.path(folder).exists()]
    groups: dict[str, list[Layer]] = {}
    for l in cands:
        groups.setdefault(l.province, []).append(l)
    if provinces is None:
        keys = list(groups)[:1]
    else:
        keys = [k for k in groups if k == "" or k in provinces]
    # a period that straddles a reform is drawn as it ends: only the provinces with a layer on its last day
    at_end = [k for k in keys if any(l.covers(end) for l in groups[k])]
    chosen = [c for c in (_pick(groups[k], start, end) for k in (at_end or keys)) if c is not None]
    if len(chosen) <= 1:
        return chosen[0] if chosen else None
    return Layer(
        name="+".join(c.name for c in chosen),
        level=level,
        valid_from=max(c.valid_from for c in chosen),
        valid_to=min((c.valid_to for c in chosen if c.valid_to), default=None),
        code_property=chosen[0].code_property,
        name_property=chosen[0].name_property,
        file=chosen[0].file,
        sha256="",
        source="; ".join(c.source for c in chosen),
        parts=tuple(chosen),
    )


def _pick(cands: list[Layer], start: date, end: date) -> Layer | None:
    at_end = [l for l in cands if l.covers(end)]
    if at_end:
        return at_end[0]
    cands = [l for l in cands if l.overlap_days(start, end) > 0]
    return max(cands, key=lambda l: l.overlap_days(start, end)) if cands else None


def _round(coords, nd: int):
    if isinstance(coords[0], (float, int)):
        return [round(coords[0], nd), round(coords[1], nd)]
    return [_round(c, nd) for c in coords]


@lru_cache(maxsize=16)
def _load(path: str, mtime: float, code_property: str, name_property: str, tolerance: float) -> dict:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    feats = raw["features"]
    geoms = [shape(f["geometry"]) for f in feats]
    simple = shapely.coverage_simplify(geoms, tolerance) if tolerance else geoms
    simple = shapely.orient_polygons(simple, exterior_cw=True)  # the d3/plotly geo convention
    out = []
    for f, g in zip(feats, simple):
        if g.is_empty:
            continue
        m = mapping(g)
        code = str(f["properties"][code_property])
        label = g.representative_point()
        out.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name": f["properties"].get(name_property, code),
                    "x": round(label.x, DECIMALS),
                    "y": round(label.y, DECIMALS),
                },
                "geometry": {"type": m["type"], "coordinates": _round(m["coordinates"], DECIMALS)},
            }
        )
    return {"type": "FeatureCollection", "features": out}


def load(layer: Layer, folder: Path | None = None) -> dict:
    """The layer as GeoJSON for plotting: id = unit code, simplified, rounded, clockwise rings,
    with a label point (x, y) per feature; a layer of several files is their features together, and units
    far out at sea are drawn as an inset beside the mainland (`inset_far_islands`). Cached per file version."""
    return assembled(version(layer, folder))


def version(layer: Layer, folder: Path | None = None) -> tuple[tuple[str, float, str, str, float], ...]:
    """What `load` draws the layer from: each part's file, its modification time and reading options (a key
    for caches of figures drawn on the layer, which a re-installed pack must not outlive)."""
    out = []
    for part in layer.parts or (layer,):
        p = part.path(folder)
        out.append((str(p), p.stat().st_mtime, part.code_property, part.name_property, SIMPLIFY.get(part.level, 0)))
    return tuple(out)


@lru_cache(maxsize=16)
def assembled(parts: tuple[tuple[str, float, str, str, float], ...]) -> dict:
    """`load` of the layer whose `version` is `parts`."""
    # the inset is recomputed only when a file changes: every map page run needs it (≈ 10 ms on 94 communes)
    feats: list[dict] = []
    for part in parts:
        feats += _load(*part)["features"]
    return {"type": "FeatureCollection", "features": inset_far_islands(feats)}


#: a unit whose shape lies this far (degrees) beyond the others' bounding box is drawn as an inset
FAR = 1.0
INSET_SCALE = 0.35


def inset_far_islands(features: list[dict]) -> list[dict]:
    """Units far offshore (Đặc khu Hoàng Sa is 300 km east of the coast) would shrink the mainland to a
    strip: each is drawn smaller (INSET_SCALE) just beyond the mainland's east edge, its properties marked
    `inset` so the map can say its place and size are not to scale. Features are not changed otherwise."""
    if len(features) < 3:
        return features
    shapes = [shape(f["geometry"]) for f in features]
    boxes = [g.bounds for g in shapes]
    # the mainland: units around the median centre; a unit whose box stays FAR from its box is an island
    cx = sorted((b[0] + b[2]) / 2 for b in boxes)[len(boxes) // 2]
    cy = sorted((b[1] + b[3]) / 2 for b in boxes)[len(boxes) // 2]
    near = [b for b in boxes if abs((b[0] + b[2]) / 2 - cx) < 2 * FAR and abs((b[1] + b[3]) / 2 - cy) < 2 * FAR]
    ox0, oy0 = min(b[0] for b in near), min(b[1] for b in near)
    ox1, oy1 = max(b[2] for b in near), max(b[3] for b in near)
    far = [i for i, (x0, y0, x1, y1) in enumerate(boxes) if max(x0 - ox1, ox0 - x1, y0 - oy1, oy0 - y1) > FAR]
    if not far or len(far) * 2 >= len(features):
        return features
    main = [boxes[i] for i in range(len(features)) if i not in far]
    mx1 = max(b[2] for b in main)
    my0, my1 = min(b[1] for b in main), max(b[3] for b in main)
    out = list(features)
    y = my1  # insets stack down from the mainland's top, right of its east edge
    for i in far:
        g = shapely.affinity.scale(shapes[i], INSET_SCALE, INSET_SCALE, origin="centroid")
        gx0, gy0, gx1, gy1 = g.bounds
        g = shapely.affinity.translate(g, mx1 + 0.05 - gx0, (y - (gy1 - gy0)) - gy0)
        y -= (gy1 - gy0) + 0.05
        if y < my0:
            y = my1
        m = mapping(shapely.orient_polygons(g, exterior_cw=True))
        label = g.representative_point()
        f = dict(features[i])
        f["properties"] = {
            **f["properties"],
            "x": round(label.x, DECIMALS),
            "y": round(label.y, DECIMALS),
            "inset": True,
        }
        f["geometry"] = {"type": m["type"], "coordinates": _round(m["coordinates"], DECIMALS)}
        out[i] = f
    return out
