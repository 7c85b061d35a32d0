"""The archive's tables and indexes, as sqlite-utils migrations (applied on every open).

Migrations are history: each runs once per archive, in order, and is never edited to mean
something else. Views are not here: they hold no data and are declared once in ``views.py``.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from parsers import schema

from .columns import LATE, T3_OUTCOMES, WIDE

migrations = Migrations("nianbao")


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
            agency_type, published) WHERE {LATE.format(a="")};
        -- /-/charts and /-/places: sums of table 三 and 四 by year without reading whole rows
        CREATE INDEX applications_outcomes ON applications(year, portal_code,
            new_received_total, carried_over_total, {", ".join(T3_OUTCOMES)},
            total_processed_total, carried_forward_total);
        CREATE INDEX review_litigation_totals ON review_litigation(year, portal_code,
            {", ".join(t4)});
        """
    )


@migrations()
def m003_county_applications_by_group(db: sqlite_utils.Database) -> None:
    """Once redefined the county_applications view; views now live in views.py."""


@migrations()
def m004_portal_learning(db: sqlite_utils.Database) -> None:
    """What each portal taught the last crawl (column URLs, endpoints, hosts, pages that need a
    browser: JSON), where it broke, and how many pages it cost (docs/data-dictionary.md)."""
    db.executescript(
        """
        ALTER TABLE portals ADD COLUMN learned TEXT;
        ALTER TABLE portals ADD COLUMN learned_broken TEXT;
        ALTER TABLE portals ADD COLUMN pages INTEGER;
        ALTER TABLE portals ADD COLUMN rendered INTEGER;
        """
    )


@migrations()
def m005_operations(db: sqlite_utils.Database) -> None:
    """What running every night without a person needs recorded (docs/operations.md):

    * ``report_documents.page_of`` / ``page_number``: a 图片版 report's pictures are pages of
      its article page, in printed order — so that ``reparse`` reads them as the crawl did;
    * ``fetches.tls_verified``: whether the bytes came over a verified TLS connection (1), over
      TLS whose certificate failed and was accepted as a recorded fallback (0), or no TLS (NULL);
    * ``portal_runs``: every crawl run's outcome per portal, for ``nianbao status`` and the
      changes that need a person (a portal that stopped yielding reports, a learned path that
      broke, newly blocked or unreachable, a jump in failed parses).
    """
    db.executescript(
        """
        ALTER TABLE report_documents ADD COLUMN page_of TEXT;
        ALTER TABLE report_documents ADD COLUMN page_number INTEGER;
        ALTER TABLE fetches ADD COLUMN tls_verified INTEGER;
        CREATE TABLE portal_runs (
            crawl_run INTEGER NOT NULL REFERENCES crawl_runs(id),
            portal_code TEXT NOT NULL REFERENCES portals(code),
            status TEXT NOT NULL,
            reason TEXT,
            report_links INTEGER,             -- report links found on the portal this run
            documents INTEGER,                -- documents fetched or found stored already
            new_reports INTEGER,              -- reports first archived in this run
            revised_reports INTEGER,          -- reports that got a new document version
            parse_failed INTEGER,             -- documents nothing could be read from
            tls_fallback INTEGER,             -- fetches made unverified (broken certificate)
            pages INTEGER,
            rendered INTEGER,
            learned_broken TEXT,              -- JSON list, as portals.learned_broken
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (crawl_run, portal_code)
        ) WITHOUT ROWID;
        CREATE INDEX portal_runs_portal ON portal_runs(portal_code, crawl_run);
        """
    )


@migrations()
def m006_findings_tables(db: sqlite_utils.Database) -> None:
    """The findings (issue 12): the bundled county list, the metric dictionary, indicators per
    report and per county-year, flags (anomalies), documents revised after publication, and
    where each cell was printed (``cells.bbox``). All derived tables are rebuilt by
    ``findings.rebuild`` and kept current by ``add_report`` (docs/data-dictionary.md)."""
    db.executescript(
        """
        CREATE TABLE counties (
            code TEXT PRIMARY KEY,            -- 行政区划代码 of the national county list
            name TEXT NOT NULL,
            type TEXT,                        -- 县, 市辖区, 县级市, 自治县 …
            province TEXT,
            prefecture TEXT,
            lon REAL,                         -- centre point, GCJ-02 (crawler/data/README.md)
            lat REAL
        );
        CREATE INDEX counties_place ON counties(province, prefecture, code);
        CREATE TABLE metric_dictionary (
            key TEXT PRIMARY KEY,
            name_zh TEXT NOT NULL,
            name_en TEXT NOT NULL,
            kind TEXT NOT NULL,               -- rate | share | count | similarity
            formula TEXT NOT NULL,            -- over the spec's cell keys table.row.col
            numerator TEXT,
            denominator TEXT,
            caveat TEXT,
            since TEXT,                       -- template version it is defined from
            unit TEXT,
            position INTEGER
        );
        CREATE TABLE indicators (
            id INTEGER PRIMARY KEY,
            level TEXT NOT NULL,              -- report | county
            report_id INTEGER,                -- level report only
            portal_code TEXT,
            province TEXT,
            prefecture TEXT,
            county TEXT,
            agency TEXT,                      -- level report only
            year INTEGER,
            indicator TEXT NOT NULL,
            value REAL,                       -- numerator / denominator; NULL when it is 0
            numerator REAL,
            denominator REAL,
            blanks INTEGER,                   -- blank cells read as 0 in the sums
            reports INTEGER,                  -- reports summed (1 for a report)
            previous REAL,                    -- the same agency's / county's previous year
            change REAL                       -- value − previous
        );
        CREATE INDEX indicators_report ON indicators(report_id, indicator);
        CREATE INDEX indicators_agency ON indicators(portal_code, agency, indicator, year)
            WHERE level = 'report';
        CREATE INDEX indicators_rank ON indicators(level, indicator, year, province,
            prefecture, portal_code, value, denominator, numerator, reports);
        CREATE INDEX indicators_county ON indicators(portal_code, level, indicator, year);
        CREATE TABLE flags (
            flag_key TEXT PRIMARY KEY,        -- flag|level|portal|agency|year|indicator
            flag TEXT NOT NULL,               -- spike | sudden_zero | similar_text | revised |
                                              -- stopped
            level TEXT NOT NULL,              -- agency | county
            report_id INTEGER,
            previous_report_id INTEGER,
            portal_code TEXT,
            province TEXT,
            prefecture TEXT,
            county TEXT,
            agency TEXT,
            year INTEGER,
            indicator TEXT,
            value REAL,
            previous REAL,
            detail TEXT,
            first_flagged TEXT NOT NULL
        );
        CREATE INDEX flags_first ON flags(first_flagged);
        CREATE INDEX flags_place ON flags(portal_code, year);
        CREATE INDEX flags_kind ON flags(flag, year);
        CREATE TABLE report_revisions (
            report_id INTEGER NOT NULL,
            old_sha256 TEXT NOT NULL,
            new_sha256 TEXT NOT NULL,
            seen TEXT NOT NULL,
            cells_changed INTEGER,
            changes TEXT,                     -- JSON: [[table.row.col, old, new] …]
            text_similarity REAL,
            PRIMARY KEY (report_id, old_sha256, new_sha256)
        ) WITHOUT ROWID;
        ALTER TABLE cells ADD COLUMN bbox TEXT;  -- JSON [x0, top, x1, bottom] on `page`
        """
    )
    from .counties import load_counties

    load_counties(db)


@migrations()
def m006_findings_province_pages(db: sqlite_utils.Database) -> None:
    """A province's reports page without reading its report rows (issue 12's 300 ms target):
    the facets the page shows (agency type, template, extraction, year) from one covering
    index, and its newest-first page from (province, first_seen) instead of sorting every
    report of the province with its text (~32,000 at national scale)."""
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS reports_province_facets ON reports(province, agency_type,
            template_version, extraction, year, first_seen);
        CREATE INDEX IF NOT EXISTS reports_province_seen ON reports(province, first_seen);
        """
    )


@migrations()
def m007_checks_by_status(db: sqlite_utils.Database) -> None:
    """``checks?status=FAIL`` without sorting every failing check (issue 12's 300 ms target):
    the page lists them in key order (report, rule, scope), and the old index (status,
    severity, rule) made SQLite fetch and sort all ~55,000 failing checks of a national archive
    (~160 ms) to show 50. One index in key order within each status serves the page, its count
    and its facets (rule, severity) alike."""
    db.executescript(
        """
        DROP INDEX IF EXISTS checks_status;
        CREATE INDEX IF NOT EXISTS checks_status_report
            ON checks(status, report_id, rule, scope, severity);
        """
    )


@migrations()
def m008_cells_confidence(db: sqlite_utils.Database) -> None:
    """``cells.confidence``: for a cell read by OCR, the lowest recognition score of its text
    (0–1); NULL for cells read from a text layer or a document's own table."""
    db.execute("ALTER TABLE cells ADD COLUMN confidence REAL")
