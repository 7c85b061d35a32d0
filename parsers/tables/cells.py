"""What the table parsers hand back: the canonical cells (``CellOut``) and a ``TableResult``.

A ``CellOut`` keeps the printed text; ``values.parse_cell`` reads it only in ``as_dict``, so
every format's cells are read by the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..values import join_wrapped_digits, parse_cell, squash


@dataclass
class CellOut:
    table: str
    row: str
    col: str
    raw: str
    page: int | None
    kind: str = "count"
    bbox: tuple[float, float, float, float] | None = None
    unit: str | None = None
    unknown: bool = False  # a partial row: text present, column unknown
    # A misprinted row label matched to this row ("fuzzy"), with the label as printed.
    label_match: str | None = None
    label: str | None = None
    # How the value was decided when the print alone did not say: "digit-split" (a digit run
    # whose separators were lost, split the one way the table adds up).
    inferred: str | None = None
    confidence: float | None = None  # OCR'd: the recognition score of the printed cell

    def as_dict(self) -> dict:
        """The cell as the parse output prints it, with where it was printed when known
        (optional ``bbox``: x0, top, x1, bottom in PDF points on ``page``: text layers and
        OCR'd PDF pages; formats without pages have none)."""
        raw = join_wrapped_digits(self.raw)
        if self.unknown:
            value, semantic, unit, flags = None, "TEXT", None, ("PARTIAL_ROW",)
        else:
            parsed = parse_cell(raw, kind=self.kind)
            value, semantic, unit, flags = parsed.value, parsed.semantic, parsed.unit, parsed.flags
            if self.kind == "amount" and isinstance(value, float) and value == int(value):
                value = int(value)
            if self.table == "t2_art20_8" and self.col == "fee_amount" and value is not None:
                if unit == "元":  # the column is defined in 万元
                    value, flags = round(value / 10000, 6), (*flags, "unit_converted")
                unit = "万元"
            elif unit is None and semantic in ("ZERO", "NUMERIC"):
                unit = self.unit
        out = {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "value": value,
            "raw": self.raw,
            "semantic": semantic,
            "unit": unit,
            "page": self.page,
        }
        flags = (*flags, *self._marks())
        if flags:
            out["flags"] = list(flags)
        if self.label_match:
            out["label_match"] = self.label_match
            out["label"] = self.label
        if self.inferred:
            out["inferred"] = self.inferred
        if self.bbox:
            out["bbox"] = [round(float(v), 1) for v in self.bbox]
        if self.confidence is not None:
            out["confidence"] = round(float(self.confidence), 3)
        return out

    def _marks(self) -> tuple[str, ...]:
        """The same marks as flags, so that the archive's ``cells.flags`` column keeps them."""
        marks = ("fuzzy_label",) if self.label_match == "fuzzy" else ()
        return (*marks, *((f"inferred:{self.inferred}",) if self.inferred else ()))


@dataclass
class TableResult:
    layout: str  # v2021 | v2019 | absent | unparsed (| standard for t4)
    cells: list[CellOut] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial_rows: list[str] = field(default_factory=list)
    missing_rows: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # printed group-row values
    markers: set[str] = field(default_factory=set)


def _is_value_text(text: str) -> bool:
    s = squash(join_wrapped_digits(text))
    return (
        s == ""
        or parse_cell(s, kind="signed").semantic != "TEXT"
        or bool(re.fullmatch(r"[+-]?\d+(\.\d+)?(万元|元|件|个|项|条)?", s))
    )
