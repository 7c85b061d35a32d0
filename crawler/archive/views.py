"""The findings a journalist asks for first, as SQL views (docs/data-dictionary.md, "Views").

Each view is declared once, here, and applied after the migrations every time an archive is
opened: ``create_view(replace=True)`` does nothing when the stored SQL is the same, and replaces
the view when this file changed (views hold no data, so no migration is needed for them).

The views name their index (INDEXED BY): without statistics SQLite would otherwise answer
"facet by year" through reports_year and read every report row, whose rows carry whole texts
(measured at national scale with benchmarks/archive.py, docs/publishing.md "Speed").
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from .columns import DENIED, LATE, LAWSUITS, LAWSUITS_CORRECTED, sum_of

_DEADLINE = """CASE WHEN r.agency_type IN ('department', 'office')
                    THEN (r.year + 1) || '-01-31' ELSE (r.year + 1) || '-03-31' END"""


def _per_group(expr: str, table: str) -> str:
    return f"(SELECT {expr} FROM {table} x WHERE x.year = g.year AND x.portal_code = g.portal_code)"


VIEWS: dict[str, str] = {
    # Reports with failing error-level checks, and what failed.
    "failing_reports": """
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.year,
               r.title, r.checks_failed,
               (SELECT group_concat(c.rule || ' ' || c.scope || ': ' ||
                       coalesce(c."left", '?') || ' ≠ ' || coalesce(c."right", '?'), '; ')
                FROM checks c WHERE c.report_id = r.id AND c.status = 'FAIL'
                AND c.severity = 'error') AS failures,
               r.document_url, r.page_url
        FROM reports r INDEXED BY reports_failing WHERE r.checks_failed > 0""",
    # Reports published after their statutory deadline; the condition is the partial index's.
    "late_reports": f"""
        SELECT r.id AS report_id, r.province, r.prefecture, r.county, r.agency, r.agency_type,
               r.year, r.title, r.published,
               {_DEADLINE} AS deadline,
               CAST(julianday(substr(r.published, 1, 10)) - julianday({_DEADLINE})
                    AS INTEGER) AS days_late,
               r.page_url, r.portal_code
        FROM reports r INDEXED BY reports_late
        WHERE {LATE.format(a="r.")}""",
    # An agency's year without a report after a year with one. Reads only reports_agency_year
    # (`+` keeps SQLite from range-scanning reports_year and reading every report row).
    "missing_years": """
        SELECT prev.portal_code, prev.province, prev.county, prev.agency,
               prev.year + 1 AS missing_year, prev.year AS last_published_year
        FROM reports prev INDEXED BY reports_agency_year
        WHERE +prev.year IS NOT NULL AND prev.agency IS NOT NULL
          AND +prev.year < (SELECT max(year) FROM reports)
          AND NOT EXISTS (SELECT 1 FROM reports nxt
                          WHERE nxt.year = prev.year + 1 AND nxt.portal_code IS prev.portal_code
                            AND nxt.agency = prev.agency)""",
    # One row per county and year: one group at a time read from reports_agency_year in order,
    # each figure a lookup in the wide tables' covering indexes for that group only, so a page
    # of rows needs a page of groups, not the whole archive summed first. Names come from the
    # registry (reports carry copies of them).
    "county_applications": f"""
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
                   {_per_group(sum_of(DENIED), "applications")} AS denied,
                   {_per_group("sum(review_total)", "review_litigation")} AS reviews,
                   {_per_group("sum(review_corrected)", "review_litigation")}
                       AS reviews_corrected,
                   {_per_group(sum_of(LAWSUITS), "review_litigation")} AS lawsuits,
                   {_per_group(sum_of(LAWSUITS_CORRECTED), "review_litigation")}
                       AS lawsuits_corrected
            FROM (SELECT year, portal_code, count(*) AS reports FROM reports
                  WHERE portal_code IS NOT NULL GROUP BY year, portal_code) g
        ) v
        LEFT JOIN portals p ON p.code = v.portal_code""",
    # Every county-level unit the archive knows of: the registered portals, then the counties
    # of the bundled national list that no portal stands for (rankings' and the map's places).
    "known_counties": """
        SELECT p.code, p.name, p.province, p.prefecture, c.lon, c.lat, 1 AS registered
        FROM portals p LEFT JOIN counties c ON c.code = p.code
        UNION ALL
        SELECT c.code, c.name, c.province, c.prefecture, c.lon, c.lat, 0 AS registered
        FROM counties c WHERE c.code NOT IN (SELECT code FROM portals)""",
}


def apply(db: sqlite_utils.Database) -> None:
    """Create or replace the views whose SQL differs from the archive's (one transaction)."""
    try:
        with db.atomic():
            for name, sql in VIEWS.items():
                db.create_view(name, sql.strip(), replace=True)
    except sqlite3.OperationalError:
        # Another process opening the same new archive created them first: check again.
        with db.atomic():
            for name, sql in VIEWS.items():
                db.create_view(name, sql.strip(), replace=True)
