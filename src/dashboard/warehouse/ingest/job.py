"""An import run as its own process (`python -m dashboard import`), for the upload page: the server stays
free for visitors, a crash of the import cannot take the server down, and the embedded warehouse is
written the same way as from the command line (a copy swapped in, warehouse/live.py). Progress comes
back as lines on the process's standard error; the results as a JSON file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from dashboard.config import ROOT

PROGRESS = "@progress "  # a line the command writes with --progress-lines: "@progress <done> <total> <step> <name>"
#: what the upload page takes (the readers' formats, gzipped or not)
TYPES = ("csv", "tsv", "txt", "xlsx", "json", "jsonl", "gz")


def safe_name(name: str) -> str:
    """An uploaded file's name as it may be written on disk and in the import log: its last part, with
    anything but letters, digits and . _ - replaced (Vietnamese letters kept)."""
    base = re.split(r"[\\/]", name)[-1].strip() or "upload"
    cleaned = re.sub(r"[^\w.\-]+", "_", base)
    return cleaned.lstrip(".")[:200] or "upload"


def save(files: list[tuple[str, bytes]], folder: Path | None = None) -> list[Path]:
    """Write uploaded (name, content) pairs into a fresh folder; names made safe and unique."""
    folder = folder or Path(tempfile.mkdtemp(prefix="dashboard-upload-"))
    out: list[Path] = []
    for name, content in files:
        safe = Path(safe_name(name))
        target = folder / safe
        n = 1
        while target in out or target.exists():
            target = folder / f"{safe.stem}-{n}{''.join(safe.suffixes)}"
            n += 1
        target.write_bytes(content)
        out.append(target)
    return out


def discard(paths: list[Path] | None) -> None:
    """Remove the folder `save` wrote these files into."""
    import shutil

    if paths:
        shutil.rmtree(Path(paths[0]).parent, ignore_errors=True)


def run(paths: list[Path], dry_run: bool, on_progress: Callable[[int, int, str, str], None] | None = None) -> dict:
    """Import (or with dry_run, preview) `paths` in a child process; returns {"status": exit code,
    "results": [one dict per file], "error": last lines of its output when it failed outright}."""
    with tempfile.TemporaryDirectory(prefix="dashboard-import-") as tmp:
        report = Path(tmp) / "results.json"
        cmd = [sys.executable, "-m", "dashboard", "import", *map(str, paths), "--json", str(report), "--progress-lines"]
        if dry_run:
            cmd.append("--dry-run")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        tail: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(PROGRESS):
                done, total, step, name = (line[len(PROGRESS) :].rstrip("\n").split(" ", 3) + ["", ""])[:4]
                if on_progress is not None:
                    on_progress(int(done), int(total), step, name)
            else:
                tail = (tail + [line.rstrip("\n")])[-20:]
        status = proc.wait()
        results = json.loads(report.read_text(encoding="utf-8")) if report.exists() else []
    return {"status": status, "results": results, "error": "\n".join(tail) if not results else ""}


def display_name(path: str) -> str:
    """A file as the user named it (its name, without the folder the upload was saved in)."""
    return Path(path).name
