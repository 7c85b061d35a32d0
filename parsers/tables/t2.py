"""Section 二 (proactive disclosure): the small sub-tables of 第二十条, v2021 or v2019.

The layout comes from marker words; each row is found by its label and its sub-table by the
caption or header row above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import schema
from ..document import Cell
from ..labels import fuzzy_pick, normalize, split_ordinal
from ..values import squash
from .cells import CellOut, TableResult, _is_value_text
from .columns import ColumnMap
from .digits import Group, describe, splits
from .routing import Fragment
from .rows import _split_label

_CAPTION = re.compile(r"第二十条第\(([一二三四五六七八九十]+)\)项")
_CAPTION_TABLE = {"一": "t2_art20_1", "五": "t2_art20_5", "六": "t2_art20_6", "八": "t2_art20_8"}
_CAPTION_TABLE["九"] = "t2_art20_9"
# Column header words (normalised, substring) → (layout, column key).
_T2_COLUMNS = (
    ("制发", "v2021", "issued"),
    ("废止", "v2021", "repealed"),
    ("现行有效", "v2021", "in_force"),
    ("本年处理决定", "v2021", "decisions"),
    ("收费金额", "v2021", "fee_amount"),
    ("新制作", "v2019", "newly_made"),
    ("新公开", "v2019", "newly_published"),
    ("对外公开总", "v2019", "total_published"),
    ("上一年项目", "v2019", "prev_year_items"),
    ("增/减", "v2019", "change"),
    ("增减", "v2019", "change"),
    ("采购项目", "v2019", "procurement_items"),
    ("采购总金额", "v2019", "procurement_amount"),
    ("处理决定", "v2019", "decisions"),
)
_T2_ROWS = (
    ("规章", "t2_art20_1", "regulations"),
    ("行政规范性文件", "t2_art20_1", "normative_documents"),
    ("规范性文件", "t2_art20_1", "normative_documents"),
    ("规范文件", "t2_art20_1", "normative_documents"),
    ("其他对外管理服务", "t2_art20_5", "other_external_services"),
    ("行政许可", "t2_art20_5", "administrative_license"),
    ("行政处罚", "t2_art20_6", "administrative_penalty"),
    ("行政强制", "t2_art20_6", "administrative_coercion"),
    ("行政事业性收费", "t2_art20_8", "administrative_fees"),
    ("政府集中采购", "t2_art20_9", "centralized_procurement"),
)
V2021_SEC2_MARKERS = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
)
V2019_SEC2_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "第二十条第(九)项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
    "其他对外管理服务事项",
)


def _t2_column(text: str) -> tuple[str, str] | None:
    norm = normalize(text)
    if norm in ("信息内容", "") or len(norm) > 24:
        return None
    for word, layout, key in _T2_COLUMNS:
        if word in norm:
            if key == "decisions" and "本年" in norm:
                return "v2021", "decisions"
            return layout, key
    return None


def _t2_row(label: str) -> tuple[str, str] | None:
    _, body = split_ordinal(label)
    for word, table, key in _T2_ROWS:
        if body.startswith(word) or (word in body and len(body) <= len(word) + 4):
            return table, key
    return None


def sec2_layout(text: str) -> tuple[str, set[str]]:
    """v2021 / v2019 / unknown from the marker words of spec §3.4 (normalised text)."""
    norm = normalize(text)
    hits21 = {m for m in V2021_SEC2_MARKERS if m in norm}
    hits19 = {m for m in V2019_SEC2_MARKERS if m in norm}
    if hits21 and not hits19:
        return "v2021", hits21
    if hits19 and not hits21:
        return "v2019", hits19
    return "unknown", hits21 | hits19


def parse_t2(fragments: list[Fragment]) -> TableResult:
    if not fragments:
        return TableResult("absent")
    all_text = "".join(c.text for f in fragments for r in f.rows for c in r)
    layout, markers = sec2_layout(all_text)
    if layout == "unknown":
        result = TableResult("unparsed", markers=markers)
        result.warnings.append(
            "section 二: layout unknown (markers of both or neither template: "
            f"{', '.join(sorted(markers)) or 'none'})"
        )
        return result
    specs = {t.key: t for t in schema.t2_specs(layout)}
    result = TableResult(layout, markers=markers)
    context = _T2Context(layout)
    for frag in fragments:
        for row in frag.rows:
            if not context.read(row):
                _t2_data_row(result, specs, context, frag, row)
    seen = {(c.table, c.row) for c in result.cells}
    result.missing_rows = [
        f"{t.key}/{r}" for t in specs.values() for r in t.row_keys if (t.key, r) not in seen
    ]
    return result


@dataclass
class _T2Context:
    """What the rows so far say about the rows to come: the current sub-table (from its caption
    or its last data row) and the column header cells of each sub-table."""

    layout: str
    current: str | None = None
    columns: dict[str, list[tuple[str, Cell]]] = field(default_factory=dict)  # table → header
    pending_header: list[tuple[str, Cell]] = field(default_factory=list)  # the latest header

    def read(self, row: list[Cell]) -> bool:
        """Take in a caption or column header row (True); False for any other row."""
        joined = normalize("".join(c.text for c in row))
        cap = _CAPTION.search(joined)
        if cap and cap.group(1) in _CAPTION_TABLE:
            self.current = _CAPTION_TABLE[cap.group(1)]
            self.pending_header = []
            return True
        header = [(col, c) for c in row if (col := _t2_column(c.text)) and col[0] == self.layout]
        if header:
            self.pending_header = [(key, c) for (_, key), c in header]
            if self.current:
                self.columns[self.current] = self.pending_header
            return True
        return False

    def header_of(self, table_key: str) -> list[tuple[str, Cell]]:
        return self.columns.get(table_key) or self.pending_header


def _t2_data_row(
    result: TableResult,
    specs: dict[str, schema.TableSpec],
    context: _T2Context,
    frag: Fragment,
    row: list[Cell],
) -> None:
    """One row of section 二: recognise its label, assign its values, add its cells."""
    kind = "tokens" if frag.table.positional else frag.table.kind
    labels, values = _split_label(row, None, kind)
    label = normalize("".join(c.text for c in labels))
    found = _t2_identify(result, specs, context, label, any(squash(c.text) for c in values))
    if found is None:
        return
    table_key, row_key, fuzzy = found
    context.current = table_key
    spec = specs[table_key]
    page = next((c.page for c in row if c.page is not None), frag.table.page)
    out = _T2Row(table_key, row_key, page, label if fuzzy else None)
    if kind == "runs" and len(spec.col_keys) > 1:
        _t2_run(result, spec, out, " ".join(squash(c.text) for c in values))
        return
    assigned = _t2_assign(spec, row, values, context.header_of(table_key), kind)
    if assigned is None:
        result.partial_rows.append(f"{table_key}/{row_key}")
        raw = " ".join(squash(c.text) for c in values if squash(c.text))
        result.cells.extend(out.cell(spec, col, raw, None, unknown=True) for col in spec.col_keys)
        return
    for col in spec.col_keys:
        cell = assigned.get(col, Cell("", 0, 0, page))
        result.cells.append(out.cell(spec, col, cell.text, cell))


def _t2_identify(
    result: TableResult,
    specs: dict[str, schema.TableSpec],
    context: _T2Context,
    label: str,
    has_values: bool,
) -> tuple[str, str, bool] | None:
    """(sub-table, row, read as a misprint?) of a row's label; None (warned) when it is none.

    A label that names no row exactly is tried as a misprint of a row of the sub-table being
    read, and only of that one: its place is what makes the guess safe.
    """
    hit = _t2_row(label)
    fuzzy = None
    if not hit and context.current in specs and has_values:
        fuzzy = _t2_fuzzy(label, specs[context.current])
        hit = (context.current, fuzzy) if fuzzy else None
    if not hit:
        if label and has_values and "信息内容" not in label:
            result.warnings.append(f"section 二: row not in the template: {label!r}")
        return None
    table_key, row_key = hit
    if table_key not in specs or row_key not in specs[table_key].row_keys:
        result.warnings.append(f"section 二: row {label!r} is not in the {context.layout} template")
        return None
    if fuzzy:
        result.warnings.append(
            f"section 二: the label {label!r} is read as {table_key}/{row_key} "
            "(a misprint of its template label, in its sub-table)"
        )
    return table_key, row_key, fuzzy is not None


@dataclass
class _T2Row:
    """Where one section-二 row's cells go, and how its label was read."""

    table: str
    row: str
    page: int | None
    fuzzy_label: str | None = None  # the printed label, when it is a misprint

    def cell(
        self,
        spec: schema.TableSpec,
        col: str,
        raw: str,
        printed: Cell | None,
        *,
        unknown: bool = False,
        inferred: str | None = None,
    ) -> CellOut:
        value_kind = _value_kind(col)
        return CellOut(
            self.table,
            self.row,
            col,
            raw,
            (printed.page if printed else None) or self.page,
            value_kind,
            printed.bbox if printed else None,
            spec.unit_of(col) if spec.unit_of(col) != "unknown" else None,
            unknown=unknown,
            confidence=printed.confidence if printed else None,
            label_match="fuzzy" if self.fuzzy_label else None,
            label=self.fuzzy_label,
            inferred=inferred,
        )


def _value_kind(col: str) -> str:
    return "signed" if col == "change" else "amount" if "amount" in col else "count"


def _t2_fuzzy(label: str, spec: schema.TableSpec) -> str | None:
    """The row of the current sub-table a misprinted label stands for (one, or none)."""
    _, body = split_ordinal(label)
    return fuzzy_pick(body, {key: normalize(text) for key, text in spec.rows})


def _t2_run(result: TableResult, spec: schema.TableSpec, out: _T2Row, run: str) -> None:
    """A row whose values lost their separators: split only when one cut is possible (section
    二 has no sums within the year; only the cells' own forms decide)."""
    shape = (Group(tuple(_value_kind(c) for c in spec.col_keys)),)
    try:
        cuts = splits(run, shape)
        note = f"{len(cuts)} possible splits" if cuts else "no split fits"
    except ValueError:
        cuts, note = [], "too many ways to split it"
    where = f"{out.table}/{out.row}"
    if len(cuts) == 1:
        for col, text in zip(spec.col_keys, cuts[0], strict=True):
            result.cells.append(out.cell(spec, col, text, None, inferred="digit-split"))
        result.warnings.append(
            f"section 二: row {where} printed without cell separators ({run!r}); "
            f"split as {'|'.join(cuts[0])}, the only possible cut"
        )
        return
    result.partial_rows.append(f"{where} (digit run {run!r}: {note})")
    result.warnings.append(
        f"section 二: row {where} printed without cell separators ({run!r}) and not split: "
        + note
        + (f": {describe(cuts)}" if cuts else "")
    )
    result.cells.extend(out.cell(spec, col, run, None, unknown=True) for col in spec.col_keys)


def _t2_assign(spec, row, values, header_cells, kind) -> dict[str, Cell] | None:
    cols = spec.col_keys
    if kind == "grid" and header_cells:
        spans = {k: (c.x0, c.x1) for k, c in header_cells if k in cols}
        if len(spans) == len(cols):
            cmap = ColumnMap("t2", spans)
            out: dict[str, Cell] = {}
            for c in row:
                key = cmap.key_at(c)
                if key and key not in out and _is_value_text(c.text):
                    out[key] = c
            return out
    cells = [c for c in values]
    if kind != "cells":
        while cells and not squash(cells[-1].text):
            cells.pop()
    if len(cells) >= len(cols) and kind in ("cells", "grid"):
        return dict(zip(cols, cells[: len(cols)], strict=True))
    if len(cells) == len(cols):
        return dict(zip(cols, cells, strict=True))
    if not any(squash(c.text) for c in cells):
        return {}
    return None
