"""One PDF page → its ruled tables, text lines and big pictures (``_PageOut``).

Also decides whether the page is an image for OCR (a scan, or a text layer of unmapped glyphs),
and holds the table-geometry helpers the later, multi-page stages share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document import Table
from .glyphs import _Objects, _page_objects
from .lines import _group_lines, _Line
from .ruled import _outside, _ruled_tables

MIN_PAGE_CHARS = 30  # fewer real characters than this (and a picture) → a scanned page
CID_PAGE_RATIO = 0.3  # at least this share of unmapped glyphs → the text layer is garbage
CID_PAGE_GLYPHS = 20  # …or this many: more than stray symbols, maybe the digits' font → OCR it


@dataclass
class _PageOut:
    number: int
    width: float
    height: float
    coords: str
    tables: list[Table] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    big_images: list[tuple[float, float, float, float]] = field(default_factory=list)
    image_only: bool = False
    solos: list[tuple[Table, tuple[float, float, float, float]]] = field(default_factory=list)


def _read_page(
    page: Any,
    number: int,
    warnings: list[str],
    cid_pages: list[int],
    dropped: list[int],
    objs: _Objects | None = None,
) -> _PageOut:
    """``page``: its ``width``, ``height`` and ``bbox``; ``objs`` what it holds (read from the
    pdfplumber page through pdfminer when not given)."""
    width, height = float(page.width), float(page.height)
    out = _PageOut(number, width, height, f"pdf:{round(width)}x{round(height)}")
    objs = objs if objs is not None else _page_objects(page)
    chars = objs.chars
    if objs.bad >= CID_PAGE_GLYPHS or (
        objs.bad and objs.bad >= CID_PAGE_RATIO * (len(chars) + objs.bad)
    ):
        cid_pages.append(number)
        out.image_only = True
        return out
    if objs.bad:
        dropped.append(objs.bad)  # a few symbol glyphs (bullets, ticks) on a readable page
    if len(chars) < MIN_PAGE_CHARS and (objs.images or objs.curves >= 50):
        # A scan (or text drawn as outlines); whatever little text there is stays.
        out.image_only = True
    tables, bboxes, out.solos = _ruled_tables(page, objs, number, out.coords, warnings)
    out.tables = tables
    out.lines = _group_lines(_outside(chars, bboxes))
    if not out.image_only:
        for box in objs.images:
            x0, top, x1, bottom = box
            if x1 - x0 < 0.4 * width or bottom - top < 0.12 * height:
                continue  # logos, seals, QR codes
            if any(_overlap(box, b) for b in bboxes):
                continue
            out.big_images.append(box)
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _table_bottom(t: Table) -> float:
    return max((c.bbox[3] for row in t.rows for c in row if c.bbox), default=0.0)


def _extent(t: Table) -> tuple[float, float]:
    return min(c.x0 for r in t.rows for c in r), max(c.x1 for r in t.rows for c in r)


def _top(t: Table) -> float:
    return min((c.bbox[1] for r in t.rows for c in r if c.bbox), default=0.0)
