"""Template tables out of a Document's table fragments.

Three steps, the same for every format:

1. ``route``: walk the blocks in order and send every table row to the template table it belongs
   to (二 → t2, 三 → t3, 四 → t4), by anchors in the rows and by the section headings between
   tables. Fragments split over pages simply keep flowing into the same target.
2. ``columns``: value columns come from the header cells' x-extents (自然人 … 总计), inherited by
   later fragments in the same coordinate system; without a header, a grid's rightmost columns.
3. rows: label fragments split by a page break are rejoined, then the row labels are aligned to
   the template's row order (a DP over fingerprints), which tells 3.其他 from the column 其他 and
   （七）总计 from the 总计 of other tables.

Values are read as printed (``values.parse_cell``); nothing is repaired here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import schema
from ..document import Cell, Document, Paragraph, Table
from ..labels import (
    is_t3_group_label,
    normalize,
    split_ordinal,
    starts_with_ordinal,
    t3_row_score,
)
from ..values import join_wrapped_digits, parse_cell, squash

# --- routing -------------------------------------------------------------------------------

_T2_ANCHORS = ("第二十条第", "本年制发件数", "本年新制作数量", "上一年项目数量", "政府集中采购")
_T3_ANCHORS = (
    "勾稽关系",
    "申请人情况",
    "本年新收",
    "本年度新收",
    "法人或其他组织",
    "法人或者其他组织",
)
_T4_ANCHORS = ("未经复议直接起诉", "复议后起诉", "尚未审结")
_HEADING_TARGET = (
    (re.compile(r"^(二|2)[、.]"), "t2", ("主动公开",)),
    (re.compile(r"^(三|3)[、.]"), "t3", ("申请",)),
    (re.compile(r"^(四|4)[、.]"), "t4", ("复议", "诉讼")),
    (re.compile(r"^(五|六|七|5|6|7)[、.]"), None, ("问题", "其他", "报告")),
)


@dataclass
class Fragment:
    """The rows of one physical table that belong to one template table."""

    table: Table
    rows: list[list[Cell]]


def heading_target(text: str) -> str | bool | None:
    """The template table a section heading introduces; False if it is not such a heading."""
    norm = normalize(text)
    if len(norm) > 40:
        return False
    for pattern, target, words in _HEADING_TARGET:
        if pattern.match(norm) and any(w in norm for w in words):
            return target
    return False


def _row_anchor(row: list[Cell]) -> str | None:
    text = normalize("".join(c.text for c in row))
    if any(a in text for a in _T4_ANCHORS) or ("行政复议" in text and "行政诉讼" in text):
        return "t4"
    if any(a in text for a in _T3_ANCHORS):
        return "t3"
    if any(a in text for a in _T2_ANCHORS):
        return "t2"
    return None


def route(doc: Document) -> dict[str, list[Fragment]]:
    """Send each table row to t2 / t3 / t4."""
    out: dict[str, list[Fragment]] = {"t2": [], "t3": [], "t4": []}
    target: str | None = None
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            t = heading_target(block.text)
            if t is not False:
                target = t
            continue
        current: Fragment | None = None
        for row in block.rows:
            anchor = _row_anchor(row)
            if anchor and anchor != target:
                target, current = anchor, None
            if target is None:
                continue
            if current is None:
                current = Fragment(block, [])
                out[target].append(current)
            current.rows.append(row)
    return out


# --- columns -------------------------------------------------------------------------------


@dataclass
class ColumnMap:
    """Value columns: key → (x0, x1) in the fragment's coordinate system."""

    coords: str
    spans: dict[str, tuple[float, float]]

    @property
    def left(self) -> float:
        return min(x0 for x0, _ in self.spans.values())

    def key_at(self, cell: Cell) -> str | None:
        """The column whose extent holds most of the cell (a cell spanning several is None)."""
        best, best_overlap = None, 0.0
        width = max(cell.x1 - cell.x0, 1e-6)
        hits = 0
        for key, (x0, x1) in self.spans.items():
            overlap = min(cell.x1, x1) - max(cell.x0, x0)
            if overlap > 0.5 * min(width, x1 - x0):
                hits += 1
            if overlap > best_overlap:
                best, best_overlap = key, overlap
        if hits > 1 or best_overlap <= 0.3 * min(
            width, max(x1 - x0 for x0, x1 in self.spans.values())
        ):
            return None
        return best


class _Clustered(ColumnMap):
    """Columns found by clustering value positions (positional tables): a value belongs to
    the column whose span holds its centre (its printed width is only an estimate)."""

    def key_at(self, cell: Cell) -> str | None:
        return next((k for k, (x0, x1) in self.spans.items() if x0 <= cell.xc < x1), None)


def _grid_columns(
    rows: list[list[Cell]], n: int, tolerance: float
) -> list[tuple[float, float]] | None:
    """The rightmost ``n`` column extents of a grid, from its cell boundaries."""
    edges = sorted({round(x, 1) for row in rows for c in row for x in (c.x0, c.x1)})
    merged: list[float] = []
    for x in edges:
        if not merged or x - merged[-1] > tolerance:
            merged.append(x)
    if len(merged) < n + 1:
        return None
    tail = merged[-(n + 1) :]
    return list(itertools.pairwise(tail))


def _value_columns(rows: list[list[Cell]], n: int) -> list[tuple[float, float]] | None:
    """The rightmost ``n`` value columns of a positional table, found by clustering the
    x-centres of printed values (blank cells are absent there, so edges say nothing)."""
    xs = sorted(c.xc for row in rows for c in row if squash(c.text) and _is_value_text(c.text))
    pitches = []
    for row in rows:
        cs = sorted(c.xc for c in row if squash(c.text) and _is_value_text(c.text))
        pitches += [b - a for a, b in itertools.pairwise(cs) if b - a > 0]
    if len(xs) < n or not pitches:
        return None
    pitch = sorted(pitches)[len(pitches) // 2]
    clusters: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - clusters[-1][-1] > 0.4 * pitch:
            clusters.append([x])
        else:
            clusters[-1].append(x)
    centres = [sorted(c)[len(c) // 2] for c in clusters]
    if len(centres) < n:
        return None
    centres = centres[-n:]
    bounds = [centres[0] - pitch / 2]
    bounds += [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    bounds.append(centres[-1] + pitch / 2)
    return list(itertools.pairwise(bounds))


# --- cells ---------------------------------------------------------------------------------


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

    def as_dict(self) -> dict:
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
        if flags:
            out["flags"] = list(flags)
        return out


@dataclass
class TableResult:
    layout: str  # v2021 | v2019 | absent | unparsed (| standard for t4)
    cells: list[CellOut] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial_rows: list[str] = field(default_factory=list)
    missing_rows: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # printed group-row values
    legal_subtotal: dict[str, str] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)


def _is_value_text(text: str) -> bool:
    s = squash(join_wrapped_digits(text))
    return (
        s == ""
        or parse_cell(s, kind="signed").semantic != "TEXT"
        or bool(re.fullmatch(r"[+-]?\d+(\.\d+)?(万元|元|件|个|项|条)?", s))
    )


@dataclass
class LogicalRow:
    label: str  # normalised label used for matching (leaf, with continuation fragments)
    raw_label: str
    values: dict[str, Cell]  # column key → cell (grid) ...
    ordered: list[Cell]  # ... or the value cells in printed order (cells/tokens)
    kind: str
    page: int | None
    has_values: bool


def _split_label(
    row: list[Cell], cmap: ColumnMap | None, kind: str
) -> tuple[list[Cell], list[Cell]]:
    """Label cells and value cells of one row."""
    if cmap is not None and kind == "grid":
        left = cmap.left
        # Positional cells' widths are estimates (a long label may seem to reach into the
        # values): there, where a cell starts decides.
        pos = (lambda c: c.x0) if isinstance(cmap, _Clustered) else (lambda c: c.xc)
        labels = [c for c in row if pos(c) < left]
        values = [c for c in row if pos(c) >= left]
        return labels, values
    # Without geometry: the label is everything up to the last cell that is not a value.
    last_label = -1
    for i, c in enumerate(row):
        if not _is_value_text(c.text):
            last_label = i
    return row[: last_label + 1], row[last_label + 1 :]


def _tolerance(coords: str) -> float:
    """How far apart two cell edges may be and still be one column boundary."""
    return 0.5 if coords.startswith(("html", "docx", "cells", "tokens")) else 3.0


def _is_header_row(row: list[Cell], header_words: set[str]) -> bool:
    texts = [normalize(c.text) for c in row if normalize(c.text)]
    return bool(texts) and all(t in header_words or "勾稽关系" in t for t in texts)


def _logical_rows(
    fragments: list[Fragment],
    headers: dict[str, str],
    n_values: int,
    is_data: Callable[[str], bool],
    extra_header_words: tuple[str, ...] = (),
) -> list[LogicalRow]:
    """Rows with label + value cells, columns mapped by x where the geometry allows.

    ``headers`` maps normalised header text → column key (e.g. 自然人 → natural_person). A
    fragment inherits the column map of an earlier fragment in the same coordinate system (a
    table continued on the next page); a grid without any header uses its rightmost columns.
    """
    header_words = set(headers) | set(extra_header_words)
    keys = headers_order(headers, n_values)
    maps: dict[str, ColumnMap] = {}
    out: list[LogicalRow] = []
    data_started = False
    for frag in fragments:
        kind = frag.table.kind
        found: dict[str, tuple[float, float]] = {}
        for row in frag.rows:
            if _is_header_row(row, header_words):
                for c in row:
                    key = headers.get(normalize(c.text))
                    if key and key not in found:
                        found[key] = (c.x0, c.x1)
                if kind == "grid" and len(found) >= n_values - 1 and not frag.table.positional:
                    maps[frag.table.coords] = ColumnMap(frag.table.coords, dict(found))
                continue
            cmap = maps.get(frag.table.coords) if kind == "grid" else None
            if kind == "grid" and frag.table.positional and not isinstance(cmap, _Clustered):
                same = [r for f in fragments if f.table.coords == frag.table.coords for r in f.rows]
                spans = _value_columns(same, n_values)
                cmap = (
                    _Clustered(frag.table.coords, dict(zip(keys, spans, strict=True)))
                    if spans
                    else None
                )
                maps[frag.table.coords] = cmap
            if kind == "grid" and cmap is None:
                spans = _grid_columns(frag.rows, n_values, _tolerance(frag.table.coords))
                if spans is not None:
                    cmap = ColumnMap(frag.table.coords, dict(zip(keys, spans, strict=True)))
                    maps[frag.table.coords] = cmap
            labels, values = _split_label(row, cmap, kind)
            label_texts = [c.text for c in labels if c.text.strip()]
            leaf = normalize(label_texts[-1]) if label_texts else ""
            has_values = any(squash(c.text) for c in values)
            if not label_texts and not has_values:
                continue
            if not data_started:
                if not is_data(leaf):
                    continue  # header continuation, e.g. vertical header text spilling over
                data_started = True
            mapped: dict[str, Cell] = {}
            if cmap is not None:
                for c in values:
                    key = cmap.key_at(c)
                    if key and key not in mapped:
                        mapped[key] = c
            page = next((c.page for c in row if c.page is not None), frag.table.page)
            out.append(
                LogicalRow(
                    label=leaf,
                    raw_label=" ".join(t.strip() for t in label_texts),
                    values=mapped,
                    ordered=values,
                    kind="grid" if cmap is not None else ("cells" if kind == "grid" else kind),
                    page=page,
                    has_values=has_values,
                )
            )
    return out


def headers_order(headers: dict[str, str], n: int) -> list[str]:
    seen: list[str] = []
    for key in headers.values():
        if key not in seen:
            seen.append(key)
    return seen[:n]


def _row_values(row: LogicalRow, keys: tuple[str, ...]) -> tuple[dict[str, Cell] | None, str]:
    """Value cells of a row by column key; (None, reason) when they cannot be assigned."""
    n = len(keys)
    if row.kind == "grid":
        return {k: row.values.get(k, Cell("", 0, 0, row.page)) for k in keys}, ""
    cells = list(row.ordered)
    if row.kind == "cells":
        if len(cells) >= n:
            return dict(zip(keys, cells[-n:], strict=True)), ""
        if not any(squash(c.text) for c in cells):
            return {k: Cell("", 0, 0, row.page) for k in keys}, ""
        return None, f"{len(cells)} cells for {n} columns"
    # tokens: padding is unreliable; trust exactly n values, or a wholly blank row
    while cells and not squash(cells[-1].text):
        cells.pop()
    while cells and not squash(cells[0].text):
        cells.pop(0)
    if len(cells) == n:
        return dict(zip(keys, cells, strict=True)), ""
    if not cells:
        return {k: Cell("", 0, 0, row.page) for k in keys}, ""
    filled = [c for c in cells if squash(c.text)]
    return None, f"{len(filled)} values for {n} columns"


# --- section 三 ------------------------------------------------------------------------------

_T3_HEADERS = {
    "自然人": "natural_person",
    "商业企业": "commercial_enterprise",
    "科研机构": "research_institution",
    "社会公益组织": "public_welfare_org",
    "法律服务机构": "legal_service_org",
    "其他": "other_org",
    "其它": "other_org",
    "总计": "total",
    "合计": "total",
}
_LEGAL_SUBTOTAL_HEADERS = ("小计", "法人或其他组织小计", "法人或其他组织合计")


def _align(rows: list[LogicalRow], keys: tuple[str, ...]) -> dict[int, str]:
    """Ordered alignment of row labels to template keys maximising fingerprint scores."""
    n, m = len(rows), len(keys)
    score = [[t3_row_score(k, r.label) for k in keys] for r in rows]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + score[i][j] if score[i][j] else -1
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    out: dict[int, str] = {}
    i = j = 0
    while i < n and j < m:
        if score[i][j] and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            out[i] = keys[j]
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _merge_fragments(rows: list[LogicalRow], keys: tuple[str, ...]) -> list[LogicalRow]:
    """Rejoin labels that a page break (or a narrow cell) split over two rows."""

    def matches(label: str) -> bool:
        return any(t3_row_score(k, label) for k in keys) or bool(is_t3_group_label(label))

    out: list[LogicalRow] = []
    for row in rows:
        fragment = row.label and not starts_with_ordinal(row.label) and not matches(row.label)
        if out and fragment and not row.has_values:
            prev = out[-1]
            prev.label += row.label
            prev.raw_label = f"{prev.raw_label} {row.raw_label}".strip()
            continue
        # A wrapped label's later line carrying the values ("2.申请人逾期未按收费通知" /
        # "要求缴纳费用… 0 0 0"): it continues the numbered line above, even when it also
        # contains a fingerprint word.
        continues = (
            row.label
            and row.has_values
            and out
            and not out[-1].has_values
            and starts_with_ordinal(out[-1].label)
            and not starts_with_ordinal(row.label)
        )
        if out and (fragment or continues) and row.has_values and not out[-1].has_values:
            prev = out[-1]
            out[-1] = LogicalRow(
                prev.label + row.label,
                f"{prev.raw_label} {row.raw_label}".strip(),
                row.values,
                row.ordered,
                row.kind,
                prev.page,
                True,
            )
            continue
        if not row.label and row.has_values and out and not out[-1].has_values:
            # Values centred between the two lines of a wrapped label (borderless tables):
            # they belong to the label above.
            prev = out[-1]
            out[-1] = LogicalRow(
                prev.label, prev.raw_label, row.values, row.ordered, row.kind, prev.page, True
            )
            continue
        if not row.label and not row.has_values:
            continue
        out.append(row)
    return out


def parse_t3(fragments: list[Fragment]) -> TableResult:
    if not fragments:
        return TableResult("absent")
    keys21, keys19 = schema.T3_V2021.row_keys, schema.T3_V2019.row_keys
    all_keys = (*keys21, "other_handling")

    def is_data(label: str) -> bool:
        return any(t3_row_score(k, label) for k in all_keys) or bool(is_t3_group_label(label))

    rows = _logical_rows(
        fragments, _T3_HEADERS, 7, is_data, ("申请人情况", "法人或其他组织", "法人或者其他组织")
    )
    rows = _merge_fragments(rows, all_keys)
    a21, a19 = _align(rows, keys21), _align(rows, keys19)
    v21 = {"other_no_correction", "other_fee_unpaid"} & set(a21.values())
    # （六）其他处理 as a row carrying its own values, with no sub-items → v2019.
    v19 = "other_handling" in a19.values() and not v21
    if v21:
        layout, aligned, spec = "v2021", a21, schema.T3_V2021
    elif v19:
        layout, aligned, spec = "v2019", a19, schema.T3_V2019
    elif len(a21) >= 10:
        layout, aligned, spec = "v2021", a21, schema.T3_V2021
    else:
        return TableResult("unparsed", warnings=["table 三 found but its rows were not recognised"])

    result = TableResult(layout)
    cols = spec.col_keys
    for i, row in enumerate(rows):
        key = aligned.get(i)
        if key is None:
            group = is_t3_group_label(row.label)
            if row.has_values and group and group != "results":
                values, _ = _row_values(row, cols)
                if values:
                    result.groups[group] = [values[c].text for c in cols]
            elif row.has_values:
                result.warnings.append(f"table 三: row not in the template: {row.raw_label!r}")
            continue
        values, reason = _row_values(row, cols)
        if values is None:
            result.partial_rows.append(f"{key} ({reason})")
            raw = " ".join(squash(c.text) for c in row.ordered if squash(c.text))
            result.cells.extend(
                CellOut(spec.key, key, c, raw, row.page, unknown=True) for c in cols
            )
            continue
        result.cells.extend(
            CellOut(
                spec.key, key, c, values[c].text, values[c].page or row.page, bbox=values[c].bbox
            )
            for c in cols
        )
    found = {c.row for c in result.cells}
    result.missing_rows = [k for k in spec.row_keys if k not in found]
    return result


# --- section 四 ------------------------------------------------------------------------------

_T4_HEADER_WORDS = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "合计"}


def parse_t4(fragments: list[Fragment]) -> TableResult:
    if not fragments:
        return TableResult("absent")
    keys = [(r, c) for r in schema.T4.row_keys for c in schema.T4.col_keys]
    header_cells: list[Cell] = []
    data: list[Cell] | None = None
    kind = fragments[0].table.kind
    page = fragments[0].table.page
    head_rows: list[list[Cell]] = []
    for frag in fragments:
        for row in frag.rows:
            texts = [normalize(c.text) for c in row]
            if data is None and not any(_is_value_text(c.text) and squash(c.text) for c in row):
                head_rows.append(row)
            if any(t in _T4_HEADER_WORDS for t in texts):
                header_cells.extend(
                    c for c, t in zip(row, texts, strict=True) if t in _T4_HEADER_WORDS
                )
                continue
            value_cells = [c for c in row if _is_value_text(c.text)]
            if (
                data is None
                and sum(1 for c in value_cells if squash(c.text)) >= 1
                and len(value_cells) >= 0.7 * len(row)
            ):
                data = row
                kind = "tokens" if frag.table.positional else frag.table.kind
                page = next((c.page for c in row if c.page is not None), frag.table.page)
    if data is None:
        return TableResult("unparsed", warnings=["table 四 found but no row of values"])

    result = TableResult("standard")
    assigned: dict[tuple[str, str], Cell] | None = None
    # Header leaves: under 行政复议 they span two header rows, under 行政诉讼 one; either way
    # the 15 leaves sorted by x are the 15 value columns.
    leaves = sorted({(round(c.x0, 1), round(c.x1, 1)) for c in header_cells})
    positional = any(f.table.positional for f in fragments)
    if positional:
        leaves = _stacked_leaves(head_rows)
    if positional and len(leaves) == 15:
        # Blank cells are absent: put each printed value under the nearest header leaf.
        centres = [(a + b) / 2 for a, b in leaves]
        assigned = {}
        for c in data:
            if not squash(c.text):
                continue
            i = min(range(15), key=lambda k: abs(centres[k] - c.xc))
            if keys[i] in assigned:
                assigned = None  # two values under one heading: do not guess
                break
            assigned[keys[i]] = c
    elif kind == "grid" and len(leaves) == 15:
        cmap = ColumnMap(
            "t4", {f"{r}.{c}": span for (r, c), span in zip(keys, leaves, strict=True)}
        )
        assigned = {}
        for c in data:
            key = cmap.key_at(c)
            if key:
                r, col = key.split(".")
                assigned.setdefault((r, col), c)
    else:
        cells = list(data)
        if kind == "grid" and len(cells) > 15:
            cells = cells[-15:]
        if kind == "tokens":
            while len(cells) > 15 and not squash(cells[-1].text):
                cells.pop()
            while len(cells) > 15 and not squash(cells[0].text):
                cells.pop(0)
        if len(cells) == 15:
            assigned = dict(zip(keys, cells, strict=True))
        elif kind == "cells" and len(cells) > 15:
            assigned = dict(zip(keys, cells[-15:], strict=True))
    if assigned is None:
        filled = [squash(c.text) for c in data if squash(c.text)]
        result.partial_rows.append(f"t4 ({len(filled)} values for 15 cells)")
        raw = " ".join(filled)
        result.cells = [
            CellOut("t4_review_litigation", r, c, raw, page, unknown=True) for r, c in keys
        ]
        return result
    for r, c in keys:
        cell = assigned.get((r, c), Cell("", 0, 0, page))
        result.cells.append(
            CellOut("t4_review_litigation", r, c, cell.text, cell.page or page, bbox=cell.bbox)
        )
    return result


_T4_GROUP_WORDS = {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"}


def _stacked_leaves(head_rows: list[list[Cell]]) -> list[tuple[float, float]]:
    """Header leaves of a positional table 四, whose words wrap over lines ("结果" / "维持"):
    fragments standing at the same x are read top to bottom as one label."""
    groups: list[list[Cell]] = []
    for row in head_rows:
        for c in row:
            if normalize(c.text) in _T4_GROUP_WORDS or not normalize(c.text):
                continue
            home = next(
                (
                    g
                    for g in groups
                    if abs(g[0].xc - c.xc) < 0.6 * min(g[0].x1 - g[0].x0, c.x1 - c.x0)
                ),
                None,
            )
            (home.append(c) if home else groups.append([c]))
    leaves = [
        (min(c.x0 for c in g), max(c.x1 for c in g))
        for g in groups
        if normalize("".join(c.text for c in g)) in _T4_HEADER_WORDS
    ]
    return sorted(leaves)


# --- section 二 ------------------------------------------------------------------------------

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
    current: str | None = None
    columns: dict[str, list[tuple[str, Cell]]] = {}  # table key → header cells in order
    pending_header: list[tuple[str, Cell]] = []
    for frag in fragments:
        for row in frag.rows:
            joined = normalize("".join(c.text for c in row))
            cap = _CAPTION.search(joined)
            if cap and cap.group(1) in _CAPTION_TABLE:
                current = _CAPTION_TABLE[cap.group(1)]
                pending_header = []
                continue
            header = [(col, c) for c in row if (col := _t2_column(c.text)) and col[0] == layout]
            if header:
                pending_header = [(key, c) for (_, key), c in header]
                if current:
                    columns[current] = pending_header
                continue
            labels, values = _split_label(
                row, None, "tokens" if frag.table.positional else frag.table.kind
            )
            label = normalize("".join(c.text for c in labels))
            hit = _t2_row(label)
            if not hit:
                if label and any(squash(c.text) for c in values) and "信息内容" not in label:
                    result.warnings.append(f"section 二: row not in the template: {label!r}")
                continue
            table_key, row_key = hit
            if table_key not in specs or row_key not in specs[table_key].row_keys:
                result.warnings.append(f"section 二: row {label!r} is not in the {layout} template")
                continue
            current = table_key
            spec = specs[table_key]
            header_cells = columns.get(table_key) or pending_header
            page = next((c.page for c in row if c.page is not None), frag.table.page)
            kind = "tokens" if frag.table.positional else frag.table.kind
            assigned = _t2_assign(spec, row, values, header_cells, kind)
            if assigned is None:
                result.partial_rows.append(f"{table_key}/{row_key}")
                raw = " ".join(squash(c.text) for c in values if squash(c.text))
                result.cells.extend(
                    CellOut(table_key, row_key, col, raw, page, unknown=True)
                    for col in spec.col_keys
                )
                continue
            for col in spec.col_keys:
                cell = assigned.get(col, Cell("", 0, 0, page))
                kind = "signed" if col == "change" else "amount" if "amount" in col else "count"
                result.cells.append(
                    CellOut(
                        table_key,
                        row_key,
                        col,
                        cell.text,
                        cell.page or page,
                        kind,
                        cell.bbox,
                        spec.unit_of(col) if spec.unit_of(col) != "unknown" else None,
                    )
                )
    seen = {(c.table, c.row) for c in result.cells}
    result.missing_rows = [
        f"{t.key}/{r}" for t in specs.values() for r in t.row_keys if (t.key, r) not in seen
    ]
    return result


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
