"""Cross-year rules (spec §7.4): a report's opening figures against last year's closing ones.

They need two reports of one agency, which only the archive can pair up; the rules themselves
are a pure function of the two reports' cells, so the archive only looks the cells up and the
verdicts come from the same ``identity`` as every other rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import schema
from .core import Operand, identity

# (table key, row key, column key) → (value, semantic) of one report; an absent key is MISSING.
Cells = Mapping[tuple[str, str, str], tuple[float | int | None, str]]

_T3 = "t3_applications"
_T2_REGULATIONS = "t2_art20_1"


def cross_year_checks(
    year: int,
    prev: Cells,
    cur: Cells,
    prev_layout_sec2: str | None,
    cur_layout_sec2: str | None,
) -> list[dict]:
    """The cross-year checks of the ``year`` report (``cur``) against the ``year - 1`` one.

    * ``X_T3_CARRY`` per column of table 三: this year's 上年结转 equals last year's 结转下年度;
    * ``X_T2_STOCK`` per row of 第二十条第(一)项, when both reports use the v2021 section 二:
      last year's 现行有效 + this year's 制发 − 废止 equals this year's 现行有效.

    A check whose operands include a MISSING cell is left out. All are warnings.
    """
    out: list[dict] = []
    for c in schema.T3_V2021.col_keys:
        carried_over = _operand(cur, _T3, "carried_over", c)
        forward = _operand(prev, _T3, "carried_forward", c)
        if "MISSING" in (carried_over.semantic, forward.semantic):
            continue
        check = identity("X_T3_CARRY", c, [carried_over], [forward], severity="warning")
        out.append(check | {"note": f"{year} 上年结转 vs {year - 1} 结转下年度"})
    if prev_layout_sec2 == "v2021" and cur_layout_sec2 == "v2021":
        for row in ("regulations", "normative_documents"):
            in_force, issued, repealed = (
                _operand(cur, _T2_REGULATIONS, row, k) for k in ("in_force", "issued", "repealed")
            )
            before = _operand(prev, _T2_REGULATIONS, row, "in_force")
            if "MISSING" in {o.semantic for o in (in_force, issued, repealed, before)}:
                continue
            # Subtracted as a negative operand; a blank 废止 stays blank (lenient: 0).
            negative = Operand(repealed.ref, -(repealed.value or 0), repealed.semantic)
            check = identity(
                "X_T2_STOCK", row, [before, issued, negative], [in_force], severity="warning"
            )
            out.append(
                check | {"note": f"{year - 1} 现行有效 + {year} 制发 − 废止 vs {year} 现行有效"}
            )
    return out


def _operand(cells: Cells, table: str, row: str, col: str) -> Operand:
    value, semantic = cells.get((table, row, col), (None, "MISSING"))
    return Operand(f"{row}.{col}", value, semantic)
