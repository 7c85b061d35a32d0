"""Step 1: every table row of a Document → the template table it belongs to (t2 / t3 / t4).

Reports split, merge and mis-head their tables; rows are routed one by one, by anchor words in
the rows and by the section headings between tables, so a fragment continued on the next page
keeps flowing into the same target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Cell, Document, Paragraph, Table
from ..labels import normalize

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
