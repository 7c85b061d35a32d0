"""Benchmark the published archive at the size of national coverage.

    .venv/bin/python benchmarks/archive.py --scale 0.01      # ~7,000 reports, a minute
    .venv/bin/python benchmarks/archive.py                   # ~640,000 reports: ~1 h, ~34 GB
    .venv/bin/python benchmarks/archive.py --reuse --dir D   # measure an archive built before
    .venv/bin/python benchmarks/archive.py --scale 0.05 --scale 0.2   # two scales, one table

Builds a synthetic archive (benchmarks/synthetic.py: ~2,900 county-level units × 40 agencies ×
6 years, every report with its ~200 cells, its checks and Chinese narrative text) with the real
schema — ``Archive`` creates and migrates it — then prints its size, the build time and the
latency of the pages people use, through Datasette's own client with the configuration
``nianbao serve`` uses: the faceted ``reports`` table, a search for a two-character word, the
report page, the feed, the charts, the findings' pages (rankings, county page, map, flags,
downloads, evidence), each finding view and each canned query. Target: < 300 ms.

Rows are bulk-inserted with ``executemany`` in big transactions, with the secondary indexes
dropped during the load and re-created from their own ``CREATE INDEX`` text afterwards, so the
resulting database has exactly the tables, views, indexes and search index the crawler would
have written. Never run from the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import WIDE, Generator  # noqa: E402
from crawler.archive import Archive, now  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "reports"
BIG_TABLES = ("reports", "cells", "checks", "fetches", "report_documents", "documents", *WIDE)
COMMIT_EVERY = 25_000  # reports per transaction
TARGET_MS = 300  # every page and search, at every scale (issue 12)


def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(BIG_TABLES))
    return conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        BIG_TABLES,
    ).fetchall()


_GEN: Generator | None = None


def _init_worker(scale: float) -> None:
    global _GEN
    _GEN = Generator(scale, FIXTURES)


def _county(index: int) -> list:
    assert _GEN is not None
    return _GEN.reports_of(index)


def build(db: Path, scale: float, *, workers: int = 2, progress=print) -> dict:
    """Create the archive with the real schema, then load the synthetic reports into it."""
    started = time.perf_counter()
    Archive(db).close()  # schema and every migration, exactly as the crawler gets it
    conn = sqlite3.connect(db, isolation_level=None)
    # Bulk-load settings; the journal goes back to WAL at the end, as Archive leaves it.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -2000000")
    indexes = _secondary_indexes(conn)
    for name, _ in indexes:
        conn.execute(f"DROP INDEX [{name}]")

    gen = Generator(scale, FIXTURES)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO portals (code, name, province, prefecture, url, platform, js, status, "
        "status_reason, last_crawled, last_crawl_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (p.code, p.name, p.province, p.prefecture, p.url, "hanweb", 0, "ok", "", now(), 1)
            for p in gen.portals
        ],
    )
    conn.execute(
        "INSERT INTO crawl_runs (id, started, finished, registry, args, stats) "
        "VALUES (1, ?, ?, 'synthetic', '{}', '{}')",
        [now(), now()],
    )
    expected = len(gen.portals) * 40 * 6 * 0.95
    n = 0
    report_sql = None
    since_commit = 0
    # Generating a report (text, cells, the real check code) costs more than storing it:
    # worker processes generate whole counties, this process writes them in order.
    with mp.Pool(workers, initializer=_init_worker, initargs=(scale,)) as pool:
        for batch in pool.imap(_county, range(len(gen.portals)), chunksize=1):
            if not batch:
                continue
            report_sql = _flush(conn, batch, report_sql)
            n += len(batch)
            since_commit += len(batch)
            if since_commit >= COMMIT_EVERY:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                since_commit = 0
                rate = n / (time.perf_counter() - started)
                progress(
                    f"  {n:,} reports, {rate:,.0f}/s, "
                    f"~{max(0, expected - n) / rate / 60:.0f} min left"
                )
    conn.execute("COMMIT")
    loaded = time.perf_counter()
    progress(f"  loaded {n:,} reports in {loaded - started:,.0f} s; building indexes …")
    for name, sql in indexes:
        t = time.perf_counter()
        conn.execute(sql)
        progress(f"    {name}: {time.perf_counter() - t:,.1f} s")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    archive = Archive(db)  # what a crawler opening the archive next would do (a no-op here)
    t = time.perf_counter()
    found = archive.rebuild_findings(progress=progress)  # indicators and flags, as saving does
    archive.close()
    progress(
        f"  findings: {found['indicators']:,} indicator rows, {found['flags']:,} flags in "
        f"{time.perf_counter() - t:,.0f} s"
    )
    return {
        "reports": n,
        "portals": len(gen.portals),
        "load_s": loaded - started,
        "total_s": time.perf_counter() - started,
    }


def _flush(conn: sqlite3.Connection, batch: list, report_sql: str | None) -> str:
    cols = list(batch[0].report)
    report_sql = report_sql or (
        f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    )
    conn.executemany(report_sql, [tuple(r.report.values()) for r in batch])
    conn.executemany(
        "INSERT OR IGNORE INTO documents (sha256, media_type, size, path, filename, first_seen, "
        "parser_version, is_annual_report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [r.document for r in batch],
    )
    conn.executemany(
        "INSERT INTO fetches (url, fetched_at, status, etag, last_modified, sha256, error, "
        "content_type, portal_code, crawl_run, referer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.fetch for r in batch],
    )
    conn.executemany(
        "INSERT INTO report_documents (report_id, sha256, url, page_url, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [r.report_document for r in batch],
    )
    conn.executemany(
        "INSERT INTO cells (report_id, table_key, row_key, col_key, value, raw, semantic, unit, "
        "page, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [c for r in batch for c in r.cells],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [c for r in batch for c in r.checks],
    )
    for name in WIDE:
        width = len(batch[0].wide[name])
        conn.executemany(
            f"INSERT INTO [{name}] VALUES ({', '.join('?' * width)})",
            [r.wide[name] for r in batch],
        )
    conn.executemany(
        "INSERT INTO reports_fts (rowid, title, agency, body) VALUES (?, ?, ?, ?)",
        [r.fts for r in batch],
    )
    return report_sql


# --- latency ---------------------------------------------------------------------------------


def pages(db_name: str, sample: dict) -> list[tuple[str, str]]:
    """(label, path) of every page measured."""
    from crawler.publish.queries import CANNED

    d = f"/{db_name}"
    out = [
        ("reports table, default facets", f"{d}/reports"),
        (
            "reports table, filtered by province + county facet",
            f"{d}/reports?province={sample['province']}&_facet=county",
        ),
        ("reports table, one province", f"{d}/reports?province={sample['province']}"),
        ("reports table, search 复议 (2 chars, in every report)", f"{d}/reports?_search=复议"),
        ("reports table, search 林业局 (1 report in 40)", f"{d}/reports?_search=林业局"),
        ("reports table, search 行政复议 (4 chars)", f"{d}/reports?_search=行政复议"),
        ("reports JSON, search 诉讼", f"{d}/reports.json?_search=诉讼&_shape=objects"),
        ("search page, 复议", "/-/search?q=复议"),
        ("report page", f"/-/report/{sample['id']}"),
        ("cells of one report", f"{d}/cells?report_id={sample['id']}"),
        ("cells table, whole (~200 rows per report)", f"{d}/cells"),
        ("checks table, whole (~80 rows per report)", f"{d}/checks"),
        ("checks that FAIL", f"{d}/checks?status=FAIL"),
        ("home page", "/"),
        ("Atom feed, all", "/-/feed.atom"),
        ("Atom feed, one province", f"/-/feed.atom?province={sample['province']}"),
        ("chart: applications by year", "/-/charts"),
        ("places: province breakdown", "/-/places"),
        ("places: one province", f"/-/places?province={sample['province']}"),
        ("rankings: national, denial rate", "/-/rankings?indicator=denial_rate"),
        ("rankings: one province", f"/-/rankings?province={sample['province']}"),
        ("county page", f"/-/county/{sample['code']}"),
        ("map", "/-/map"),
        ("map SVG, denial rate", "/-/map.svg?indicator=denial_rate"),
        ("chart SVG, one province", f"/-/charts.svg?province={sample['province']}"),
        ("flags feed", "/-/flags.atom"),
        ("flags table", f"{d}/flags"),
        (
            "indicators of one county-year",
            f"{d}/indicators?portal_code={sample['code']}&year=2023&level=county",
        ),
        ("indicators table, whole", f"{d}/indicators"),
        ("downloads page", "/-/downloads"),
        ("evidence of a cell", f"/-/evidence/{sample['id']}?cell=t3_applications.granted.total"),
        ("evidence of an indicator", f"/-/evidence/{sample['id']}?indicator=denial_rate"),
    ]
    for view in ("failing_reports", "late_reports", "missing_years", "county_applications"):
        out.append((f"view {view}", f"{d}/{view}"))
    for name, query in CANNED.items():
        params = "&".join(f"{k}={v}" for k, v in query.get("bench_params", {}).items())
        out.append((f"canned query {name}", f"{d}/{name}" + (f"?{params}" if params else "")))
    return out


async def _measure(db: Path, runs: int, progress=print, baseline: bool = False) -> list[dict]:
    from datasette.plugins import pm

    from crawler.publish import search_filter
    from crawler.publish.app import make_datasette, warm

    ds = make_datasette(db)
    await ds.invoke_startup()  # (our startup hook installs our search filter)
    if baseline:
        search_filter.uninstall(pm)  # Datasette's own ?_search= SQL
    if not baseline:
        t = time.perf_counter()
        await warm(ds)  # as `nianbao serve` does at startup
        progress(
            f"  (startup: charts and places summed in {(time.perf_counter() - t) * 1000:,.0f} ms)"
        )
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rid, province, code = conn.execute(
        "SELECT id, province, portal_code FROM reports WHERE province IS NOT NULL "
        "ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM reports)"
    ).fetchone()
    conn.close()
    results = []
    for label, path in pages(db.stem, {"id": rid, "province": province, "code": code}):
        if baseline and path.startswith("/-/places"):
            progress(f"  {'n/a':>8}                   {label} (needs the publishing migration)")
            continue
        times = []
        status = None
        for _ in range(runs + 1):  # the first run warms caches; it is reported separately
            t = time.perf_counter()
            response = await ds.client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            status = response.status_code
        median = statistics.median(times[1:]) if runs else times[0]
        results.append(
            {"page": label, "path": path, "status": status, "first_ms": times[0], "ms": median}
        )
        flag = ""
        if status != 200:
            flag = f"   <-- HTTP {status}"
        elif median >= TARGET_MS:
            flag = f"   <-- over {TARGET_MS} ms"
        progress(f"  {median:8.0f} ms  (first {times[0]:6.0f})  {label}{flag}")
    if baseline:
        search_filter.install(pm)
    return results


def measure(db: Path, runs: int = 5, progress=print, baseline: bool = False) -> list[dict]:
    return asyncio.run(_measure(db, runs, progress, baseline))


# --- before / after ------------------------------------------------------------------------------

PUBLISHING_INDEXES = (
    "reports_agency_year", "reports_place", "reports_extraction", "reports_failing",
    "reports_late",
    "applications_outcomes", "review_litigation_totals",
)  # fmt: skip


# The first archives' views, written without the publishing indexes in mind: the baseline.
NAIVE_VIEWS = """
        CREATE VIEW failing_reports AS
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.year,
               r.title, r.checks_failed,
               (SELECT group_concat(c.rule || ' ' || c.scope || ': ' ||
                       coalesce(c."left", '?') || ' ≠ ' || coalesce(c."right", '?'), '; ')
                FROM checks c WHERE c.report_id = r.id AND c.status = 'FAIL'
                AND c.severity = 'error') AS failures,
               r.document_url, r.page_url
        FROM reports r WHERE r.checks_failed > 0;

        CREATE VIEW late_reports AS
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.agency_type,
               r.year, r.title, r.published,
               CASE WHEN r.agency_type IN ('department', 'office')
                    THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END AS deadline,
               CAST(julianday(substr(r.published, 1, 10)) - julianday(
                    CASE WHEN r.agency_type IN ('department', 'office')
                         THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END)
                    AS INTEGER) AS days_late,
               r.page_url
        FROM reports r
        WHERE r.published IS NOT NULL AND r.year IS NOT NULL AND substr(r.published, 1, 10) >
              CASE WHEN r.agency_type IN ('department', 'office')
                   THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END;

        CREATE VIEW missing_years AS
        SELECT prev.portal_code, prev.province, prev.county, prev.agency,
               prev.year + 1 AS missing_year, prev.year AS last_published_year
        FROM reports prev
        WHERE prev.year IS NOT NULL AND prev.agency IS NOT NULL
          AND prev.year < (SELECT max(year) FROM reports)
          AND NOT EXISTS (SELECT 1 FROM reports nxt
                          WHERE nxt.portal_code IS prev.portal_code
                            AND nxt.agency = prev.agency AND nxt.year = prev.year + 1);

        CREATE VIEW county_applications AS
        SELECT r.portal_code, r.province, r.prefecture, r.county, r.year,
               count(*) AS reports,
               sum(a.new_received_total) AS new_received,
               sum(a.total_processed_total) AS processed,
               sum(coalesce(a.denied_state_secret_total, 0) + coalesce(a.denied_other_law_total, 0)
                   + coalesce(a.denied_security_stability_total, 0)
                   + coalesce(a.denied_third_party_rights_total, 0)
                   + coalesce(a.denied_internal_affairs_total, 0)
                   + coalesce(a.denied_process_info_total, 0)
                   + coalesce(a.denied_enforcement_file_total, 0)
                   + coalesce(a.denied_admin_query_total, 0)) AS denied,
               round(1.0 * sum(coalesce(a.denied_state_secret_total, 0)
                   + coalesce(a.denied_other_law_total, 0)
                   + coalesce(a.denied_security_stability_total, 0)
                   + coalesce(a.denied_third_party_rights_total, 0)
                   + coalesce(a.denied_internal_affairs_total, 0)
                   + coalesce(a.denied_process_info_total, 0)
                   + coalesce(a.denied_enforcement_file_total, 0)
                   + coalesce(a.denied_admin_query_total, 0))
                   / nullif(sum(a.total_processed_total), 0), 4) AS denial_rate,
               sum(t.review_total) AS reviews,
               sum(t.review_corrected) AS reviews_corrected,
               round(1.0 * sum(t.review_corrected) / nullif(sum(t.review_total), 0), 4)
                   AS review_correction_rate,
               sum(coalesce(t.litigation_direct_total, 0)
                   + coalesce(t.litigation_after_review_total, 0)) AS lawsuits,
               sum(coalesce(t.litigation_direct_corrected, 0)
                   + coalesce(t.litigation_after_review_corrected, 0)) AS lawsuits_corrected
        FROM reports r
        LEFT JOIN applications a ON a.report_id = r.id
        LEFT JOIN review_litigation t ON t.report_id = r.id
        WHERE r.portal_code IS NOT NULL
        GROUP BY r.portal_code, r.year;
        """


def strip_publishing(db: Path) -> None:
    """Undo the publishing migrations (m002, m003): drop their indexes, put naive views back.

    To measure what it buys (``--compare``); ``Archive(db)`` applies it again afterwards.
    """
    import sqlite_utils

    conn = sqlite_utils.Database(db)
    with conn.atomic():
        for name in PUBLISHING_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS [{name}]")
        for view in ("failing_reports", "late_reports", "missing_years", "county_applications"):
            conn.execute(f"DROP VIEW IF EXISTS [{view}]")
        conn.executescript(NAIVE_VIEWS)
        conn.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN "
            "('m002_publishing', 'm003_county_applications_by_group')"
        )
    conn.close()


def _size(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def run_scale(args, scale: float, workdir: Path) -> list[dict] | None:
    """Build (or reuse) the archive of one scale in ``workdir`` and measure it."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "archive.db"
    if not args.reuse:
        for p in workdir.glob("archive.db*"):
            p.unlink()
        print(f"building a synthetic archive at scale {scale} in {db} …")
        stats = build(db, scale)
        print(
            f"built {stats['reports']:,} reports of {stats['portals']:,} counties in "
            f"{stats['total_s'] / 60:,.1f} min (load {stats['load_s'] / 60:,.1f} min)"
        )
    else:
        Archive(db).close()  # apply any migration added since the archive was built
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    if not conn.execute("SELECT 1 FROM indicators LIMIT 1").fetchone():
        conn.close()
        Archive(db).rebuild_findings(progress=print)  # an archive built before m006
    else:
        conn.close()
    print(f"size: {_size(db) / 2**30:,.2f} GiB; {reports:,} reports")
    if args.build_only:
        return None
    if args.compare:
        strip_publishing(db)
        print(f"BASELINE latency (median of {args.runs} after one warm-up run):")
        measure(db, args.runs, baseline=True)
        t = time.perf_counter()
        Archive(db).close()  # the publishing migration again
        print(f"re-applied the publishing migration in {time.perf_counter() - t:,.0f} s")
    print(f"latency at scale {scale} (median of {args.runs} after one warm-up run):")
    return measure(db, args.runs)


def summary(results: dict[float, list[dict]]) -> str:
    """One markdown table: a row per page, a column per scale (ms, median)."""
    scales = list(results)
    head = "| page | " + " | ".join(f"scale {s}" for s in scales) + " |"
    lines = [head, "|---|" + "---:|" * len(scales)]
    for i, row in enumerate(results[scales[0]]):
        cells = []
        for s in scales:
            r = results[s][i]
            mark = " ⚠" if r["ms"] >= TARGET_MS or r["status"] != 200 else ""
            cells.append(f"{r['ms']:,.0f}{mark}")
        lines.append(f"| {row['page']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, action="append",
        help="1.0 = national coverage (default); give it several times for several scales",
    )  # fmt: skip
    parser.add_argument("--dir", type=Path, help="where to build (default: a temp directory)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (median)")
    parser.add_argument("--keep", action="store_true", help="keep the archive afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the archive in --dir")
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="first measure without the publishing indexes/views and with Datasette's own "
        "search SQL (the baseline), then with them",
    )
    args = parser.parse_args(argv)
    scales = args.scale or [1.0]
    root = args.dir or Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    results: dict[float, list[dict]] = {}
    try:
        for scale in scales:
            workdir = root if len(scales) == 1 else root / f"scale-{scale}"
            measured = run_scale(args, scale, workdir)
            if measured is not None:
                results[scale] = measured
            if not args.keep and not args.reuse:
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if not args.keep and not args.reuse:
            shutil.rmtree(root, ignore_errors=True)
    if results:
        print(f"\nscales run: {', '.join(str(s) for s in results)}; target < {TARGET_MS} ms")
        print(summary(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
