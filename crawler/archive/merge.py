"""Combining archives: ``nianbao merge A.db B.db --into archive.db``.

SQLite has one writer, so each crawl worker writes its own archive and store; this folds them
into one. Each row has an identity that does not depend on which archive it came from, so a
merge is idempotent (merging a source again adds nothing) and order-independent:

* documents by sha256 (their files copied into the target's store, each hash verified);
* crawl runs by (started, registry, args) — source ids are mapped to the target's; portal runs
  by (run, portal); fetches by (url, fetched_at, run, sha256, status);
* portals by code: the row whose last crawl is later (a tie keeps the target's, its empty
  fields filled from the source's);
* reports by ``report_key``: their report_documents and revisions are united, and the
  content (row, cells, checks, wide rows, search entry) is that of the better document —
  higher quality (``reports.stored_quality``), then the later first-seen document, then the
  larger sha256.

The cross-year checks and the findings of every report added or replaced are recomputed after.
A source is read in one read-only snapshot and never written; everything one source brings is
written in one transaction, so a kill -9 leaves the target as it was before that source (its
store may keep files already copied: they are content-addressed, so harmless).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from . import findings, indicators
from .columns import WIDE
from .reports import _KEPT_WHEN_UNKNOWN, stored_quality
from .schema import migrations
from .store import DocumentStore, files_dir_for, sha256

REBUILD_OVER = 500  # more reports touched than this: recompute all findings, not one by one
_CONTENT = ("cells", "checks", *WIDE)  # the rows a report's content is made of
_NOT_CROSS_YEAR = "rule NOT LIKE 'X\\_%' ESCAPE '\\'"
_FETCH_KEY = (
    "url = :url AND fetched_at = :fetched_at AND crawl_run IS :crawl_run "
    "AND sha256 IS :sha256 AND status IS :status"
)


class MergeError(RuntimeError):
    """A source that cannot be merged (another schema version, not an archive, the target)."""


def code_migrations() -> set[str]:
    """The migrations this version of nianbao applies to every archive it opens."""
    return {m.name for m in migrations._migrations}


def applied_migrations(conn: sqlite3.Connection) -> set[str] | None:
    """The migrations applied to an archive; None when it is no nianbao archive at all."""
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migrations.name]
        ).fetchall()
    except sqlite3.DatabaseError:
        return None
    return {r[0] for r in rows} or None


def open_source(path: Path) -> sqlite3.Connection:
    """The source, read-only (it is never written, not even migrated)."""
    if not Path(path).is_file():
        raise MergeError(f"{path}: no such archive")
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def check_schema(path: Path, expected: set[str]) -> None:
    """Refuse a source whose applied migrations are not exactly ``expected``."""
    conn = open_source(path)
    try:
        applied = applied_migrations(conn)
    finally:
        conn.close()
    if applied is None:
        raise MergeError(f"{path}: not a nianbao archive (no migrations recorded)")
    lacks, extra = sorted(expected - applied), sorted(applied - expected)
    if not lacks and not extra:
        return
    parts = [f"{path} is from another schema version and cannot be merged:"]
    if lacks:
        parts.append(
            f"it lacks migration(s) {', '.join(lacks)} — an older archive: open it once with "
            f"this version (e.g. `nianbao status --db {path}`), which migrates it, then merge"
        )
    if extra:
        parts.append(
            f"it has migration(s) {', '.join(extra)} this nianbao does not know — made by a "
            "newer version: upgrade nianbao (git pull && pip install -e .), then merge"
        )
    raise MergeError(" ".join(parts))


def merge_into(target, source: Path, progress=None) -> dict:
    """Merge the archive at ``source`` into ``target`` (an open ``Archive``); returns counts
    of what was added, replaced and skipped, per table."""
    source = Path(source)
    if source.resolve() == target.path.resolve():
        raise MergeError(f"{source} is the target archive itself")
    check_schema(source, applied_migrations(target.db.conn) or set())
    conn = open_source(source)
    try:
        conn.execute("BEGIN")  # one snapshot, even while a worker still writes the source
        job = _Merge(target, conn, DocumentStore(files_dir_for(source)), progress)
        job.copy_files()
        with target.db.atomic():
            job.run()
    finally:
        conn.close()
    return job.summary()


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, params)]


class _Merge:
    """One source merged into one target (``run`` inside the target's transaction)."""

    def __init__(self, target, conn: sqlite3.Connection, store: DocumentStore, progress) -> None:
        self.target, self.db, self.src, self.store = target, target.db, conn, store
        self.progress = progress or (lambda message: None)
        self.counts: Counter = Counter()
        self.runs: dict[int, int] = {}  # source crawl run id → target's
        self.touched: dict[int, set[tuple]] = {}  # target report id → (portal, agency, year)s
        self.warnings: list[str] = []

    def summary(self) -> dict:
        out: dict = {}
        for (table, what), n in sorted(self.counts.items()):
            out.setdefault(table, {})[what] = n
        out["warnings"] = self.warnings
        return out

    def run(self) -> None:
        self.documents()
        self.crawl_runs()
        self.portals()
        self.portal_runs()
        self.fetches()
        self.reports()
        self.recompute()

    def _insert(self, table: str, row: dict, *, ignore: bool = False):
        """Insert ``row`` (its keys are the columns); the cursor tells its id and whether a
        row was added (``ignore``: not when its key is there already)."""
        return self.db.execute(_insert_sql(table, list(row), ignore=ignore), row)

    # --- documents and their files ------------------------------------------------------

    def copy_files(self) -> None:
        """Every source document's file the target's store lacks, verified by its sha256."""
        for doc in self.src.execute("SELECT sha256, media_type, path FROM documents"):
            if self.target.store.exists(doc["path"]):
                continue
            problem = self._copy_file(doc)
            if problem:
                self.counts["files", problem] += 1
                self.warnings.append(f"document {doc['sha256']}: stored file {problem}")
                self.progress(f"warning: document {doc['sha256']}: stored file {problem}")
            else:
                self.counts["files", "copied"] += 1

    def _copy_file(self, doc) -> str | None:
        try:
            data = self.store.get(doc["path"])
        except OSError:
            return "missing"
        if sha256(data) != doc["sha256"]:
            return "corrupt"
        self.target.store.put(data, doc["media_type"])
        return None

    def documents(self) -> None:
        for doc in _rows(self.src, "SELECT * FROM documents"):
            mine = self.db.execute(
                "SELECT first_seen FROM documents WHERE sha256 = ?", [doc["sha256"]]
            ).fetchone()
            if mine is None:
                self._insert("documents", doc)
                self.counts["documents", "added"] += 1
                continue
            self.counts["documents", "skipped"] += 1
            if doc["first_seen"] < mine[0]:  # first seen: by whichever archive saw it first
                self.db.execute(
                    "UPDATE documents SET first_seen = ? WHERE sha256 = ?",
                    [doc["first_seen"], doc["sha256"]],
                )

    # --- the crawl ledger ---------------------------------------------------------------

    def crawl_runs(self) -> None:
        for run in _rows(self.src, "SELECT * FROM crawl_runs ORDER BY id"):
            source_id = run.pop("id")
            mine = self.db.execute(
                "SELECT id, finished FROM crawl_runs WHERE started = ? AND registry IS ? "
                "AND args IS ?",
                [run["started"], run["registry"], run["args"]],
            ).fetchone()
            if mine is None:
                self.runs[source_id] = self._insert("crawl_runs", run).lastrowid
                self.counts["crawl_runs", "added"] += 1
                continue
            self.runs[source_id] = mine[0]
            self.counts["crawl_runs", "skipped"] += 1
            if mine[1] is None and run["finished"] is not None:  # the copy that saw it finish
                self.db.execute(
                    "UPDATE crawl_runs SET finished = ?, stats = ? WHERE id = ?",
                    [run["finished"], run["stats"], mine[0]],
                )

    def portals(self) -> None:
        for portal in _rows(self.src, "SELECT * FROM portals"):
            portal["last_crawl_run"] = self.runs.get(portal["last_crawl_run"])
            mine = next(iter(self.db.query("SELECT * FROM portals WHERE code = ?",
                                           [portal["code"]])), None)  # fmt: skip
            if mine is None:
                self._insert("portals", portal)
                self.counts["portals", "added"] += 1
                continue
            theirs, ours = portal["last_crawled"] or "", mine["last_crawled"] or ""
            if theirs > ours:
                update = portal
            elif theirs == ours:  # a tie keeps ours, its empty fields filled from theirs
                update = {k: v for k, v in portal.items() if mine[k] in (None, "") and v}
            else:
                update = {}
            if update:
                self.db["portals"].update(portal["code"], update)
            self.counts["portals", "replaced" if update is portal else "skipped"] += 1

    def portal_runs(self) -> None:
        for row in _rows(self.src, "SELECT * FROM portal_runs"):
            row["crawl_run"] = self.runs[row["crawl_run"]]
            cur = self._insert("portal_runs", row, ignore=True)
            self.counts["portal_runs", "added" if cur.rowcount else "skipped"] += 1

    def fetches(self) -> None:
        for n, row in enumerate(self.src.execute("SELECT * FROM fetches ORDER BY id"), 1):
            row = dict(row)
            del row["id"]
            row["crawl_run"] = self.runs.get(row["crawl_run"])
            if self.db.execute(f"SELECT 1 FROM fetches WHERE {_FETCH_KEY}", row).fetchone():
                self.counts["fetches", "skipped"] += 1
                continue
            self._insert("fetches", row)
            self.counts["fetches", "added"] += 1
            if n % 100_000 == 0:
                self.progress(f"  fetches: {n:,}")

    # --- reports ------------------------------------------------------------------------

    def reports(self) -> None:
        for n, row in enumerate(self.src.execute("SELECT * FROM reports ORDER BY id"), 1):
            report = dict(row)  # one at a time: report rows carry their whole text
            mine = self.target._report_by_key(report["report_key"])
            if mine is None:
                self._add_report(report)
            else:
                self._meet_report(report, mine)
            if n % 1000 == 0:
                self.progress(f"  reports: {n:,}")

    def _add_report(self, report: dict) -> None:
        row = {k: v for k, v in report.items() if k != "id"}
        new_id = self._insert("reports", row).lastrowid
        self._copy_content(report["id"], new_id)
        self._copy_history(report["id"], new_id)
        self.target._index(new_id, row)
        self.touched[new_id] = {_place(row)}
        self.counts["reports", "added"] += 1

    def _meet_report(self, report: dict, mine: dict) -> None:
        """The same report in both: its documents united, the better document's content."""
        brought = self._copy_history(report["id"], mine["id"])
        if self._better(report, mine):
            row = {**_combined(report, mine), "id": mine["id"]}
            self.target._unindex(mine)
            for table in _CONTENT:
                self.db.execute(f"DELETE FROM [{table}] WHERE report_id = ?", [mine["id"]])
            self.db["reports"].update(mine["id"], row)
            self._copy_content(report["id"], mine["id"])
            self.target._index(mine["id"], row)
            self.touched[mine["id"]] = {_place(mine), _place(row)}
            self.counts["reports", "replaced"] += 1
            return
        update = {k: v for k, v in _combined(mine, report).items() if mine[k] != v}
        if update:
            self.db["reports"].update(mine["id"], update)
        if brought:
            self.touched[mine["id"]] = {_place(mine)}
        self.counts["reports", "kept"] += 1

    def _better(self, report: dict, mine: dict) -> bool:
        """Is the source's document the better one? Quality, then the later first-seen
        document, then the larger sha256: the same answer whichever archive is the target."""
        if report["document_sha256"] == mine["document_sha256"]:
            return False
        return self._rank(self.src, report) > self._rank(self.db.conn, mine)

    def _rank(self, conn: sqlite3.Connection, report: dict) -> tuple:
        return (*stored_quality(conn, report), self._first_seen(report), report["document_sha256"])

    def _first_seen(self, report: dict) -> str:
        row = self.db.execute(
            "SELECT first_seen FROM documents WHERE sha256 = ?", [report["document_sha256"]]
        ).fetchone()
        return (row[0] if row else None) or ""

    def _copy_content(self, source_id: int, report_id: int) -> None:
        """Cells, checks (the cross-year ones are recomputed after) and wide rows."""
        for table in _CONTENT:
            where = f" AND {_NOT_CROSS_YEAR}" if table == "checks" else ""
            self._copy_rows(table, source_id, report_id, where)

    def _copy_history(self, source_id: int, report_id: int) -> int:
        """report_documents and report_revisions, united; returns how many rows were new."""
        before = self.db.conn.total_changes
        for row in _rows(self.src, "SELECT * FROM report_documents WHERE report_id = ?",
                         [source_id]):  # fmt: skip
            row["report_id"] = report_id
            cur = self.db.execute(
                "INSERT INTO report_documents (report_id, sha256, url, page_url, first_seen, "
                "last_seen, page_of, page_number) VALUES (:report_id, :sha256, :url, "
                ":page_url, :first_seen, :last_seen, :page_of, :page_number) "
                "ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
                "last_seen = max(last_seen, excluded.last_seen), "
                "page_of = coalesce(page_of, excluded.page_of), "
                "page_number = coalesce(page_number, excluded.page_number) "
                "WHERE excluded.first_seen < first_seen OR excluded.last_seen > last_seen "
                "OR (page_of IS NULL AND excluded.page_of IS NOT NULL)",
                row,
            )
            self.counts["report_documents", "added" if cur.rowcount else "skipped"] += 1
        self._copy_rows("report_revisions", source_id, report_id, "", ignore=True)
        return self.db.conn.total_changes - before

    def _copy_rows(self, table: str, source_id: int, report_id: int, where: str, *,
                   ignore: bool = False) -> None:  # fmt: skip
        rows = _rows(self.src, f"SELECT * FROM [{table}] WHERE report_id = ?{where}", [source_id])
        if not rows:
            return
        sql = _insert_sql(table, list(rows[0]), ignore=ignore)
        self.db.conn.executemany(sql, ({**r, "report_id": report_id} for r in rows))

    # --- what spans reports -------------------------------------------------------------

    def recompute(self) -> None:
        """Cross-year checks of every (portal, agency) touched, then indicators and flags."""
        places = {p for ps in self.touched.values() for p in ps}
        for portal, agency, year in sorted(places, key=repr):
            self.target._cross_year(portal, agency, year)
        if len(self.touched) > REBUILD_OVER:
            self.progress("  findings: recomputing all")
            indicators.rebuild(self.db)
            findings.rebuild(self.db)
            return
        for report_id, ps in sorted(self.touched.items()):
            self.target.refresh_findings(report_id, sorted(ps, key=repr))


def _insert_sql(table: str, columns: list[str], *, ignore: bool = False) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join(f":{c}" for c in columns)
    return f"INSERT {'OR IGNORE ' if ignore else ''}INTO [{table}] ({names}) VALUES ({marks})"


def _place(report: dict) -> tuple:
    return (report["portal_code"], report["agency"], report["year"])


def _combined(winner: dict, loser: dict) -> dict:
    """The winner's row, with what the portal said about the report kept from the other row
    when the winner lacks it, and first/last seen spanning both."""
    row = {k: v for k, v in winner.items() if k != "id"}
    for k in _KEPT_WHEN_UNKNOWN:
        if row[k] is None:
            row[k] = loser[k]
    row["first_seen"] = min(winner["first_seen"], loser["first_seen"])
    row["last_seen"] = max(winner["last_seen"], loser["last_seen"])
    return row
