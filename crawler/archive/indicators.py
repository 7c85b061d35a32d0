"""Computing the ``indicators`` table: one row per report × indicator, and per county-year.

A report's indicators are computed in Python from its wide rows (``applications``,
``review_litigation``, ``proactive_disclosure``), because the rules need the report's layout:
a ratio is NULL when its denominator is blank or 0 — never 0 — and a blank cell in the
numerator of a printed denominator counts as 0 and is counted in ``blanks`` (blank is not 0,
but a printed total says what its blank parts add up to). A county-year sums the numerators
and denominators of its reports that have both, then divides: the county's rate is not the
mean of its agencies' rates.

``previous`` and ``change`` link each row to the same agency's (report rows) or county's
(county rows) previous year, so year-on-year changes are one column away.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from .metrics import BY_KEY, COUNTS, METRICS, Cell, Metric, dictionary_rows
from .similarity import overlap, shingles

WIDE_TABLES = ("applications", "review_litigation", "proactive_disclosure")
_COLUMNS = (
    "level, report_id, portal_code, province, prefecture, county, agency, year, indicator, "
    "value, numerator, denominator, blanks, reports"
)


def apply_dictionary(db: sqlite_utils.Database) -> None:
    """Write ``metric_dictionary`` when it differs from :data:`METRICS` (checked on open)."""
    rows = dictionary_rows()
    stored = [dict(r) for r in db.query("SELECT * FROM metric_dictionary ORDER BY position")]
    if stored == rows:
        return
    with db.atomic():
        db.execute("DELETE FROM metric_dictionary")
        db["metric_dictionary"].insert_all(rows)


def _sum(cells: tuple[Cell, ...], wide: dict[str, dict | None]) -> tuple[float | None, int]:
    """(sum of the cells printed, blanks among the cells the layout has); None: none printed."""
    total, known, blanks = 0.0, 0, 0
    for c in cells:
        row = wide.get(c.wide)
        if row is None:
            continue
        v = row.get(c.column)
        if v is not None:
            total += v
            known += 1
        elif c.in_layout(row.get("layout")):
            blanks += 1
    return (total if known else None), blanks


def _in_layout(cells: tuple[Cell, ...], wide: dict[str, dict | None]) -> bool:
    return any(
        (row := wide.get(c.wide)) is not None and c.in_layout(row.get("layout")) for c in cells
    )


def evaluate(m: Metric, wide: dict[str, dict | None]) -> tuple | None:
    """(value, numerator, denominator, blanks) of one indicator, or None if nothing printed."""
    if m.kind == "count":
        num, blanks = _sum(m.numerator, wide)
        return None if num is None else (num, num, None, blanks)
    den, den_blanks = _sum(m.denominator, wide)
    num, num_blanks = _sum(m.numerator, wide)
    if num is None and not _in_layout(m.numerator, wide):
        return None  # the report's format has no such cells (a v2021 row in a v2019 table)
    if den is None:
        return None if num is None else (None, num, None, num_blanks + den_blanks)
    num = num or 0.0  # the denominator is printed: its blank parts add nothing
    value = num / den if den else None
    return value, num, den, num_blanks + den_blanks


def report_values(wide: dict[str, dict | None]) -> list[tuple[str, tuple]]:
    """Every table-derived indicator of one report: [(key, (value, num, den, blanks))]."""
    out = []
    for m in METRICS:
        if m.kind == "similarity":
            continue
        result = evaluate(m, wide)
        if result is not None:
            out.append((m.key, result))
    return out


def _wide_rows(db: sqlite_utils.Database, report_id: int) -> dict[str, dict | None]:
    return {
        t: next(iter(db.query(f"SELECT * FROM [{t}] WHERE report_id = ?", [report_id])), None)
        for t in WIDE_TABLES
    }


def _rows_for(report: dict, values: Iterable[tuple[str, tuple]]) -> list[tuple]:
    return [
        ("report", report["id"], report["portal_code"], report["province"],
         report["prefecture"], report["county"], report["agency"], report["year"], key,
         *result, 1)
        for key, result in values
    ]  # fmt: skip


def _insert(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    db.conn.executemany(f"INSERT INTO indicators ({_COLUMNS}) VALUES ({', '.join('?' * 14)})", rows)


def _previous_text(db: sqlite_utils.Database, report: dict) -> tuple[int, str] | None:
    if not report["agency"] or not report["year"]:
        return None
    row = db.execute(
        "SELECT id, text FROM reports WHERE portal_code IS ? AND agency = ? AND year = ?",
        [report["portal_code"], report["agency"], report["year"] - 1],
    ).fetchone()
    return (row[0], row[1]) if row else None


def similarity_row(db: sqlite_utils.Database, report: dict, text: str | None) -> tuple | None:
    """The report's text_similarity with the same agency's report of the year before."""
    prev = _previous_text(db, report)
    if prev is None:
        return None
    mine, theirs = shingles(text), shingles(prev[1])
    if not mine or not theirs:
        return None
    shared, union = overlap(mine, theirs)
    return (shared / union, shared, union, 0)


_REPORT = "SELECT id, portal_code, province, prefecture, county, agency, year, text FROM reports"


def write_report(db: sqlite_utils.Database, report_id: int) -> None:
    """Recompute one report's indicator rows (its wide rows must be written already)."""
    db.execute("DELETE FROM indicators WHERE report_id = ?", [report_id])
    report = next(iter(db.query(f"{_REPORT} WHERE id = ?", [report_id])), None)
    if report is None:
        return
    values = report_values(_wide_rows(db, report_id))
    sim = similarity_row(db, report, report["text"])
    if sim is not None:
        values.append(("text_similarity", sim))
    _insert(db, _rows_for(report, values))


_COUNTS_SQL = ", ".join(f"'{k}'" for k in COUNTS)
_COUNTY = f"""
    INSERT INTO indicators ({_COLUMNS})
    SELECT 'county', NULL, portal_code, max(province), max(prefecture), max(county), NULL, year,
           indicator,
           CASE WHEN indicator IN ({_COUNTS_SQL}) THEN sum(numerator)
                ELSE sum(numerator) / nullif(sum(denominator), 0) END,
           sum(numerator), sum(denominator), sum(blanks), count(*)
    FROM indicators INDEXED BY indicators_county
    WHERE level = 'report' AND indicator != 'text_similarity' AND numerator IS NOT NULL
      AND (denominator IS NOT NULL OR indicator IN ({_COUNTS_SQL})) {{where}}
    GROUP BY portal_code, year, indicator"""


def write_county(db: sqlite_utils.Database, portal_code: str | None, year: int | None) -> None:
    """Recompute one county-year's rows from its reports' rows."""
    if portal_code is None or year is None:
        return
    db.execute(
        "DELETE FROM indicators WHERE portal_code = ? AND level = 'county' AND year = ?",
        [portal_code, year],
    )
    db.execute(
        _COUNTY.format(where="AND portal_code = :p AND year = :y"), {"p": portal_code, "y": year}
    )


_PREVIOUS = {
    "report": """(SELECT p.value FROM indicators p INDEXED BY indicators_agency
                 WHERE p.level = 'report' AND p.portal_code = indicators.portal_code
                   AND p.agency = indicators.agency AND p.indicator = indicators.indicator
                   AND p.year = indicators.year - 1)""",
    "county": """(SELECT p.value FROM indicators p INDEXED BY indicators_county
                 WHERE p.portal_code = indicators.portal_code AND p.level = 'county'
                   AND p.indicator = indicators.indicator AND p.year = indicators.year - 1)""",
}


def link_previous(db: sqlite_utils.Database, where: str = "", params: Iterable = ()) -> None:
    """Fill ``previous`` and ``change`` for the rows ``where`` selects (all rows if empty)."""
    params = list(params)
    for level, sub in _PREVIOUS.items():
        cond = f"level = '{level}'" + (f" AND {where}" if where else "")
        db.execute(f"UPDATE indicators SET previous = {sub} WHERE {cond}", params)
        db.execute(f"UPDATE indicators SET change = value - previous WHERE {cond}", params)


def refresh(db: sqlite_utils.Database, report_id: int | None, keys: Iterable[tuple]) -> None:
    """After a report was saved: its rows, and those of each (portal, agency, year) touched —
    the county-years, and the previous-year links of that year and the next."""
    if report_id is not None:
        write_report(db, report_id)
    for portal, agency, year in set(keys):
        if year is None:
            continue
        nxt = db.execute(
            "SELECT id FROM reports WHERE portal_code IS ? AND agency IS ? AND year = ?",
            [portal, agency, year + 1],
        ).fetchone()
        if nxt is not None and nxt[0] != report_id:
            write_report(db, nxt[0])  # its text similarity is with this year's report
        write_county(db, portal, year)
        link_previous(
            db,
            "portal_code IS ? AND year IN (?, ?) AND (level = 'county' OR agency IS ?)",
            [portal, year, year + 1, agency],
        )


def rebuild(db: sqlite_utils.Database, progress=None) -> int:
    """Recompute every indicator of the archive (after a schema change, or for an archive
    loaded in bulk); returns the number of rows written."""
    db.execute("DELETE FROM indicators")
    prev_text: dict[tuple, tuple[int, set[int]]] = {}
    batch: list[tuple] = []
    sql = f"{_REPORT} ORDER BY portal_code, agency, year"
    wide_sql = {t: f"SELECT * FROM [{t}] WHERE report_id = ?" for t in WIDE_TABLES}
    for n, report in enumerate(db.query(sql), 1):
        wide = {t: next(iter(db.query(s, [report["id"]])), None) for t, s in wide_sql.items()}
        values = report_values(wide)
        mine = shingles(report["text"])
        key = (report["portal_code"], report["agency"])
        before = prev_text.pop(key, None)
        if before and report["year"] and before[0] == report["year"] - 1 and mine and before[1]:
            shared, union = overlap(mine, before[1])
            values.append(("text_similarity", (shared / union, shared, union, 0)))
        if report["agency"] and report["year"]:
            prev_text = {key: (report["year"], mine)}  # reports come agency by agency
        batch += _rows_for(report, values)
        if len(batch) >= 20_000:
            _insert(db, batch)
            batch = []
            if progress:
                progress(f"  indicators: {n:,} reports")
    _insert(db, batch)
    db.execute(_COUNTY.format(where=""))
    link_previous(db)
    return db.execute("SELECT count(*) FROM indicators").fetchone()[0]


def metric(key: str) -> Metric:
    return BY_KEY[key]
