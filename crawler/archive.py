"""The archive: ``archive.db``, built and migrated with sqlite-utils.

Tables (their names and meanings are a public interface, docs/data-dictionary.md):

``portals``          one row per registry entry, with the last crawl's outcome
``documents``        distinct document bytes (sha256), stored under ``<db>-files/``
``fetches``          every HTTP observation of a URL (status, ETag, Last-Modified, sha256)
``reports``          one row per report (portal, agency, year); its current document
``report_documents`` every document and URL a report was found as (history, mirrors)
``cells``            every table cell of every report (long form)
``checks``           every consistency check result, cross-year ones included
``crawl_runs``       one row per crawl
``applications``, ``review_litigation``, ``proactive_disclosure``
                     wide tables: one row per report, one column per cell (derived from cells)
``reports_fts``      bigram full-text index of title, agency and text (crawler/search.py)

Writes for one report happen in one transaction, in WAL mode: a crash or a kill -9 loses at most
the report being written, never one already archived.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from parsers import schema

from .agencies import agency_key, agency_type, canonical_agency
from .search import index_text
from .store import DocumentStore, files_dir_for

migrations = Migrations("nianbao")

T3_ROWS = (*schema.T3_V2021.row_keys[:20], "other_handling", *schema.T3_V2021.row_keys[20:])
T3_COLS = schema.T3_V2021.col_keys
T4_COLS = [f"{r}_{c}" for r in schema.T4.row_keys for c in schema.T4.col_keys]


def _t2_columns() -> list[tuple[str, str, str]]:
    """(table_key, row_key, col_key) of every section-二 cell of both templates, once."""
    seen: dict[str, tuple[str, str, str]] = {}
    for spec in (*schema.T2_V2021, *schema.T2_V2019):
        for r in spec.row_keys:
            for c in spec.col_keys:
                seen.setdefault(f"{r}_{c}", (spec.key, r, c))
    return list(seen.values())


T2_COLUMNS = _t2_columns()
WIDE = {
    "applications": ("t3_applications", [(r, c) for r in T3_ROWS for c in T3_COLS]),
    "review_litigation": (
        "t4_review_litigation",
        [(r, c) for r in schema.T4.row_keys for c in schema.T4.col_keys],
    ),
    "proactive_disclosure": ("t2_*", [(r, c) for _, r, c in T2_COLUMNS]),
}

# What the portal said about a report, kept when a later document of it comes without that.
_KEPT_WHEN_UNKNOWN = (
    "published",
    "page_url",
    "document_url",
    "fetched_at",
    "listed_title",
    "listed_agency",
    "listed_year",
)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE portals (
            code TEXT PRIMARY KEY,            -- 行政区划代码 of the county-level unit
            name TEXT NOT NULL,
            province TEXT,
            prefecture TEXT,
            url TEXT NOT NULL,
            platform TEXT,                    -- registry hint, or what the crawl detected
            js INTEGER,
            status TEXT,                      -- outcome of the last crawl (docs)
            status_reason TEXT,
            last_crawled TEXT,
            last_crawl_run INTEGER
        );
        CREATE TABLE documents (
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            path TEXT NOT NULL,               -- relative to <archive>-files/
            filename TEXT,
            first_seen TEXT NOT NULL,
            parser_version TEXT,              -- the parser that last read these bytes …
            is_annual_report INTEGER          -- … and whether it found a report in them
        );
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            registry TEXT,
            args TEXT,
            stats TEXT
        );
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            status INTEGER,
            etag TEXT,
            last_modified TEXT,
            sha256 TEXT REFERENCES documents(sha256),
            error TEXT,
            content_type TEXT,
            portal_code TEXT REFERENCES portals(code),
            crawl_run INTEGER REFERENCES crawl_runs(id),
            referer TEXT
        );
        CREATE INDEX fetches_url ON fetches(url, fetched_at);
        CREATE INDEX fetches_sha256 ON fetches(sha256);
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            report_key TEXT NOT NULL UNIQUE,  -- portal|agency|year, or portal|sha:<sha256>
            portal_code TEXT REFERENCES portals(code),
            province TEXT,
            prefecture TEXT,
            county TEXT,
            agency TEXT,
            agency_type TEXT,
            year INTEGER,
            title TEXT,
            document_title TEXT,
            listed_title TEXT,                -- what the portal's list said, kept for reparse
            listed_agency TEXT,
            listed_year INTEGER,
            page_url TEXT,
            document_url TEXT,
            document_sha256 TEXT REFERENCES documents(sha256),
            media_type TEXT,
            published TEXT,
            report_date TEXT,
            template_version TEXT,
            layout_sec2 TEXT,
            layout_sec3 TEXT,
            layout_sec4 TEXT,
            extraction TEXT,
            parser_version TEXT,
            parsed_at TEXT,
            is_annual_report INTEGER,
            year_source TEXT,
            checks_failed INTEGER NOT NULL DEFAULT 0,
            checks_uncertain INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            fetched_at TEXT,
            warnings TEXT,
            overview TEXT,
            problems TEXT,
            other_matters TEXT,
            text TEXT
        );
        CREATE INDEX reports_portal ON reports(portal_code, year);
        CREATE INDEX reports_year ON reports(year);
        CREATE INDEX reports_province ON reports(province, prefecture, county);
        CREATE INDEX reports_template ON reports(template_version);
        CREATE INDEX reports_agency_type ON reports(agency_type);
        CREATE INDEX reports_failed ON reports(checks_failed);
        CREATE INDEX reports_first_seen ON reports(first_seen);
        CREATE INDEX reports_document ON reports(document_sha256);
        CREATE TABLE report_documents (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            sha256 TEXT NOT NULL REFERENCES documents(sha256),
            url TEXT NOT NULL,
            page_url TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (report_id, sha256, url)
        ) WITHOUT ROWID;
        CREATE TABLE cells (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            table_key TEXT NOT NULL,
            row_key TEXT NOT NULL,
            col_key TEXT NOT NULL,
            value NUMERIC,
            raw TEXT NOT NULL,
            semantic TEXT NOT NULL,
            unit TEXT,
            page INTEGER,
            flags TEXT,
            PRIMARY KEY (report_id, table_key, row_key, col_key)
        ) WITHOUT ROWID;
        CREATE INDEX cells_key ON cells(table_key, row_key, col_key);
        CREATE TABLE checks (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            rule TEXT NOT NULL,
            scope TEXT NOT NULL,
            status TEXT NOT NULL,
            mode TEXT,
            severity TEXT,
            "left" NUMERIC,
            "right" NUMERIC,
            delta NUMERIC,
            derived NUMERIC,
            note TEXT,
            evidence TEXT,
            PRIMARY KEY (report_id, rule, scope)
        ) WITHOUT ROWID;
        CREATE INDEX checks_status ON checks(status, severity, rule);
        CREATE VIRTUAL TABLE reports_fts USING fts5(title, agency, body, content='');
        """
    )
    for name, (_, keys) in WIDE.items():
        cols = ",\n".join(f"[{r}_{c}] NUMERIC" for r, c in keys)
        db.execute(
            f"CREATE TABLE [{name}] (report_id INTEGER PRIMARY KEY REFERENCES reports(id), "
            f"portal_code TEXT, agency TEXT, year INTEGER, layout TEXT,\n{cols})"
        )
        db.execute(f"CREATE INDEX [{name}_year] ON [{name}](year, portal_code)")
    _create_views(db)


def _create_views(db: sqlite_utils.Database) -> None:
    """The findings a journalist asks for first (docs/data-dictionary.md, "Views")."""
    db.executescript(
        """
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
    )


# Late: published after the deadline. A NULL date or year makes the comparison NULL (not late),
# so this one term says what m001's three did; being one term lets SQLite match it to the partial
# index reports_late instead of range-scanning reports_year for "year IS NOT NULL".
_LATE = """substr({a}published, 1, 10) > CASE WHEN {a}agency_type IN ('department', 'office')
    THEN ({a}year + 1) || '-01-31' ELSE ({a}year + 1) || '-03-31' END"""
_DENIED = [f"{r}_total" for r in schema.T3_GROUPS["denied"][1]]
_LAWSUITS = ["litigation_direct_total", "litigation_after_review_total"]
_LAWSUITS_FIXED = ["litigation_direct_corrected", "litigation_after_review_corrected"]
_T3_OUTCOMES = [
    f"{r}_total"
    for r in T3_ROWS
    if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
]


@migrations()
def m002_publishing(db: sqlite_utils.Database) -> None:
    """Indexes for the published pages (docs/publishing.md, "Speed"), measured at national scale
    with benchmarks/archive.py: each lets a page read a small index instead of the reports table,
    whose rows carry the whole report text.
    """
    t4 = [f"{r}_{c}" for r in schema.T4.row_keys for c in ("total", "corrected")]
    db.executescript(
        f"""
        -- missing_years / stopped_publishing / county_applications: one year's reports, and
        -- "is there a report for this agency that year?", without reading report rows
        CREATE INDEX reports_agency_year ON reports(year, portal_code, agency, province,
            prefecture, county, agency_type);
        -- /-/places: reports, counties and failing reports per province, prefecture, county
        CREATE INDEX reports_place ON reports(province, prefecture, county, portal_code, year,
            checks_failed);
        CREATE INDEX reports_extraction ON reports(extraction);
        -- failing_reports: the failing reports and what its facets group by
        CREATE INDEX reports_failing ON reports(checks_failed, province, prefecture, county,
            year, agency_type);
        -- late_reports: only the late reports, with what the view and /-/places group by
        CREATE INDEX reports_late ON reports(province, prefecture, county, portal_code, year,
            agency_type, published) WHERE {_LATE.format(a="")};
        -- /-/charts and /-/places: sums of table 三 and 四 by year without reading whole rows
        CREATE INDEX applications_outcomes ON applications(year, portal_code,
            new_received_total, carried_over_total, {", ".join(_T3_OUTCOMES)},
            total_processed_total, carried_forward_total);
        CREATE INDEX review_litigation_totals ON review_litigation(year, portal_code,
            {", ".join(t4)});
        -- The finding views name their index (INDEXED BY): without statistics SQLite would
        -- otherwise answer "facet by year" through reports_year, reading every report's row.
        DROP VIEW failing_reports;
        CREATE VIEW failing_reports AS
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.year,
               r.title, r.checks_failed,
               (SELECT group_concat(c.rule || ' ' || c.scope || ': ' ||
                       coalesce(c."left", '?') || ' ≠ ' || coalesce(c."right", '?'), '; ')
                FROM checks c WHERE c.report_id = r.id AND c.status = 'FAIL'
                AND c.severity = 'error') AS failures,
               r.document_url, r.page_url
        FROM reports r INDEXED BY reports_failing WHERE r.checks_failed > 0;

        -- late_reports gains portal_code (last, so existing column positions hold) and states
        -- its condition exactly as the partial index does.
        DROP VIEW late_reports;
        CREATE VIEW late_reports AS
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.agency_type,
               r.year, r.title, r.published,
               CASE WHEN r.agency_type IN ('department', 'office')
                    THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END AS deadline,
               CAST(julianday(substr(r.published, 1, 10)) - julianday(
                    CASE WHEN r.agency_type IN ('department', 'office')
                         THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END)
                    AS INTEGER) AS days_late,
               r.page_url, r.portal_code
        FROM reports r INDEXED BY reports_late
        WHERE {_LATE.format(a="r.")};

        -- missing_years reads only the index reports_agency_year (`+` keeps SQLite from
        -- range-scanning reports_year and reading every report row instead).
        DROP VIEW missing_years;
        CREATE VIEW missing_years AS
        SELECT prev.portal_code, prev.province, prev.county, prev.agency,
               prev.year + 1 AS missing_year, prev.year AS last_published_year
        FROM reports prev INDEXED BY reports_agency_year
        WHERE +prev.year IS NOT NULL AND prev.agency IS NOT NULL
          AND +prev.year < (SELECT max(year) FROM reports)
          AND NOT EXISTS (SELECT 1 FROM reports nxt
                          WHERE nxt.year = prev.year + 1 AND nxt.portal_code IS prev.portal_code
                            AND nxt.agency = prev.agency);

        -- county_applications: the same columns, summed from three index-only aggregates
        -- (reports, applications, review_litigation by year and portal) instead of joining
        -- every report row to its wide rows; names come from the registry (the reports carry
        -- copies of them).
        DROP VIEW county_applications;
        CREATE VIEW county_applications AS
        WITH r AS (
            SELECT year, portal_code, count(*) AS reports FROM reports
            WHERE portal_code IS NOT NULL GROUP BY year, portal_code
        ), a AS (
            SELECT year, portal_code, sum(new_received_total) AS new_received,
                   sum(total_processed_total) AS processed, {_sum(_DENIED)} AS denied
            FROM applications GROUP BY year, portal_code
        ), t AS (
            SELECT year, portal_code, sum(review_total) AS reviews,
                   sum(review_corrected) AS reviews_corrected,
                   {_sum(["litigation_direct_total", "litigation_after_review_total"])} AS lawsuits,
                   {_sum(["litigation_direct_corrected", "litigation_after_review_corrected"])}
                       AS lawsuits_corrected
            FROM review_litigation GROUP BY year, portal_code
        )
        SELECT r.portal_code, p.province, p.prefecture, p.name AS county, r.year, r.reports,
               a.new_received, a.processed, a.denied,
               round(1.0 * a.denied / nullif(a.processed, 0), 4) AS denial_rate,
               t.reviews, t.reviews_corrected,
               round(1.0 * t.reviews_corrected / nullif(t.reviews, 0), 4)
                   AS review_correction_rate,
               t.lawsuits, t.lawsuits_corrected
        FROM r
        LEFT JOIN portals p ON p.code = r.portal_code
        LEFT JOIN a ON a.year = r.year AND a.portal_code = r.portal_code
        LEFT JOIN t ON t.year = r.year AND t.portal_code = r.portal_code;
        """
    )


@migrations()
def m003_county_applications_by_group(db: sqlite_utils.Database) -> None:
    """county_applications again, measured faster at national scale (benchmarks/archive.py):
    m002's version summed every year of the wide tables before a page could show a row.
    """
    db.executescript(
        f"""
        -- county_applications: the same columns, one group per county and year read from the
        -- index reports_agency_year in order, each figure a lookup in the covering indexes of
        -- the wide tables for that group only: a page of rows needs a page of groups, not the
        -- whole archive summed first. Names come from the registry (reports carry copies).
        DROP VIEW IF EXISTS county_applications;
        CREATE VIEW county_applications AS
        SELECT v.portal_code, p.province, p.prefecture, p.name AS county, v.year, v.reports,
               v.new_received, v.processed, v.denied,
               round(1.0 * v.denied / nullif(v.processed, 0), 4) AS denial_rate,
               v.reviews, v.reviews_corrected,
               round(1.0 * v.reviews_corrected / nullif(v.reviews, 0), 4)
                   AS review_correction_rate,
               v.lawsuits, v.lawsuits_corrected
        FROM (
            SELECT g.portal_code, g.year, g.reports,
                   {_per_group("sum(new_received_total)", "applications")} AS new_received,
                   {_per_group("sum(total_processed_total)", "applications")} AS processed,
                   {_per_group(_sum(_DENIED), "applications")} AS denied,
                   {_per_group("sum(review_total)", "review_litigation")} AS reviews,
                   {_per_group("sum(review_corrected)", "review_litigation")}
                       AS reviews_corrected,
                   {_per_group(_sum(_LAWSUITS), "review_litigation")} AS lawsuits,
                   {_per_group(_sum(_LAWSUITS_FIXED), "review_litigation")}
                       AS lawsuits_corrected
            FROM (SELECT year, portal_code, count(*) AS reports FROM reports
                  WHERE portal_code IS NOT NULL GROUP BY year, portal_code) g
        ) v
        LEFT JOIN portals p ON p.code = v.portal_code;
        """
    )


def _sum(columns: list[str]) -> str:
    """sum(coalesce(a, 0) + coalesce(b, 0) …): a blank cell adds nothing."""
    return "sum(" + " + ".join(f"coalesce({c}, 0)" for c in columns) + ")"


def _per_group(expr: str, table: str) -> str:
    return f"(SELECT {expr} FROM {table} x WHERE x.year = g.year AND x.portal_code = g.portal_code)"


def report_key(portal_code: str | None, agency: str | None, year: int | None, digest: str) -> str:
    key = agency_key(agency)
    if key and year:
        return f"{portal_code or '-'}|{key}|{year}"
    return f"{portal_code or '-'}|sha:{digest}"


_EXTRACTION_RANK = {"text": 3, "mixed": 2, "ocr": 1, "none": 0}


def quality(parsed: dict) -> tuple[int, int, int]:
    """Which of two documents of one report to show: readable, text over OCR, more cells."""
    known = sum(1 for c in parsed.get("cells", []) if c["semantic"] != "TEXT")
    return (
        int(bool(parsed.get("is_annual_report"))),
        _EXTRACTION_RANK.get(parsed.get("extraction", "none"), 0),
        known,
    )


class Archive:
    """Open (and create or migrate) an archive. Safe to open from several processes."""

    def __init__(self, path: str | os.PathLike, *, files_dir: str | os.PathLike | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(self.db)
        self.store = DocumentStore(files_dir or files_dir_for(self.path))

    def close(self) -> None:
        self.db.close()

    # --- registry ------------------------------------------------------------------------

    def upsert_portals(self, portals: Iterable[dict]) -> None:
        keep = ("code", "name", "province", "prefecture", "url", "platform", "js")
        rows = [{k: p.get(k) for k in keep} for p in portals]
        with self.db.atomic():
            self.db["portals"].upsert_all(rows, pk="code")

    def set_portal_status(
        self, code: str, status: str, reason: str, run_id: int | None, platform: str | None = None
    ) -> None:
        update = {
            "status": status,
            "status_reason": reason,
            "last_crawled": now(),
            "last_crawl_run": run_id,
        }
        if platform:
            update["platform"] = platform
        with self.db.atomic():
            self.db["portals"].update(code, update)

    # --- documents and fetches -----------------------------------------------------------

    def add_document(
        self,
        data: bytes,
        media_type: str,
        filename: str | None = None,
        *,
        parsed: dict | None = None,
    ) -> str:
        digest, rel = self.store.put(data, media_type)
        row = {
            "sha256": digest,
            "media_type": media_type,
            "size": len(data),
            "path": rel,
            "filename": filename,
            "first_seen": now(),
        }
        with self.db.atomic():
            self.db["documents"].insert(row, ignore=True)
            if parsed is not None:
                self.db["documents"].update(
                    digest,
                    {
                        "parser_version": parsed.get("parser_version"),
                        "is_annual_report": int(bool(parsed.get("is_annual_report"))),
                    },
                )
        return digest

    def touch_report(self, report_id: int, digest: str, url: str, page_url: str | None) -> None:
        """The report was seen again (unchanged, or under one more URL)."""
        stamp = now()
        with self.db.atomic():
            self.db["reports"].update(report_id, {"last_seen": stamp})
            self.db.execute(
                "INSERT INTO report_documents VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET last_seen = excluded.last_seen",
                [report_id, digest, url, page_url, stamp, stamp],
            )

    def record_fetch(self, **fetch) -> None:
        fetch.setdefault("fetched_at", now())
        with self.db.atomic():
            self.db["fetches"].insert(fetch)

    def last_fetch(self, url: str) -> dict | None:
        """The newest successful fetch of a URL (for conditional requests)."""
        rows = self.db.query(
            "SELECT * FROM fetches WHERE url = ? AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        )
        return next(iter(rows), None)

    def document(self, digest: str) -> dict | None:
        return next(iter(self.db.query("SELECT * FROM documents WHERE sha256 = ?", [digest])), None)

    def document_bytes(self, digest: str) -> bytes:
        doc = self.document(digest)
        if doc is None:
            raise KeyError(digest)
        return self.store.get(doc["path"])

    def report_for_document(self, digest: str) -> dict | None:
        rows = self.db.query(
            "SELECT r.* FROM report_documents d JOIN reports r ON r.id = d.report_id "
            "WHERE d.sha256 = ? LIMIT 1",
            [digest],
        )
        return next(iter(rows), None)

    # --- reports ---------------------------------------------------------------------------

    def add_report(
        self,
        parsed: dict,
        *,
        sha: str | None = None,
        portal_code: str | None = None,
        page_url: str | None = None,
        document_url: str | None = None,
        published: str | None = None,
        title: str | None = None,
        agency: str | None = None,
        year: int | None = None,
        fetched_at: str | None = None,
        replace_id: int | None = None,
    ) -> int:
        """Archive one parsed report; returns its id.

        ``title``/``agency``/``year`` are what the portal says (the list entry), which wins over
        what the document says; the document fills what the portal leaves out. ``replace_id``
        (reparse) updates that report in place, keeping its id, even if its key changed.
        """
        digest = sha or parsed["source"]["sha256"]
        listed = {"listed_title": title, "listed_agency": agency, "listed_year": year}
        portal = self.db["portals"].get(portal_code) if portal_code else None
        county = portal["name"] if portal else None
        agency = canonical_agency(agency or parsed.get("agency"), county)
        year = year or parsed.get("year")
        key = report_key(portal_code, agency, year, digest)
        stamp = now()
        with self.db.atomic():
            existing = next(
                iter(self.db.query("SELECT * FROM reports WHERE report_key = ?", [key])), None
            )
            row = {
                "report_key": key,
                "portal_code": portal_code,
                "province": portal["province"] if portal else None,
                "prefecture": portal["prefecture"] if portal else None,
                "county": county,
                "agency": agency,
                "agency_type": agency_type(agency, county),
                "year": year,
                "title": title or parsed.get("title"),
                "document_title": parsed.get("title"),
                "page_url": page_url,
                "document_url": document_url,
                "document_sha256": digest,
                "media_type": parsed["source"].get("media_type"),
                "published": published or parsed.get("published"),
                "report_date": parsed.get("report_date"),
                "template_version": parsed.get("template_version"),
                "layout_sec2": parsed["layouts"]["sec2"],
                "layout_sec3": parsed["layouts"]["sec3"],
                "layout_sec4": parsed["layouts"]["sec4"],
                "extraction": parsed.get("extraction"),
                "parser_version": parsed.get("parser_version"),
                "parsed_at": stamp,
                "is_annual_report": int(bool(parsed.get("is_annual_report"))),
                "year_source": "portal"
                if year and year != parsed.get("year")
                else parsed.get("year_source"),
                "checks_failed": sum(
                    1
                    for c in parsed["checks"]
                    if c["status"] == "FAIL" and c.get("severity") == "error"
                ),
                "checks_uncertain": sum(1 for c in parsed["checks"] if c["status"] == "UNCERTAIN"),
                "last_seen": stamp,
                "fetched_at": fetched_at,
                "warnings": json.dumps(parsed.get("warnings", []), ensure_ascii=False),
                "overview": parsed["sections"].get("overview"),
                "problems": parsed["sections"].get("problems"),
                "other_matters": parsed["sections"].get("other_matters"),
                "text": parsed.get("text"),
                **listed,
            }
            if existing is None:
                row["first_seen"] = stamp
                report_id = self.db["reports"].insert(row).last_pk
                replace = True
            else:
                report_id = existing["id"]
                replace = existing["document_sha256"] == digest or quality(
                    parsed
                ) >= self._quality_of(existing)
                if replace:
                    # A later document without portal context (an import, a bare attachment)
                    # must not erase what an earlier fetch learned about the report.
                    for k in _KEPT_WHEN_UNKNOWN:
                        if row[k] is None:
                            row[k] = existing[k]
                    if title is None and existing["listed_title"]:
                        row["title"] = existing["listed_title"]
                    self._unindex(existing)
                    self.db["reports"].update(report_id, row)
                else:
                    self.db["reports"].update(report_id, {"last_seen": stamp})
            self.db.execute(
                "INSERT INTO report_documents VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET last_seen = excluded.last_seen",
                [report_id, digest, document_url or page_url or "", page_url, stamp, stamp],
            )
            if replace:
                self._write_cells_and_checks(report_id, parsed, portal_code, agency, year)
                self._index(report_id, row)
            self._cross_year(portal_code, agency, year)
        return report_id

    def _merge_into(self, old: dict, target_id: int) -> None:
        """Fold a report into another one that turned out to be the same report."""
        self._unindex(old)
        self.db.execute(
            "INSERT OR IGNORE INTO report_documents SELECT ?, sha256, url, page_url, first_seen, "
            "last_seen FROM report_documents WHERE report_id = ?",
            [target_id, old["id"]],
        )
        for table in ("report_documents", "cells", "checks", *WIDE):
            self.db.execute(f"DELETE FROM [{table}] WHERE report_id = ?", [old["id"]])
        self.db.execute("DELETE FROM reports WHERE id = ?", [old["id"]])

    def _quality_of(self, report: dict) -> tuple[int, int, int]:
        known = self.db.execute(
            "SELECT count(*) FROM cells WHERE report_id = ? AND semantic != 'TEXT'", [report["id"]]
        ).fetchone()[0]
        return (
            report["is_annual_report"] or 0,
            _EXTRACTION_RANK.get(report["extraction"], 0),
            known,
        )

    def _write_cells_and_checks(self, report_id, parsed, portal_code, agency, year) -> None:
        self.db.execute("DELETE FROM cells WHERE report_id = ?", [report_id])
        self.db.execute(
            "DELETE FROM checks WHERE report_id = ? AND rule NOT LIKE 'X\\_%' ESCAPE '\\'",
            [report_id],
        )
        self.db["cells"].insert_all(
            (
                {
                    "report_id": report_id,
                    "table_key": c["table"],
                    "row_key": c["row"],
                    "col_key": c["col"],
                    "value": c["value"],
                    "raw": c["raw"],
                    "semantic": c["semantic"],
                    "unit": c.get("unit"),
                    "page": c.get("page"),
                    "flags": ",".join(c["flags"]) if c.get("flags") else None,
                }
                for c in parsed["cells"]
            ),
            batch_size=500,
        )
        self.db["checks"].insert_all(
            (check_row(report_id, c) for c in parsed["checks"]), batch_size=500, replace=True
        )
        by_key = {(c["table"], c["row"], c["col"]): c["value"] for c in parsed["cells"]}
        layout = {
            "applications": parsed["layouts"]["sec3"],
            "review_litigation": "standard",
            "proactive_disclosure": parsed["layouts"]["sec2"],
        }
        for name, (table, keys) in WIDE.items():
            self.db.execute(f"DELETE FROM [{name}] WHERE report_id = ?", [report_id])
            if table == "t2_*":
                values = {f"{r}_{c}": by_key.get((t, r, c)) for t, r, c in T2_COLUMNS}
                present = any(k[0].startswith("t2_") for k in by_key)
            else:
                values = {f"{r}_{c}": by_key.get((table, r, c)) for r, c in keys}
                present = any(k[0] == table for k in by_key)
            if present:
                self.db[name].insert(
                    {
                        "report_id": report_id,
                        "portal_code": portal_code,
                        "agency": agency,
                        "year": year,
                        "layout": layout[name],
                        **values,
                    }
                )

    # --- search index --------------------------------------------------------------------

    def _index(self, report_id: int, row: dict) -> None:
        self.db.execute(
            "INSERT INTO reports_fts(rowid, title, agency, body) VALUES (?, ?, ?, ?)",
            [
                report_id,
                index_text(row["title"]),
                index_text(row["agency"]),
                index_text(row["text"]),
            ],
        )

    def _unindex(self, existing: dict) -> None:
        # A contentless FTS5 table forgets a row only when given the exact tokens it indexed.
        self.db.execute(
            "INSERT INTO reports_fts(reports_fts, rowid, title, agency, body) "
            "VALUES ('delete', ?, ?, ?, ?)",
            [
                existing["id"],
                index_text(existing["title"]),
                index_text(existing["agency"]),
                index_text(existing["text"]),
            ],
        )

    # --- cross-year checks (spec §7.4) -----------------------------------------------------

    def _cross_year(self, portal_code: str | None, agency: str | None, year: int | None) -> None:
        if not agency or not year:
            return
        for y in (year, year + 1):
            self._cross_pair(portal_code, agency, y)

    def _cross_pair(self, portal_code: str | None, agency: str, year: int) -> None:
        prev = self._report_id(portal_code, agency, year - 1)
        cur = self._report_id(portal_code, agency, year)
        if cur is None:
            return
        self.db.execute(
            "DELETE FROM checks WHERE report_id = ? AND rule LIKE 'X\\_%' ESCAPE '\\'", [cur]
        )
        if prev is None:
            return
        from parsers.checks import Operand, identity

        def cell(rid: int, table: str, row: str, col: str) -> Operand:
            r = self.db.execute(
                "SELECT value, semantic FROM cells WHERE report_id=? AND table_key=? AND row_key=? "
                "AND col_key=?",
                [rid, table, row, col],
            ).fetchone()
            return Operand(f"{row}.{col}", *(r if r else (None, "MISSING")))

        out: list[dict] = []
        for c in T3_COLS:
            carried_over = cell(cur, "t3_applications", "carried_over", c)
            forward = cell(prev, "t3_applications", "carried_forward", c)
            if "MISSING" in (carried_over.semantic, forward.semantic):
                continue
            check = identity("X_T3_CARRY", c, [carried_over], [forward], severity="warning")
            out.append(check | {"note": f"{year} 上年结转 vs {year - 1} 结转下年度"})
        layouts = self.db.execute(
            "SELECT id, layout_sec2 FROM reports WHERE id IN (?, ?)", [prev, cur]
        ).fetchall()
        if all(lay == "v2021" for _, lay in layouts) and len(layouts) == 2:
            for row in ("regulations", "normative_documents"):
                ops = [cell(cur, "t2_art20_1", row, k) for k in ("in_force", "issued", "repealed")]
                before = cell(prev, "t2_art20_1", row, "in_force")
                if "MISSING" in {o.semantic for o in [*ops, before]}:
                    continue
                negative = Operand(ops[2].ref, -(ops[2].value or 0), ops[2].semantic)
                check = identity(
                    "X_T2_STOCK", row, [before, ops[1], negative], [ops[0]], severity="warning"
                )
                out.append(
                    check | {"note": f"{year - 1} 现行有效 + {year} 制发 − 废止 vs {year} 现行有效"}
                )
        self.db["checks"].insert_all((check_row(cur, c) for c in out), replace=True)

    def _report_id(self, portal_code: str | None, agency: str, year: int) -> int | None:
        r = self.db.execute(
            "SELECT id FROM reports WHERE report_key = ?",
            [report_key(portal_code, agency, year, "")],
        ).fetchone()
        return r[0] if r else None

    # --- crawl runs ------------------------------------------------------------------------

    def start_run(self, registry: str, args: dict) -> int:
        with self.db.atomic():
            return (
                self.db["crawl_runs"]
                .insert(
                    {
                        "started": now(),
                        "registry": registry,
                        "args": json.dumps(args, ensure_ascii=False),
                    }
                )
                .last_pk
            )

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {"finished": now(), "stats": json.dumps(stats, ensure_ascii=False, default=str)},
            )

    def update_run_stats(self, run_id: int, stats: dict) -> None:
        """Stats of a run that stopped early; it stays unfinished, so the next crawl resumes it."""
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id, {"stats": json.dumps(stats, ensure_ascii=False, default=str)}
            )

    def unfinished_run(self, registry: str) -> int | None:
        """The newest crawl of this registry that never finished (killed, interrupted)."""
        row = self.db.execute(
            "SELECT id, finished FROM crawl_runs WHERE registry = ? ORDER BY id DESC LIMIT 1",
            [registry],
        ).fetchone()
        return row[0] if row and row[1] is None else None

    def fetched_since(self, url: str, since: str) -> bool:
        """Was this document stored by a fetch at or after ``since`` (ISO UTC)?"""
        return (
            self.db.execute(
                "SELECT 1 FROM fetches WHERE url = ? AND fetched_at >= ? AND sha256 IS NOT NULL "
                "LIMIT 1",
                [url, since],
            ).fetchone()
            is not None
        )

    def fetched_in_run(self, url: str, run_id: int) -> bool:
        """Was this document already fetched and stored during this (resumed) run?"""
        return (
            self.db.execute(
                "SELECT 1 FROM fetches WHERE url = ? AND crawl_run = ? AND sha256 IS NOT NULL "
                "LIMIT 1",
                [url, run_id],
            ).fetchone()
            is not None
        )

    def reports(self) -> Iterator[dict]:
        yield from self.db.query("SELECT * FROM reports ORDER BY id")


def check_row(report_id: int, c: dict) -> dict:
    return {
        "report_id": report_id,
        "rule": c["rule"],
        "scope": c.get("scope", ""),
        "status": c["status"],
        "mode": c.get("mode"),
        "severity": c.get("severity"),
        "left": c.get("left"),
        "right": c.get("right"),
        "delta": c.get("delta"),
        "derived": c.get("derived"),
        "note": c.get("note"),
        "evidence": c.get("evidence"),
    }
