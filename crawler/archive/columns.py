"""The archive's SQL vocabulary, derived once from the spec's keys (``parsers/schema.py``).

The wide tables have one column per cell (``{row}_{col}``); the views, canned queries, charts
and the places page sum the same groups of those columns. Every such column list and sum
expression is built here, so a renamed key changes one place.
"""

from __future__ import annotations

from parsers import schema

_TABLES = schema.all_tables()

# Section 三: v2021's rows with v2019's single 其他处理 row after the not-processed group.
T3_ROWS: tuple[str, ...] = (
    *schema.T3_V2021.row_keys[:20],
    "other_handling",
    *schema.T3_V2021.row_keys[20:],
)
T3_COLS: tuple[str, ...] = schema.T3_V2021.col_keys


def _t2_columns() -> list[tuple[str, str, str]]:
    """(table_key, row_key, col_key) of every section-二 cell of both templates, once."""
    seen: dict[str, tuple[str, str, str]] = {}
    for layout in ("v2021", "v2019"):
        for key, spec in _TABLES[layout].items():
            if not key.startswith("t2_"):
                continue
            for r in spec.row_keys:
                for c in spec.col_keys:
                    seen.setdefault(f"{r}_{c}", (spec.key, r, c))
    return list(seen.values())


T2_COLUMNS = _t2_columns()

# wide table → (the cells' table_key, or "t2_*" for all of section 二; its (row, col) pairs)
WIDE: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "applications": ("t3_applications", [(r, c) for r in T3_ROWS for c in T3_COLS]),
    "review_litigation": (
        "t4_review_litigation",
        [(r, c) for r in schema.T4.row_keys for c in schema.T4.col_keys],
    ),
    "proactive_disclosure": ("t2_*", [(r, c) for _, r, c in T2_COLUMNS]),
}


def totals(rows: tuple[str, ...] | list[str]) -> list[str]:
    """The 总计 column of each row."""
    return [f"{r}_total" for r in rows]


def sum_of(columns: list[str]) -> str:
    """sum(coalesce(a, 0) + coalesce(b, 0) …): a blank cell adds nothing."""
    return "sum(" + " + ".join(f"coalesce({c}, 0)" for c in columns) + ")"


def group_rows(group: str) -> tuple[str, ...]:
    """The rows of a section-三 group (denied, unable, not_processed, other_handling)."""
    rows = schema.T3_GROUPS[group][1]
    return (*rows, "other_handling") if group == "other_handling" else rows


DENIED = totals(group_rows("denied"))
LAWSUITS = ["litigation_direct_total", "litigation_after_review_total"]
LAWSUITS_CORRECTED = ["litigation_direct_corrected", "litigation_after_review_corrected"]
# Every outcome column of section 三 (what the charts' covering index must hold).
T3_OUTCOMES = totals(
    [
        r
        for r in T3_ROWS
        if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
)

# Late: published after the deadline (departments and offices 31 January, governments 31 March).
# A NULL date or year makes the comparison NULL (not late), so one term says it all; being one
# term lets SQLite match it to the partial index reports_late.
LATE = """substr({a}published, 1, 10) > CASE WHEN {a}agency_type IN ('department', 'office')
    THEN ({a}year + 1) || '-01-31' ELSE ({a}year + 1) || '-03-31' END"""
