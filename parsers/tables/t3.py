"""Section 三 (applications): logical rows aligned to the v2021 or v2019 template rows.

Row labels are matched by fingerprint and order (a DP), which tells 3.其他 from the column 其他
and （七）总计 from other 总计s; the template version follows from which rows were found.
"""

from __future__ import annotations

from .. import schema
from ..labels import (
    T3_GROUP_ORDER,
    _t3_group,
    is_t3_group_label,
    ordinal_value,
    split_ordinal,
    starts_with_ordinal,
    t3_fuzzy_key,
    t3_row_score,
)
from ..values import squash
from .cells import CellOut, TableResult
from .digits import describe, solve_t3
from .routing import Fragment
from .rows import LogicalRow, _logical_rows, _row_values

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


def _exact_key(label: str, keys: tuple[str, ...]) -> str | None:
    """The one template row a label's fingerprint names (None: none, or several)."""
    hits = [k for k in keys if t3_row_score(k, label)]
    return hits[0] if len(hits) == 1 else None


def _fuzzy_keys(rows: list[LogicalRow], keys: tuple[str, ...]) -> dict[int, str]:
    """Rows whose label fingerprints nothing but is a misprint of one template row.

    The row must stand where that row belongs: in the group printed beside it, or else the
    group of the last row recognised above it (a first sub-item may open the next group).
    """
    out: dict[int, str] = {}
    group: str | None = None
    for i, row in enumerate(rows):
        printed = [g for g in map(is_t3_group_label, row.labels[:-1] or [row.label]) if g]
        if printed:
            group = printed[-1]
        if not row.has_values or any(t3_row_score(k, row.label) for k in keys):
            exact = _exact_key(row.label, keys)
            if exact is not None:
                group = _t3_group(exact)
            continue
        allowed = {group}
        ordinal = ordinal_value(split_ordinal(row.label)[0])
        if ordinal in (None, 1) and group in T3_GROUP_ORDER:
            following = T3_GROUP_ORDER.index(group) + 1
            allowed |= set(T3_GROUP_ORDER[following : following + 1])
        key = t3_fuzzy_key(row.label, keys, allowed)
        if key is not None:
            out[i] = key
            group = _t3_group(key)
    return out


def _align(rows: list[LogicalRow], keys: tuple[str, ...]) -> dict[int, str]:
    """Ordered alignment of row labels to template keys maximising fingerprint scores.

    A misprinted label (``_fuzzy_keys``) scores below any fingerprint, so it only takes a row
    that no printed label names; such rows are marked ``match = "fuzzy"`` by the caller.
    """
    n, m = len(rows), len(keys)
    fuzzy = _fuzzy_keys(rows, keys)
    score = [
        [t3_row_score(k, r.label) or (0.5 if fuzzy.get(i) == k else 0) for k in keys]
        for i, r in enumerate(rows)
    ]
    best: list[list[float]] = [[0.0] * (m + 1) for _ in range(n + 1)]
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
            prev.labels = [*prev.labels, *row.labels]
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
                [*prev.labels, *row.labels],
            )
            continue
        if not row.label and row.has_values and out and not out[-1].has_values:
            # Values centred between the two lines of a wrapped label (borderless tables):
            # they belong to the label above.
            prev = out[-1]
            out[-1] = LogicalRow(
                prev.label,
                prev.raw_label,
                row.values,
                row.ordered,
                row.kind,
                prev.page,
                True,
                prev.labels,
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
    runs = _read_rows(result, rows, aligned, spec)
    if runs:
        _split_runs(result, runs, spec)
    found = {c.row for c in result.cells}
    result.missing_rows = [k for k in spec.row_keys if k not in found]
    return result


def _read_rows(
    result: TableResult, rows: list[LogicalRow], aligned: dict[int, str], spec: schema.TableSpec
) -> dict[str, LogicalRow]:
    """Cells of the aligned rows into ``result``; rows whose values are a digit run are
    returned (by key) for ``_split_runs``."""
    cols = spec.col_keys
    runs: dict[str, LogicalRow] = {}
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
        if not t3_row_score(key, row.label):
            row.match = "fuzzy"
            result.warnings.append(
                f"table 三: the label {row.raw_label!r} is read as row {key} "
                "(a misprint of its template label, at its place)"
            )
        if row.kind == "runs" and row.has_values:
            runs[key] = row
            continue
        values, reason = _row_values(row, cols)
        if values is None:
            result.partial_rows.append(f"{key} ({reason})")
            raw = " ".join(squash(c.text) for c in row.ordered if squash(c.text))
            result.cells.extend(_cell(spec, key, c, raw, row, unknown=True) for c in cols)
            continue
        result.cells.extend(
            _cell(
                spec,
                key,
                c,
                values[c].text,
                row,
                values[c].page,
                values[c].bbox,
                confidence=values[c].confidence,
            )
            for c in cols
        )
    return runs


def _cell(
    spec: schema.TableSpec,
    key: str,
    col: str,
    raw: str,
    row: LogicalRow,
    page: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    *,
    unknown: bool = False,
    inferred: str | None = None,
    confidence: float | None = None,
) -> CellOut:
    fuzzy = row.match == "fuzzy"
    return CellOut(
        spec.key,
        key,
        col,
        raw,
        page or row.page,
        bbox=bbox,
        unknown=unknown,
        label_match="fuzzy" if fuzzy else None,
        label=row.raw_label if fuzzy else None,
        inferred=inferred,
        confidence=confidence,
    )


def _split_runs(result: TableResult, runs: dict[str, LogicalRow], spec: schema.TableSpec) -> None:
    """Digit runs split by the table's arithmetic (``digits.solve_t3``): decided rows become
    cells marked ``inferred: digit-split``; the others stay unread, their candidates warned."""
    known: dict[str, list[float | None]] = {}
    by_row: dict[str, dict[str, CellOut]] = {}
    for c in result.cells:
        by_row.setdefault(c.row, {})[c.col] = c
    for key, cells in by_row.items():
        values = [cells[col].as_dict()["value"] if col in cells else None for col in spec.col_keys]
        known[key] = [None if v is None else float(v) for v in values]
    texts = {key: " ".join(squash(c.text) for c in row.ordered) for key, row in runs.items()}
    leaves = tuple(
        k
        for k in spec.row_keys
        if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
    )
    solved = solve_t3(texts, known, leaves)
    for key, row in runs.items():
        cut = solved.chosen.get(key)
        if cut is not None:
            result.cells.extend(
                _cell(spec, key, col, text, row, inferred="digit-split")
                for col, text in zip(spec.col_keys, cut, strict=True)
            )
            continue
        candidates = solved.undecided.get(key, [])
        result.partial_rows.append(f"{key} (digit run {texts[key]!r}: {solved.notes[key]})")
        result.warnings.append(
            f"table 三: row {key} printed without cell separators ({texts[key]!r}) and not "
            f"split: {solved.notes[key]}" + (f": {describe(candidates)}" if candidates else "")
        )
        result.cells.extend(
            _cell(spec, key, c, texts[key], row, unknown=True) for c in spec.col_keys
        )
    if solved.chosen:
        result.warnings.append(
            f"table 三: {len(solved.chosen)} rows printed without cell separators, split the one "
            "way rows and columns add up (cells marked inferred: digit-split): "
            + "; ".join(f"{k} {texts[k]}→{'|'.join(v)}" for k, v in solved.chosen.items())
        )
