"""A report's cells laid out like the printed tables of the national format.

Each function returns a grid — rows of :class:`GridCell` with their row and column spans — that
the report page template draws as an HTML table, so the merged label cells of the printed
format (三、本年度办理结果 over 22 rows, （三）不予公开 over 8 …) appear where a reader expects
them. Values are shown as printed: a blank cell stays blank, "/" stays "/", a cell that is not a
number is marked, and cells that a failed check involves are marked too.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import schema

from .vocab import RESULTS, cell_label

T3 = "t3_applications"
T4 = "t4_review_litigation"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
OUTER_T3_ROWS = ("new_received", "carried_over", "carried_forward")

CellKey = tuple[str, str, str]


@dataclass
class GridCell:
    text: str = ""
    kind: str = "value"  # caption | head | label | value
    colspan: int = 1
    rowspan: int = 1
    classes: str = ""
    title: str = ""
    href: str = ""  # the cell's key table.row.col: its evidence link


def printed_caption(caption: str) -> str:
    """第二十条第(一)项 (the normalised key) → 第二十条第（一）项 (as printed)."""
    return caption.replace("(", "（").replace(")", "）")


def value_cell(cells: dict[CellKey, dict], key: CellKey, failing: set[CellKey], colspan=1):
    """One value as printed, with classes saying what it means."""
    c = cells.get(key)
    label = cell_label(*key)
    if c is None:
        return GridCell("", colspan=colspan, classes="missing", title=f"{label}: not read")
    classes = [c["semantic"].lower()]
    if c.get("flags"):
        classes.append("flagged")
    if key in failing:
        classes.append("fail")
    title = f"{label} · {c['semantic']}"
    if c["value"] is not None and c["semantic"] != "ZERO":
        title += f" · {c['value']:g}" if isinstance(c["value"], float) else f" · {c['value']}"
    if c.get("unit"):
        title += f" {c['unit']}"
    if c.get("flags"):
        title += f" · flags: {c['flags']}"
    return GridCell(c["raw"], "value", colspan, 1, " ".join(classes), title, ".".join(key))


def failing_cells(checks: list[dict]) -> set[CellKey]:
    """The cells a failed check points at, to mark them in the grids."""
    t3_cols = schema.T3_V2021.col_keys
    out: set[CellKey] = set()
    for ch in checks:
        if ch["status"] != "FAIL":
            continue
        rule, scope = ch["rule"], ch["scope"] or ""
        if rule == "T3_BALANCE":
            rows = ("new_received", "carried_over", "total_processed", "carried_forward")
            out |= {(T3, r, scope) for r in rows}
        elif rule == "T3_RESULT_SUM":
            out.add((T3, "total_processed", scope))
        elif rule == "T3_ROW_TOTAL":
            out |= {(T3, scope, c) for c in t3_cols}
        elif rule == "T3_CARRY_BOUND" and "." in scope:
            row, col = scope.split(".", 1)
            out.add((T3, row, col))
        elif rule == "T4_BLOCK_SUM":
            out |= {(T4, scope, c) for c in schema.T4.col_keys}
        elif rule == "X_T3_CARRY":
            out.add((T3, "carried_over", scope))
    return out


def t2_grid(cells: dict[CellKey, dict], layout: str, failing: set[CellKey]) -> list[list[GridCell]]:
    """Section 二: the sub-tables of one template in one grid, 1 label + 6 value columns."""
    grid: list[list[GridCell]] = []
    for spec in schema.t2_specs(layout):
        span = 6 // len(spec.cols)
        grid.append([GridCell(printed_caption(spec.caption), "caption", colspan=7)])
        grid.append(
            [GridCell("信息内容", "head")]
            + [GridCell(label, "head", colspan=span) for _, label in spec.cols]
        )
        for row, label in spec.rows:
            grid.append(
                [GridCell(label, "label")]
                + [value_cell(cells, (spec.key, row, c), failing, span) for c in spec.col_keys]
            )
    return grid


def _group_of(row: str) -> str | None:
    for group, (_, members) in schema.T3_GROUPS.items():
        if row in members:
            return group
    return None


def t3_grid(cells: dict[CellKey, dict], layout: str, failing: set[CellKey]) -> list[list[GridCell]]:
    """表三: 3 label columns + 7 value columns, with the merged cells of the printed format."""
    spec = schema.t3_spec(layout)
    cols = spec.cols
    grid = [
        [
            GridCell(T3_NOTE, "head", colspan=3, rowspan=3),
            GridCell("申请人情况", "head", colspan=7),
        ],
        [
            GridCell(cols[0][1], "head", rowspan=2),
            GridCell("法人或其他组织", "head", colspan=5),
            GridCell(cols[6][1], "head", rowspan=2),
        ],
        [GridCell(label, "head") for _, label in cols[1:6]],
    ]
    results = [r for r in spec.row_keys if r not in OUTER_T3_ROWS]
    for row, label in spec.rows:
        values = [value_cell(cells, (T3, row, c), failing) for c in spec.col_keys]
        if row in OUTER_T3_ROWS:
            grid.append([GridCell(label, "label", colspan=3), *values])
            continue
        lead: list[GridCell] = []
        if row == results[0]:
            lead.append(GridCell(RESULTS, "label", rowspan=len(results), classes="vertical"))
        group = _group_of(row)
        if group is not None:
            members = [r for r in spec.row_keys if _group_of(r) == group]
            if row == members[0]:
                lead.append(GridCell(schema.T3_GROUPS[group][0], "label", rowspan=len(members)))
            lead.append(GridCell(label, "label"))
        else:
            lead.append(GridCell(label, "label", colspan=2))
        grid.append(lead + values)
    return grid


def t4_grid(cells: dict[CellKey, dict], failing: set[CellKey]) -> list[list[GridCell]]:
    """表四: two header blocks over one row of 15 values, as printed."""
    labels = [label for _, label in schema.T4.cols]
    return [
        [GridCell("行政复议", "head", colspan=5), GridCell("行政诉讼", "head", colspan=10)],
        [GridCell(label, "head", rowspan=2) for label in labels]
        + [
            GridCell("未经复议直接起诉", "head", colspan=5),
            GridCell("复议后起诉", "head", colspan=5),
        ],
        [GridCell(label, "head") for label in labels * 2],
        [
            value_cell(cells, (T4, row, col), failing)
            for row in schema.T4.row_keys
            for col in schema.T4.col_keys
        ],
    ]
