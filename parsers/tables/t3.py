"""Section 三 (applications): logical rows aligned to the v2021 or v2019 template rows.

Row labels are matched by fingerprint and order (a DP), which tells 3.其他 from the column 其他
and （七）总计 from other 总计s; the template version follows from which rows were found.
"""

from __future__ import annotations

from .. import schema
from ..labels import is_t3_group_label, starts_with_ordinal, t3_row_score
from ..values import squash
from .cells import CellOut, TableResult
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
