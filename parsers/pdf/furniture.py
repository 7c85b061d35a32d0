"""Page furniture: page numbers and running headers/footers, dropped before layout.

A line counts as furniture only near the page edge and standing apart from the body; repeated
text needs to recur at the same place on about half the pages, so a report's own first or last
line is never taken for a header.
"""

from __future__ import annotations

import re

from .lines import _Line
from .page import _PageOut, _table_bottom, _top

_PAGE_NUMBER = re.compile(
    r"^\s*(?:"
    r"[-—–－‒\s]*\d{1,4}[-—–－‒\s]*"  # 3 · - 3 - · —3—
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 · 第3页 共10页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r"|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r")\s*$"
)


def _furniture_candidates(p: _PageOut) -> dict[int, bool]:
    """Lines that may be page furniture: among the first/last two lines, in the outer 12 % of
    the page. The value says whether the line stands apart from the body (a gap of at least a
    line height to its neighbour towards the body): body text never does."""
    tops = sorted([ln.top for ln in p.lines] + [_top(t) for t in p.tables])
    bottoms = sorted([ln.bottom for ln in p.lines] + [_table_bottom(t) for t in p.tables])
    n = len(p.lines)
    out: dict[int, bool] = {}
    for k in {0, 1, n - 2, n - 1}:
        if not 0 <= k < n:
            continue
        ln = p.lines[k]
        if ln.bottom < 0.12 * p.height:
            below = [t for t in tops if t > ln.bottom + 0.5]
            out[k] = not below or below[0] - ln.bottom >= ln.size
        elif ln.top > 0.88 * p.height:
            above = [b for b in bottoms if b < ln.top - 0.5]
            out[k] = not above or ln.top - above[-1] >= ln.size
    return out


def _strip_furniture(pages: list[_PageOut]) -> None:
    """Drop page numbers, and running header/footer lines repeated at the same place."""
    text_pages = [p for p in pages if p.lines]
    cands = [_furniture_candidates(p) for p in text_pages]
    counts: dict[tuple[str, int], int] = {}

    def key(ln: _Line) -> tuple[str, int]:
        return (re.sub(r"\d+", "#", ln.text.replace(" ", "")), round(ln.top / 4))

    for p, cand in zip(text_pages, cands, strict=True):
        for k, apart in cand.items():
            if apart:
                kk = key(p.lines[k])
                counts[kk] = counts.get(kk, 0) + 1
    need = max(2, (len(text_pages) + 1) // 2)
    for p, cand in zip(text_pages, cands, strict=True):
        drop = set()
        for k, apart in cand.items():
            ln = p.lines[k]
            if _PAGE_NUMBER.match(ln.text):
                drop.add(k)
            elif apart:
                text, pos = key(ln)
                if sum(counts.get((text, pos + d), 0) for d in (-1, 0, 1)) >= need:
                    drop.add(k)
        if drop:
            p.lines = [ln for k, ln in enumerate(p.lines) if k not in drop]
