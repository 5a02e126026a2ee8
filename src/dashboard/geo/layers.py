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
            shutil.copyfile(src, dst)
            out.append((layer.file, "installed"))
    return out


def layer_for(level: str, start: date, end: date, folder: Path | None = None) -> Layer | None:
    """The installed layer of `level` for the period: valid on its last day, else the largest overlap."""
    cands = [l for l in read_manifest(folder) if l.level == level and l.path(folder).exists()]
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
    with a label point (x, y) per feature. Cached per file version."""
    p = layer.path(folder)
    return _load(str(p), p.stat().st_mtime, layer.code_property, layer.name_property, SIMPLIFY.get(layer.level, 0))
