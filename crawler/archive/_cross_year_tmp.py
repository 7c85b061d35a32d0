"""Temporary: spec §7.4 cross-year rules until parsers.checks.cross_year_checks lands."""

from __future__ import annotations

from parsers.checks import Operand, identity
from parsers.schema import T3_V2021


def cross_year_checks(year, prev, cur, prev_layout_sec2, cur_layout_sec2) -> list[dict]:
    def op(cells, table, row, col) -> Operand:
        value, semantic = cells.get((table, row, col), (None, "MISSING"))
        return Operand(f"{row}.{col}", value, semantic)

    out: list[dict] = []
    for c in T3_V2021.col_keys:
        carried_over = op(cur, "t3_applications", "carried_over", c)
        forward = op(prev, "t3_applications", "carried_forward", c)
        if "MISSING" in (carried_over.semantic, forward.semantic):
            continue
        check = identity("X_T3_CARRY", c, [carried_over], [forward], severity="warning")
        out.append(check | {"note": f"{year} 上年结转 vs {year - 1} 结转下年度"})
    if prev_layout_sec2 == "v2021" and cur_layout_sec2 == "v2021":
        for row in ("regulations", "normative_documents"):
            ops = [op(cur, "t2_art20_1", row, k) for k in ("in_force", "issued", "repealed")]
            before = op(prev, "t2_art20_1", row, "in_force")
            if "MISSING" in {o.semantic for o in [*ops, before]}:
                continue
            negative = Operand(ops[2].ref, -(ops[2].value or 0), ops[2].semantic)
            check = identity(
                "X_T2_STOCK", row, [before, ops[1], negative], [ops[0]], severity="warning"
            )
            out.append(
                check | {"note": f"{year - 1} 现行有效 + {year} 制发 − 废止 vs {year} 现行有效"}
            )
    return out
