"""Command line: python -m dashboard init | demo | import | import-766 | report | geo (all use
$DASHBOARD_DB_URL) | users (the sign-in file, $DASHBOARD_USERS_FILE)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from dashboard import auth, config
from dashboard.metrics import periods
from dashboard.warehouse import demo, importer, queries, rollups, units
from dashboard.warehouse.engine import bump_data_version, create_schema, drop_schema, get_meta, has_schema, make_engine

_ENGINES: list = []


def _engine(read_only: bool = False):
    engine = make_engine(read_only=read_only)
    _ENGINES.append(engine)
    return engine


def _fresh_warehouse(engine, unit_list: Path | None = None) -> None:
    drop_schema(engine)
    create_schema(engine)
    with engine.begin() as conn:
        units.load_units(conn, unit_list or config.UNITS_CSV)
        units.load_published(conn)


def _refresh_rollups(engine, quiet: bool = False) -> None:
    with engine.connect() as conn:
        span = rollups.data_range(conn)
    n = sum(len(periods.named_periods(*span, cutoff=c)) for c in rollups.cutoffs()) if span else 0
    with tqdm(total=n, desc="rollups", unit="period", disable=quiet or n == 0, file=sys.stderr) as bar:
        with engine.begin() as conn:
            rollups.rebuild(conn, progress=bar.update)


def cmd_init(args) -> int:
    path = Path(args.units) if args.units else config.UNITS_CSV
    units.read_units_csv(path)  # a list with problems is refused before anything is created
    engine = _engine()
    _fresh_warehouse(engine, path)
    with engine.begin() as conn:
        rollups.rebuild(conn)  # empty and current, so each import refreshes only what it adds
    print(f"Đã tạo kho dữ liệu trống / created an empty warehouse: {engine.url.render_as_string()}")
    return 0


def cmd_demo(args) -> int:
    engine = _engine()
    t0 = time.perf_counter()
    if args.if_empty and has_schema(engine):
        with engine.connect() as conn:
            n = queries.dossier_count(conn)
            unfinished = get_meta(conn, "demo") == "building"  # a build that was stopped half way
        if n and not unfinished:
            _upgrade(engine)
            print(
                f"Kho dữ liệu đã có {n:,} hồ sơ, không tạo lại / the warehouse already holds {n:,} dossiers: "
                f"kept (run `python -m dashboard demo` to rebuild it)"
            )
            return 0
    unit_list = Path(args.units) if getattr(args, "units", None) else None
    if unit_list is not None:
        units.read_units_csv(unit_list)  # a list with problems is refused before anything is dropped
    _fresh_warehouse(engine, unit_list)
    with engine.connect() as conn:
        unit_df = queries.all_units(conn)
        total = demo.expected_total(unit_df, args.scale, args.until, queries.crosswalk(conn), seed=args.seed)
    with tqdm(
        total=total, desc="demo dossiers", unit="row", unit_scale=True, file=sys.stderr, disable=args.quiet
    ) as bar:
        with engine.connect() as conn:  # committed every 200 000 dossiers: a bounded transaction
            summary = demo.build(
                conn,
                unit_df,
                scale=args.scale,
                seed=args.seed,
                progress=bar.update,
                until=args.until,
                commit=conn.commit,
            )
            conn.commit()
    _refresh_rollups(engine, quiet=args.quiet)
    print(
        f"Dữ liệu minh họa / demo warehouse: {summary.dossiers:,} dossiers, scale {summary.scale}, "
        f"seed {summary.seed}, {demo.START:%m/%Y}–{summary.until:%m/%Y}, {time.perf_counter() - t0:.1f} s -> "
        f"{engine.url.render_as_string()}"
    )
    return 0


def _require_warehouse(engine) -> None:
    if not has_schema(engine):
        raise ValueError(f"no warehouse at {engine.url.render_as_string()}: run `python -m dashboard init` or `demo`")


def _upgrade(engine) -> None:
    """Bring a warehouse built by older code to the newest schema before writing to it (says so when it did)."""
    from dashboard.warehouse import migrate

    with engine.connect() as conn:
        before = migrate.current(conn)
    after = migrate.upgrade(engine)
    if before != after:
        print(
            f"Đã nâng cấp kho dữ liệu / upgraded the warehouse: {before or 'pre-migration'} → {after}", file=sys.stderr
        )
        if _rollups_stale(engine):  # a revision that changed the rollup's columns cleared it
            _refresh_rollups(engine, quiet=True)


def cmd_upgrade(args) -> int:
    engine = _engine()
    _require_warehouse(engine)
    _upgrade(engine)
    from dashboard.warehouse import migrate

    print(f"Kho dữ liệu ở phiên bản / warehouse at revision {migrate.head()}")
    return 0


def cmd_rebuild(args) -> int:
    """Every derived table from the dossiers, in one transaction (on the embedded warehouse through a copy
    swapped in as imports are, so the dashboard keeps serving)."""
    check = make_engine(read_only=True)
    try:
        _require_warehouse(check)
    finally:
        check.dispose()  # DuckDB takes no writer in a process that holds a reader
    with _writable() as engine:
        _upgrade(engine)
        _refresh_rollups(engine)
    print("Đã dựng lại bảng tổng hợp / rebuilt the derived tables")
    return 0


def _rollups_stale(engine) -> bool:
    with engine.connect() as conn:
        return rollups.stale(conn)


def _print_result(r, dry_run: bool) -> None:
    head = "DRY RUN / CHẠY THỬ — " if dry_run else ""
    where = r.format + (f", {r.encoding}" if r.encoding else "") + (f", sheet '{r.sheet}'" if r.sheet else "")
    where += f", separator {r.separator!r}" if r.separator else ""
    where += ", gzip" if r.compressed else ""
    would = "would be " if dry_run else ""
    print(
        f"{head}{r.file}: {r.rows} rows ({where}) — {would}loaded {r.loaded} (new {r.new}, updated {r.updated}, "
        f"unchanged {r.unchanged}), quarantined {r.quarantined - r.superseded}, superseded {r.superseded}, "
        f"skipped {r.skipped} (blank {r.skipped_blank}, summary {r.skipped_summary})"
    )
    if r.header_line:
        print(
            f"  header: line {r.header_line}"
            + (f", {r.title_rows} title row(s) above it skipped" if r.title_rows else "")
        )
    print("  columns: " + ", ".join(f"{c} ← '{h}'" for c, h in r.columns.items()))
    if r.absent:
        print("  absent (facts unknown, not zero): " + ", ".join(r.absent))
    if r.extra_columns:
        print("  extra columns kept: " + ", ".join(r.extra_columns))
    if r.units_by_name:
        first = list(r.units_by_name.items())[:10]
        more = f" … and {len(r.units_by_name) - 10} more" if len(r.units_by_name) > 10 else ""
        print(f"  units resolved by name ({len(r.units_by_name)}): " + "; ".join(f"{n} → {c}" for n, c in first) + more)
    for sheet, rows in r.other_sheets:
        print(f"  sheet '{sheet}' ({rows} non-empty rows) not read: use --sheet to import it", file=sys.stderr)
    if r.cut_cells:
        print(f"  {r.cut_cells} row(s) with a text cut to {config.TEXT_CELL_MAX} characters (see the row's notes)")
    if r.reasons:
        print("  quarantined by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(r.reasons.items())))
    for p in r.problems:
        if p["reason_code"] != "superseded":
            where = f" [{p['field']}]" if p.get("field") else ""
            print(f"  {p['file_name']} line {p['row_number']}{where}: {p['reason_en']}", file=sys.stderr)
    shown = sum(1 for p in r.problems if p["reason_code"] != "superseded")
    if not dry_run and r.quarantined - r.superseded > shown:
        print(f"  … see the quarantine table for all {r.quarantined} rows", file=sys.stderr)


def _waiting() -> None:
    print("đang chờ lượt nhập khác xong / waiting for another import to finish…", file=sys.stderr)


@contextmanager
def _writable(dry_run: bool = False):
    """An engine to write with while the dashboard keeps serving: on the embedded warehouse, a copy swapped
    in when the block succeeds (warehouse/live.py); on PostgreSQL the warehouse itself."""
    from dashboard.warehouse import live

    target = live.duckdb_file(config.db_url())
    if target is not None and not target.exists():
        raise ValueError(f"no warehouse at {target}: run `python -m dashboard init` or `demo`")
    with live.snapshot_write(config.db_url(), _waiting, discard=dry_run) as url:
        engine = make_engine(url)
        try:
            _require_warehouse(engine)
            yield engine
        finally:
            engine.dispose()  # checkpointed and closed before the copy is swapped in


PROVINCE_HELP = (
    "code of the province whose system wrote the files: a unit name that several provinces' units carry "
    '("Sở Tư pháp" before a merger) is taken as that province\'s'
)


def cmd_import(args) -> int:
    from dashboard.warehouse.ingest import mapping as mapping_file
    from dashboard.warehouse.ingest.readers import ImportRefused

    try:
        mapping = _with_province(mapping_file.load(Path(args.mapping)) if args.mapping else None, args.province)
    except ImportRefused as exc:
        print(f"REFUSED / TỪ CHỐI — {exc}", file=sys.stderr)
        return 1
    step = _progress_lines(len(args.files)) if args.progress_lines else None
    if step:
        step("copy")
    with _writable(dry_run=args.dry_run) as engine:
        results = _import_into(engine, args, mapping, step)
    if step:
        step("done")
    if args.json:
        Path(args.json).write_text(
            json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, default=str), encoding="utf-8"
        )
    return _report_import(results, args.dry_run)


def _progress_lines(files: int):
    """For the upload page: "@progress <done> <total> <step> <name>" lines on standard error, one per step
    (the copy, each file, the rollups), so it can draw a progress bar."""
    from dashboard.warehouse.ingest.job import PROGRESS

    total = files + 2
    done = [0]

    def step(name: str, label: str = "") -> None:
        print(f"{PROGRESS}{done[0]} {total} {name} {label}", file=sys.stderr, flush=True)
        if name != "done":
            done[0] += 1

    return step


def _with_province(mapping, province: str | None):
    """The mapping (or none) with --province, which wins over the mapping's [units] province."""
    if not province:
        return mapping
    from dataclasses import replace

    from dashboard.warehouse.ingest.mapping import Mapping

    return replace(mapping or Mapping(file="--province"), province=province.strip())


def cmd_watch(args) -> int:
    """Import every file dropped in DIR, then move it to DIR/done or DIR/failed with its report beside it.
    A file is taken once its size and time stop changing between two looks (it is not still being copied);
    --once takes what is there and returns (cron, tests)."""
    folder = Path(args.dir)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder / không phải thư mục")
    for sub in ("done", "failed"):
        (folder / sub).mkdir(exist_ok=True)
    print(f"watching {folder} (every {args.every} s; Ctrl-C stops) / đang theo dõi {folder}", file=sys.stderr)
    seen: dict[Path, tuple[int, int]] = {}
    try:
        while True:
            now = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in _dropped(folder)}
            ready = sorted(p for p, sig in now.items() if args.once or seen.get(p) == sig)
            seen = now
            if ready:
                _import_dropped(folder, ready, args.province)
            if args.once:
                return 0
            time.sleep(args.every)
    except KeyboardInterrupt:
        return 0


def _dropped(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and not p.name.endswith((".report.txt", ".part"))
    ]


def _import_dropped(folder: Path, files: list[Path], province: str | None = None) -> None:
    """One snapshot for the batch; each file then moved with its report (what `import` prints for it)."""
    args = argparse.Namespace(files=[str(p) for p in files], dry_run=False, sheet=None, header_row=None, encoding=None)
    # (watch: no progress lines, no JSON)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        with _writable() as engine:
            results = _import_into(engine, args, _with_province(None, province))
    except Exception as exc:  # the warehouse itself could not be written: leave the files for the next look
        print(f"{stamp}: import failed, files left in place / nhập lỗi, tệp để nguyên: {exc}", file=sys.stderr)
        return
    for path, r in zip(files, results):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            _report_import([r], False)
        target = folder / ("failed" if r.refused else "done") / path.name
        if target.exists():
            target = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
        path.replace(target)
        target.with_name(target.name + ".report.txt").write_text(out.getvalue(), encoding="utf-8")
        print(f"{stamp}: {path.name} → {target.parent.name}/ — {out.getvalue().splitlines()[0][:200]}")


def _import_into(engine, args, mapping, step=None) -> list:
    if not args.dry_run:
        _upgrade(engine)
    options = dict(
        mapping=mapping, sheet=args.sheet, header_row=args.header_row, encoding=args.encoding, dry_run=args.dry_run
    )
    results = []
    for f in args.files:  # each file its own transaction, as import_files does for a list
        if step:
            step("file", Path(f).name)
        results += importer.import_files(engine, [Path(f)], **options)
    if step and not args.dry_run:
        step("rollups")
    if not args.dry_run and _rollups_stale(engine):  # an import refreshes what it changed (incremental.py)
        _refresh_rollups(engine, quiet=True)
    return results


def _report_import(results: list, dry_run: bool) -> int:
    failed = 0
    for r in results:
        if r.refused:
            failed += 1
            print(
                f"{r.file}: {'REFUSED / TỪ CHỐI' if r.status == 'refused' else 'FAILED / LỖI'} — {r.refused}",
                file=sys.stderr,
            )
            continue
        _print_result(r, dry_run)
    n = len(results)
    if failed:
        print(f"{failed} of {n} file(s) failed, {n - failed} imported / {failed}/{n} tệp lỗi", file=sys.stderr)
    elif n > 1:
        print(f"all {n} files {'read' if dry_run else 'imported'} / {n} tệp đã xử lý")
    return 1 if failed else 0


def cmd_units(args) -> int:
    from dashboard.warehouse.ingest import unitmatch

    if args.units_command == "import":
        return _import_units(Path(args.file))
    if args.units_command == "alias":
        with _writable() as engine:
            _upgrade(engine)
            with engine.begin() as conn:
                unitmatch.add_alias(conn, args.name, args.code)
        print(f"'{args.name}' → {args.code}")
        return 0
    engine = _engine(read_only=True)
    _require_warehouse(engine)
    with engine.connect() as conn:
        rows = unitmatch.list_aliases(conn)
    for alias, code in rows:
        print(f"{alias}\t{code}")
    if not rows:
        print("(no aliases / chưa có tên nào được ghi nhận)", file=sys.stderr)
    return 0


def _import_units(path: Path) -> int:
    """Replace the unit list (validity dates and crosswalk) with the one in `path`; dossiers stay, and those
    naming a code the new list lacks, or no version of it valid on their received date, are counted."""
    df = units.read_units_csv(path)
    with _writable() as engine:
        _upgrade(engine)
        with engine.begin() as conn:
            n = units.load_units(conn, path)
            orphans = units.dossiers_without_unit(conn)
            bump_data_version(conn)
        _refresh_rollups(engine, quiet=True)
    links = int((df["successor_code"] != "").sum())
    print(f"{path}: {n} unit versions of {df['code'].nunique()} codes, {links} successor links loaded")
    if orphans:
        print(
            f"  {orphans:,} dossiers name a unit with no version valid on their received date in this list "
            "(kept; shown under no unit until a list has it) / hồ sơ không có đơn vị hợp lệ",
            file=sys.stderr,
        )
    return 0


def cmd_import_766(args) -> int:
    """Official 766 scores: each file in its own transaction; a refused file changes nothing."""
    with _writable() as engine:
        _upgrade(engine)
        return _import_scores(engine, args)


def _import_scores(engine, args) -> int:
    from dashboard.warehouse import official

    failed = 0
    results = official.import_files(engine, [Path(f) for f in args.files], args.cutoff or config.cutoff_day())
    for f, r in zip(args.files, results):
        if r.refused:
            print(f"{f}: REFUSED / TỪ CHỐI — {r.refused}", file=sys.stderr)
            failed += 1
            continue
        print(
            f"{f}: {r.rows} rows — loaded {r.loaded} (new {r.new}, updated {r.updated}, unchanged {r.unchanged}), "
            f"quarantined {r.quarantined - r.superseded}, superseded {r.superseded}"
        )
        for p in r.problems:
            if p["reason_code"] != "superseded":
                print(
                    f"  {Path(f).name} row {p['row_number']} [{p['field']}]: {p['reason_en']} / {p['reason_vi']}",
                    file=sys.stderr,
                )
    return 1 if failed else 0


def _period_from_args(args) -> periods.Period:
    cutoff = args.cutoff or config.cutoff_day()
    if args.period:
        return periods.parse(args.period, cutoff)
    if args.date_from and args.date_to:
        return periods.custom(date.fromisoformat(args.date_from), date.fromisoformat(args.date_to))
    raise SystemExit("report: give --period, or both --from and --to")


def report_frame(conn, period: periods.Period, level: str, territory: bool) -> pd.DataFrame:
    """The report rows: exactly kpi.REPORT_FIELDS, rates rounded to 2 decimals (None = no data)."""
    from dashboard.reports.period import flat_rows

    return flat_rows(conn, period, level, territory)


def _plain(v):
    """JSON-ready value: numpy scalars to Python, NaN to null."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def write_report(df: pd.DataFrame, fmt: str, output: str | None, period: periods.Period) -> None:
    if fmt == "json":
        records = [{k: _plain(v) for k, v in row.items()} for row in df.to_dict("records")]
        text = json.dumps(records, ensure_ascii=False, indent=1)
    else:
        buf = io.StringIO()
        df.to_csv(buf, index=False, float_format="%.2f")
        text = buf.getvalue()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_report(args) -> int:
    period = _period_from_args(args)
    engine = _engine(read_only=True)
    _require_warehouse(engine)
    with engine.connect() as conn:
        df = report_frame(conn, period, args.level, args.territory)
        if args.format in ("xlsx", "pdf"):
            return _write_document(conn, df, period, args)
    write_report(df, args.format, args.output, period)
    return 0


def _write_document(conn, df: pd.DataFrame, period: periods.Period, args) -> int:
    """XLSX: the official-layout workbook (with the flat rows on sheet "report"); PDF: the one-pager."""
    from dashboard.reports import excel, pdf
    from dashboard.reports import period as period_report

    if not args.output:
        raise SystemExit(f"report: --format {args.format} needs --output FILE")
    rep = period_report.build(conn, period, demo=get_meta(conn, "demo") == "true")
    if args.format == "xlsx":
        data = excel.report_workbook(rep, df, lang=args.lang, overdue=rep.overdue_frames(conn))
    else:
        from dashboard.geo import layers

        if not pdf.available():
            raise ValueError(f"the PDF needs fpdf2 and matplotlib: {pdf.EXTRA}")
        provinces = queries.provinces(conn, period.start, period.end)
        layer = layers.layer_for("district", period.start, period.end, provinces=provinces)
        if not queries.has_districts(conn, period.end):  # the period ends without districts: no district map
            layer = None
        data = pdf.one_pager(
            rep, layers.load(layer) if layer else None, lang=args.lang, by_field=rep.overdue_by_field(conn)
        )
    Path(args.output).write_bytes(data)
    print(f"{args.output}: {len(data):,} bytes")
    return 0


def cmd_geo(args) -> int:
    from dashboard.geo import layers

    if args.geo_command == "install":
        source = Path(args.source) if args.source else layers.default_source()
        if source is None:
            print(
                "Không tìm thấy bộ ranh giới mẫu / no boundary pack found: pass --from DIR or set "
                "DASHBOARD_GEO_SOURCE (the map page says what is missing; other pages work without it)"
            )
            return 0
        results = layers.install(source)
        for file, status in results:
            print(f"{file}: {status}")
        return 1 if any("mismatch" in s for _, s in results) else 0
    try:
        from dashboard.geo import importer
    except ImportError as exc:  # installed without the `geo` extra
        raise ValueError(
            f"geo import needs geopandas, pyogrio and pyproj: {config.install_command('geo')} ({exc})"
        ) from exc
    report = importer.import_layer(
        Path(args.file),
        args.level,
        code_field=args.code_field,
        name_field=args.name_field,
        parent_field=args.parent_field,
        overrides_path=Path(args.overrides) if args.overrides else None,
        valid_from=date.fromisoformat(args.valid_from) if args.valid_from else None,
        valid_to=date.fromisoformat(args.valid_to) if args.valid_to else None,
        province=args.province,
    )
    print("\n".join(report.lines()))
    return 0


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise ValueError("the two passwords differ")
    return first


def cmd_users(args) -> int:
    from dashboard import auth

    path = Path(args.file) if args.file else config.users_file()
    if args.users_command == "list":
        cfg = auth.load(path)
        if cfg.open:
            print(f"{path}: no users file — the dashboard runs open")
            return 0
        for u in cfg.users.values():
            print(f"{u.username}\t{u.role}\t{u.unit or '-'}\t{u.name}")
        return 0
    if args.role == "department_head":
        known = set(units.read_units_csv()["code"].astype(str))
        if not args.unit:
            raise ValueError("a department head needs --unit (the code of the unit she heads)")
        if args.unit not in known:
            raise ValueError(f"--unit {args.unit}: not a unit code of {config.UNITS_CSV.name}")
    user = auth.User(
        username=args.username,
        name=args.name or args.username,
        role=args.role,
        unit=args.unit if args.role == "department_head" else None,
        email=args.email,
        password_hash=auth.hash_password(_read_password(args)),
    )
    auth.save_user(path, user)
    auth.load(path)  # the file as written must load
    print(f"{path}: {user.username} ({user.role}{', ' + user.unit if user.unit else ''}) saved")
    return 0


def cmd_backup(args) -> int:
    from dashboard.warehouse import backup

    counts = backup.backup(config.db_url(), Path(args.file))
    print(f"Đã sao lưu / backed up {sum(counts.values()):,} rows in {len(counts)} tables -> {args.file}")
    return 0


def cmd_restore(args) -> int:
    from dashboard.warehouse import backup

    counts, kept = backup.restore(config.db_url(), Path(args.file))
    print(f"Đã khôi phục / restored {sum(counts.values()):,} rows in {len(counts)} tables from {args.file}")
    if kept:
        print(f"the warehouse it replaced is kept as {kept} / kho cũ được giữ tại {kept}")
    return 0


def _month_end(text: str) -> date:
    """`--until YYYY-MM`: the last day of that month."""
    try:
        year, month = (int(x) for x in text.split("-"))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a month as YYYY-MM, e.g. 2025-12") from None
    return demo.month_end(year, month)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard", description="Bản đồ thể chế — warehouse and reports")
    sub = p.add_subparsers(dest="command", required=True)
    ini = sub.add_parser("init", help="create an empty warehouse with the official unit list, no dossiers")
    ini.add_argument("--units", help="start from this unit list instead of the demo territory's (docs/units-format.md)")
    sub.add_parser(
        "upgrade",
        help="bring a warehouse built by older code to the newest schema, keeping its data "
        "(import, import-766 and demo --if-empty do it too)",
    )
    sub.add_parser(
        "rebuild",
        help="rebuild every table derived from the dossiers (rollups, overdue lists, per-day events, data range); "
        "imports do it themselves",
    )
    d = sub.add_parser("demo", help="build the seeded demo warehouse")
    d.add_argument("--scale", type=float, default=0.1, help="1.0 = full scale (~850 000 dossiers a year)")
    d.add_argument("--seed", type=int, default=2025)
    d.add_argument(
        "--until",
        type=_month_end,
        help="last month of the demo, YYYY-MM (default: the last complete month before today)",
    )
    d.add_argument("--quiet", action="store_true", help="no progress bar")
    d.add_argument("--if-empty", action="store_true", help="only when the warehouse has no dossiers yet")
    d.add_argument("--units", help="the unit list to build on (docs/units-format.md; default: today's territory)")
    i = sub.add_parser(
        "import", help="import dossier files (CSV, XLSX, JSON, JSON Lines, or any of them gzipped; SPEC §2)"
    )
    i.add_argument("files", nargs="+")
    i.add_argument("--dry-run", action="store_true", help="read, map, resolve and check; write nothing")
    i.add_argument("--json", help="also write each file's result to this JSON file")
    i.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)  # for the upload page
    i.add_argument("--mapping", help="TOML file naming columns, values and how units are given (docs/import-format.md)")
    i.add_argument("--sheet", help="XLSX sheet to read (default: the first with a recognisable header)")
    i.add_argument("--header-row", type=int, help="1-based line of the header (default: detected)")
    i.add_argument("--encoding", help="text encoding of a CSV (default: detected)")
    i.add_argument("--province", help=PROVINCE_HELP)
    un = sub.add_parser("units", help="unit names as exports write them: record a deliberate match, list them")
    unsub = un.add_subparsers(dest="units_command", required=True)
    ual = unsub.add_parser("alias", help='record that NAME means unit CODE, e.g. "Chi nhánh VP ĐKĐĐ Tam Kỳ" CN_502')
    ual.add_argument("name")
    ual.add_argument("code")
    unsub.add_parser("aliases", help="list the recorded names")
    uim = unsub.add_parser(
        "import", help="replace the unit list: codes, names, parents, validity dates, successors (docs/units-format.md)"
    )
    uim.add_argument("file")
    o = sub.add_parser("import-766", help="official 766 scores (CSV or XLSX: unit, period, group, score, max_score)")
    o.add_argument("files", nargs="+")
    o.add_argument("--cutoff", type=int, help=f"cut-off day for the periods (default {config.DEFAULT_CUTOFF_DAY})")
    r = sub.add_parser("report", help="one row per unit with the SPEC §4 counts and rates")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--period", help="2025-Q1, 2025-03 or 2025")
    r.add_argument("--from", dest="date_from", help="YYYY-MM-DD (with --to)")
    r.add_argument("--to", dest="date_to", help="YYYY-MM-DD (with --from)")
    r.add_argument("--cutoff", type=int, help=f"cut-off day for named periods (default {config.DEFAULT_CUTOFF_DAY})")
    r.add_argument("--level", default="all", choices=list(queries.LEVEL_KINDS))
    r.add_argument("--territory", action="store_true", help="sum each unit with its descendants")
    r.add_argument(
        "--format",
        default="csv",
        choices=["csv", "json", "xlsx", "pdf"],
        help="xlsx: workbook in the official layout (+ sheets report, methodology, overdue); pdf: one-page summary",
    )
    r.add_argument("--lang", default="vi", choices=["vi", "en"], help="language of xlsx/pdf (default vi)")
    r.add_argument("--output", help="write to FILE instead of standard output")
    geo = sub.add_parser("geo", help="boundary layers: install the demo pack or import your own")
    gsub = geo.add_subparsers(dest="geo_command", required=True)
    gi = gsub.add_parser("install", help="copy the demo boundary pack into geo/, verifying checksums")
    gi.add_argument("--from", dest="source", help="default: $DASHBOARD_GEO_SOURCE or ../shared/geo")
    gm = gsub.add_parser("import", help="GeoJSON, GeoPackage, Shapefile, KML or KMZ → a normalised layer")
    gm.add_argument("file")
    gm.add_argument("--level", required=True, choices=["district", "commune", "province"])
    key = gm.add_mutually_exclusive_group(required=True)
    key.add_argument("--code-field", help="feature property holding the unit code")
    key.add_argument("--name-field", help="feature property holding the unit name")
    gm.add_argument("--parent-field", help="property naming the parent unit (e.g. the district of a commune)")
    gm.add_argument("--overrides", help="CSV name,parent,code of deliberate matches")
    gm.add_argument("--valid-from", help="YYYY-MM-DD (default 2020-02-01)")
    gm.add_argument("--valid-to", help="YYYY-MM-DD (default: open)")
    gm.add_argument(
        "--province", help="code of the province the file draws (its units only are matched; default: every unit)"
    )
    us = sub.add_parser("users", help="who may sign in: add a user (password hashed with argon2) or list them")
    usub = us.add_subparsers(dest="users_command", required=True)
    ua = usub.add_parser(
        "add",
        help="add or replace a user; asks for the password twice at a terminal, or reads "
        "one line from standard input with --password-stdin",
    )
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=list(auth.ROLES))
    ua.add_argument("--unit", help="unit code a department head is scoped to (e.g. 509)")
    ua.add_argument("--name", help="full name shown in the sidebar")
    ua.add_argument("--email", help='matched against the OIDC identity when [auth] mode = "oidc"')
    ua.add_argument("--password-stdin", action="store_true", help="read the password (one line) from standard input")
    ua.add_argument("--file", help="default: $DASHBOARD_USERS_FILE or data/users.toml")
    w = sub.add_parser(
        "watch", help="import every file dropped in DIR (then DIR/done or DIR/failed, with a report beside it)"
    )
    w.add_argument("dir")
    w.add_argument("--every", type=float, default=10.0, help="seconds between looks at the folder (default 10)")
    w.add_argument("--once", action="store_true", help="import what is there now and stop (cron)")
    w.add_argument("--province", help=PROVINCE_HELP)
    b = sub.add_parser("backup", help="copy the embedded warehouse into a new file (safe while the dashboard serves)")
    b.add_argument("file")
    rs = sub.add_parser(
        "restore", help="replace the embedded warehouse by a backup (stop the dashboard first; the old one is kept)"
    )
    rs.add_argument("file")
    ul = usub.add_parser("list", help="list the users")
    ul.add_argument("--file", help="default: $DASHBOARD_USERS_FILE or data/users.toml")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "init": cmd_init,
        "upgrade": cmd_upgrade,
        "rebuild": cmd_rebuild,
        "demo": cmd_demo,
        "import": cmd_import,
        "import-766": cmd_import_766,
        "report": cmd_report,
        "geo": cmd_geo,
        "users": cmd_users,
        "units": cmd_units,
        "backup": cmd_backup,
        "watch": cmd_watch,
        "restore": cmd_restore,
    }[args.command]
    try:
        return handler(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        print(
            f"error: không mở được kho dữ liệu / cannot open the warehouse {config.db_url()}: {reason}\n"
            "(the embedded DuckDB file takes one writer at a time: stop the dashboard before import or demo)",
            file=sys.stderr,
        )
        return 3
    finally:
        # DuckDB keeps one database instance per file and process: release it so a later command in
        # the same process (tests, benchmarks) may open the file with another configuration.
        for engine in _ENGINES:
            engine.dispose()
        _ENGINES.clear()
