"""Rules within the tables of sections 二, 三 and 四 (spec §7.1–7.3).

Each table's rules need only its own cells (and, for 三, the printed group subtotals); a table
that is absent or of an unknown layout gives NOT_ASSESSABLE rows, so every report lists the
same rules.
"""

from __future__ import annotations

from .. import schema
from ..values import parse_cell
from .core import KNOWN, CellIndex, Operand, _nonneg, _num, identity, not_assessable, simple


def t3_checks(ix: CellIndex, layout: str, groups: dict[str, list[str]]) -> list[dict]:
    t = "t3_applications"
    rules = ("T3_BALANCE", "T3_RESULT_SUM", "T3_ROW_TOTAL", "T3_NONNEG_INT")
    if layout not in ("v2021", "v2019") or not ix.has(t):
        why = "table 三 absent" if layout == "absent" else f"table 三 layout {layout}"
        return [not_assessable(r, why) for r in rules]
    spec = schema.t3_spec(layout)
    out: list[dict] = []
    cols = spec.col_keys
    leaves = [
        r
        for r in spec.row_keys
        if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    for c in cols:
        out.append(
            identity(
                "T3_BALANCE",
                c,
                [ix.get(t, "new_received", c), ix.get(t, "carried_over", c)],
                [ix.get(t, "total_processed", c), ix.get(t, "carried_forward", c)],
            )
        )
    for c in cols:
        out.append(
            identity(
                "T3_RESULT_SUM",
                c,
                [ix.get(t, r, c) for r in leaves],
                [ix.get(t, "total_processed", c)],
            )
        )
    for r in spec.row_keys:
        if ix.get(t, r, "total").semantic == "MISSING":
            continue
        out.append(
            identity(
                "T3_ROW_TOTAL",
                r,
                [ix.get(t, r, c) for c in schema.T3_APPLICANT_COLS],
                [ix.get(t, r, "total")],
            )
        )
    for c in cols:
        base = [ix.get(t, "new_received", c), ix.get(t, "carried_over", c)]
        for target in ("carried_forward", "total_processed"):
            out.append(
                identity(
                    "T3_CARRY_BOUND",
                    f"{target}.{c}",
                    [ix.get(t, target, c)],
                    base,
                    severity="warning",
                    compare="le",
                )
            )
    for group, printed in groups.items():
        members = schema.T3_GROUPS.get(group, ("", ()))[1]
        if layout == "v2019" and group == "other_handling":
            continue
        for c, raw in zip(cols, printed, strict=False):
            pv = parse_cell(raw)
            target = Operand(f"{group}.{c}", pv.value, pv.semantic)
            out.append(
                identity(
                    "T3_SUBTOTAL", f"{group}.{c}", [ix.get(t, m, c) for m in members], [target]
                )
            )
    cells = ix.table(t)
    out.append(_nonneg("T3_NONNEG_INT", cells, integers=True))
    if cells and all(c["semantic"] in ("EMPTY", "NA") for c in cells):
        out.append(
            {
                "rule": "T3_ALL_BLANK",
                "scope": "table",
                "status": "PASS",
                "mode": "lenient",
                "severity": "info",
                "note": "every value cell of table 三 is blank",
            }
        )
    return out


def t4_checks(ix: CellIndex, layout: str) -> list[dict]:
    t = "t4_review_litigation"
    if layout != "standard" or not ix.has(t):
        return [not_assessable(r, f"table 四 {layout}") for r in ("T4_BLOCK_SUM", "T4_NONNEG_INT")]
    out = [
        identity(
            "T4_BLOCK_SUM",
            r,
            [ix.get(t, r, c) for c in ("upheld", "corrected", "other", "pending")],
            [ix.get(t, r, "total")],
        )
        for r in schema.T4.row_keys
    ]
    out.append(_nonneg("T4_NONNEG_INT", ix.table(t), integers=True))
    return out


def t2_checks(ix: CellIndex, layout: str) -> list[dict]:
    cells = [c for c in ix._cells.values() if c["table"].startswith("t2_")]
    if layout not in ("v2021", "v2019") or not cells:
        return [not_assessable("T2_NONNEG", f"section 二 {layout}", "warning")]
    if layout == "v2021":
        out = [
            _nonneg("T2_NONNEG", cells, integers=False, sev="error"),
            _nonneg("T2_INT", cells, integers=True, skip_cols=("fee_amount",), sev="error"),
        ]
        fee = ix.get("t2_art20_8", "administrative_fees", "fee_amount")
        if fee.semantic in KNOWN:
            out.append(
                simple(
                    "T2_FEE_UNIT_SANITY",
                    "administrative_fees.fee_amount",
                    fee.value <= 100000,
                    severity="warning",
                    left=fee.value,
                    note="" if fee.value <= 100000 else "over 100000 万元: printed in 元?",
                )
            )
        return out
    out = [_nonneg("T2_NONNEG", cells, integers=False, skip_cols=("change",), sev="error")]
    for row in ("regulations", "normative_documents"):
        out.append(
            identity(
                "T2_V2019_PUBLISHED_LE_TOTAL",
                row,
                [ix.get("t2_art20_1", row, "newly_published")],
                [ix.get("t2_art20_1", row, "total_published")],
                severity="warning",
                compare="le",
            )
        )
    for table, rows in (
        ("t2_art20_5", ("administrative_license", "other_external_services")),
        ("t2_art20_6", ("administrative_penalty", "administrative_coercion")),
        ("t2_art20_8", ("administrative_fees",)),
    ):
        for row in rows:
            prev, change = ix.get(table, row, "prev_year_items"), ix.get(table, row, "change")
            if prev.semantic in KNOWN and change.semantic in KNOWN:
                ok = prev.value + change.value >= 0
                out.append(
                    simple(
                        "T2_V2019_ITEMS_NONNEG",
                        f"{table}.{row}",
                        ok,
                        severity="warning",
                        left=_num(prev.value + change.value),
                    )
                )
    return out
