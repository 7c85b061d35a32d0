"""All pages → the Document's blocks in reading order.

The multi-page steps live here: furniture out, one-column boxes kept as tables only where they
continue one, borderless regions, paragraphs, and pictures standing in for a table.
"""

from __future__ import annotations

from ..document import Document, Paragraph, Table
from .borderless import _borderless_regions, _line_table
from .furniture import _strip_furniture
from .lines import _HEADING, _Line
from .page import _extent, _PageOut, _table_bottom, _top
from .paragraphs import _continues, _margins, _Para, _paragraphs


def _adopt_solos(pages: list[_PageOut]) -> None:
    """Keep a one-column box as a table only where it continues a table over a page break: the
    last thing on its page above a table of the same width opening the next page (a caption row
    cut off), or the reverse. Anywhere else it is a framed paragraph and stays text."""
    by_number = {p.number: p for p in pages}

    def first_table(p: _PageOut | None) -> Table | None:
        if p is None or not p.tables:
            return None
        t = min(p.tables, key=_top)
        return t if not any(ln.top < _top(t) for ln in p.lines) else None

    def last_table(p: _PageOut | None) -> Table | None:
        if p is None or not p.tables:
            return None
        t = max(p.tables, key=_table_bottom)
        return t if not any(ln.bottom > _table_bottom(t) for ln in p.lines) else None

    def same_width(a: Table, b: Table) -> bool:
        (a0, a1), (b0, b1) = _extent(a), _extent(b)
        return abs(a0 - b0) <= 2 and abs(a1 - b1) <= 2

    for p in pages:
        for table, (x0, top, x1, bottom) in p.solos:
            inside = [
                ln
                for ln in p.lines
                if top - 1 <= ln.top and ln.bottom <= bottom + 1 and x0 - 1 <= ln.x0 <= x1 + 1
            ]
            rest = [ln for ln in p.lines if ln not in inside]
            nxt = first_table(by_number.get(p.number + 1))
            prv = last_table(by_number.get(p.number - 1))
            at_end = not any(ln.top > bottom for ln in rest)
            at_start = not any(ln.bottom < top for ln in rest)
            if (at_end and nxt and same_width(table, nxt)) or (
                at_start and prv and same_width(table, prv)
            ):
                p.lines = rest
                p.tables.append(table)
                p.tables.sort(key=_top)


def _assemble(doc: Document, pages: list[_PageOut]) -> None:
    """Pages → blocks: furniture out, tables and paragraphs in reading order, paragraphs
    broken by a page end rejoined."""
    _strip_furniture(pages)
    _adopt_solos(pages)
    margins = _margins(pages)
    by_number = {p.number: p for p in pages}
    regions = _borderless_regions(pages, margins)
    out: list[Table | _Para] = []
    for p in pages:
        if p.image_only:
            doc.image_pages.add(p.number)
        left, right, gap = margins.get(p.coords, (0.0, p.width, 0.0))
        # Borderless tables first, so that their lines leave the paragraph flow.
        items: list[tuple[float, Table | _Line]] = []
        used: set[int] = set()
        for i, j in regions.get(p.number, []):
            items.append((p.lines[i].top, _line_table(p.lines[i:j], p.number, p.coords)))
            used.update(range(i, j))
        items.extend((_top(t), t) for t in p.tables)
        items.extend((ln.top, ln) for k, ln in enumerate(p.lines) if k not in used)
        items.sort(key=lambda it: it[0])
        # Paragraphs are formed from runs of lines between tables, never across one.
        page_blocks: list[Table | _Para] = []
        pending: list[_Line] = []
        for _, obj in items:
            if isinstance(obj, Table):
                page_blocks.extend(_paragraphs(pending, p, left, right, gap))
                pending = []
                page_blocks.append(obj)
            else:
                pending.append(obj)
        page_blocks.extend(_paragraphs(pending, p, left, right, gap))
        _image_table(doc, p, by_number)
        for k, blk in enumerate(page_blocks):
            prev = out[-1] if out else None
            if (
                k == 0
                and isinstance(blk, _Para)
                and isinstance(prev, _Para)
                and prev.page == p.number - 1
                and _continues(prev, blk, margins, by_number)
            ):
                prev.lines.extend(blk.lines)  # a paragraph broken by the page end
            else:
                out.append(blk)
    for blk in out:
        if isinstance(blk, Table):
            doc.blocks.append(blk)
        elif text := blk.text:
            doc.blocks.append(Paragraph(text, blk.page))


def _image_table(doc: Document, p: _PageOut, pages: dict[int, _PageOut]) -> None:
    """A big picture (not overlapping a ruled table) right under a heading: an image table."""
    if not p.big_images:
        return
    for _, top, _, _ in p.big_images:
        above = [ln for ln in p.lines if ln.bottom <= top + 2]
        if not above:
            prev = pages.get(p.number - 1)
            above = prev.lines if prev else []
        if any(_HEADING.match(ln.text) for ln in above[-2:]):
            doc.image_pages.add(p.number)
            return
