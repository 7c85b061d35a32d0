"""Consistency rules (勾稽关系) of spec §7, evaluated on the parsed cells.

Every arithmetic rule is evaluated twice (§7.7): *strict* treats blank, NA and text operands as
unknown; *lenient* reads blank and NA as 0 (text stays unknown). The verdict:

* ``PASS`` mode ``strict`` — every operand printed, identity holds;
* ``PASS`` mode ``lenient`` — holds once blanks are read as 0;
* ``FAIL`` — fails although every target-side cell (the printed total) is a number;
* ``UNCERTAIN`` — cannot be decided (a text operand, or the printed total itself is blank: then
  ``derived`` holds the total the other cells imply);
* ``NOT_ASSESSABLE`` — the table is absent.

Cross-year rules (§7.4) compare two reports of one agency: ``cross_year_checks`` evaluates
them on the two reports' cells, for the archive (the one place that holds both) to call.

Modules: ``core`` (operands, ``identity`` and the check dicts), ``tables`` (§7.1–7.3),
``text`` (§7.5), ``structure`` (§7.6) and ``cross_year`` (§7.4).
"""

from __future__ import annotations

from .core import KNOWN, CellIndex, Operand, identity, not_assessable, simple
from .cross_year import cross_year_checks
from .structure import structure_checks
from .tables import t2_checks, t3_checks, t4_checks
from .text import text_checks

__all__ = [
    "KNOWN",
    "CellIndex",
    "Operand",
    "cross_year_checks",
    "identity",
    "not_assessable",
    "simple",
    "structure_checks",
    "t2_checks",
    "t3_checks",
    "t4_checks",
    "text_checks",
]
