"""PDF with a text layer → :class:`Document`, from pdfplumber geometry.

What comes out, page by page in reading order (top to bottom):

* ruled tables (``find_tables`` on the ruling lines): one :class:`Table` per table per page, a
  row per distinct cell top, a merged cell once with its full extent in PDF points, blank cells
  as ``""``. All fragments on pages of the same size share ``coords`` (``pdf:WxH``), so a table
  continued on the next page keeps comparable x positions; the ``report`` stage rejoins them.
* borderless tables: runs of text lines that carry several numbers aligned in columns become a
  ``grid`` table built from the word geometry (one row per line, one cell per x-gap segment).
* everything else: :class:`Paragraph` blocks (a new one at a first-line indent, a short previous
  line or a larger gap), with page numbers and running headers/footers removed.

Pages without text (scans) or whose text is unmapped ``(cid:NNN)`` glyphs are listed in
``Document.image_pages`` for the OCR stage; so are pages where a large picture sits under a
section heading, away from any ruled table (a table delivered as an image).

Nothing here raises on bad input: broken, truncated or password-protected files give
``extraction="none"`` and a warning.

How: glyphs, rulings and pictures are read straight from pdfminer's layout objects (cheaper
than pdfplumber's per-glyph dicts), the ruled tables come from pdfplumber's ``TableFinder`` fed
with those rulings (plus the outer sides of open-sided tables), and everything else is plain
geometry. Diagonal glyphs (watermarks) are dropped; fake-bold double prints are merged.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import statistics
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..document import Cell, Document, Paragraph, Table

# Ruled-table finding. Word/WPS draw each cell's border as its own thin filled rectangle (two
# edges ~0.5 pt apart), pieces offset by a fraction of a point with small gaps between them;
# LibreOffice strokes whole lines. Snapping within 3 pt and joining/intersecting within 4 pt
# rebuilds the rulings from such pieces (tested with ±0.8 pt jitter and 1.5 pt gaps) without
# fusing real columns: the narrowest value columns seen are > 14 pt wide.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 4,
    "intersection_tolerance": 4,
    "edge_min_length": 3,
}
MIN_PAGE_CHARS = 30  # fewer real characters than this (and a picture) → a scanned page
CID_PAGE_RATIO = 0.3  # at least this share of unmapped glyphs → the text layer is garbage
CID_PAGE_GLYPHS = 20  # …or this many: more than stray symbols, maybe the digits' font → OCR it
MAX_RULING_EDGES = 8000  # vector art: skip table finding rather than spend seconds on it

_PAGE_NUMBER = re.compile(
    r"^\s*(?:"
    r"[-—–－‒\s]*\d{1,4}[-—–－‒\s]*"  # 3 · - 3 - · —3—
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 · 第3页 共10页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r"|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r")\s*$"
)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])"
)
_NUMERIC = re.compile(r"^[+\-−]?\d[\d,，]*(?:[.．]\d+)?%?$")
_NA = {"/", "／", "-", "－", "—", "——", "–", "无", "\\"}


class _Ch(NamedTuple):
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Line:
    chars: list[_Ch]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str = ""
    # (x0, x1, text) pieces separated by gaps wider than a character: columns, if any
    segments: list[tuple[float, float, str]] = field(default_factory=list)


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


# --- characters ------------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    """CJK ideographs, kana, CJK punctuation and full-width forms: joined without spaces."""
    o = ord(ch[0]) if ch else 0
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or o >= 0x20000
        or ch in "“”‘’…—"
    )


def _is_bad(text: str) -> bool:
    """A glyph without a Unicode mapping: ``(cid:NNN)``, U+FFFD or a private-use code point."""
    if text.startswith("(cid:"):
        return True
    o = ord(text[0]) if len(text) == 1 else 0
    return o == 0xFFFD or 0xE000 <= o <= 0xF8FF


def _fix_char(text: str) -> str:
    """Kangxi radicals / compatibility ideographs (WPS fonts map 一 to ⼀) → unified ideographs.

    Only those blocks are normalised: NFKC on everything would turn full-width （） into ().
    """
    if len(text) == 1:
        o = ord(text)
        if 0x2E80 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF:
            return unicodedata.normalize("NFKC", text)
    return text


@dataclass
class _Objects:
    """What one page holds, in top-left page coordinates (pdfplumber's convention)."""

    chars: list[_Ch] = field(default_factory=list)
    bad: int = 0  # glyphs without a Unicode mapping
    edges: list[dict[str, Any]] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    curves: int = 0
    rotated: int = 0  # glyphs set at a slant


def _page_objects(page: Any) -> _Objects:
    """Read pdfminer's layout objects directly.

    pdfplumber's ``page.chars`` turns every glyph into a dict of ~20 resolved attributes, which
    doubles the cost of a page; we need six numbers per glyph and the ruling edges.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    height = float(page.mediabox[3] - page.mediabox[1])
    out = _Objects()
    chars = out.chars
    edges = out.edges

    def edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> None:
        if x1 - x0 < 1 and bottom - top < 1:
            return  # the short sides of a hairline rectangle (Word draws borders that way)
        edges.append(
            {
                "object_type": "edge",
                "orientation": orientation,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "width": x1 - x0,
                "height": bottom - top,
            }
        )

    def walk(objs: Any) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                a, b = obj.matrix[0], obj.matrix[1]
                if abs(b) > 0.1 * abs(a) and abs(a) > 0.1 * abs(b):
                    out.rotated += 1  # diagonal text: a watermark (「内部资料」), not content
                    continue
                text = obj.get_text()
                if not text or text.isspace():
                    continue  # spaces only matter between latin words; geometry says that too
                if _is_bad(text):
                    out.bad += 1
                    continue
                top = height - obj.y1 + mb_top
                bottom = height - obj.y0 + mb_top
                chars.append(
                    _Ch(
                        obj.x0 + mb_x0,
                        obj.x1 + mb_x0,
                        top,
                        bottom,
                        _fix_char(text),
                        (bottom - top) or obj.size,
                    )
                )
            elif isinstance(obj, LTContainer):
                walk(obj)  # form XObjects (LTFigure) nest glyphs and pictures
            elif isinstance(obj, LTImage):
                out.images.append(
                    (
                        obj.x0 + mb_x0,
                        height - obj.y1 + mb_top,
                        obj.x1 + mb_x0,
                        height - obj.y0 + mb_top,
                    )
                )
            elif isinstance(obj, LTRect):
                x0, x1 = obj.x0 + mb_x0, obj.x1 + mb_x0
                top, bottom = height - obj.y1 + mb_top, height - obj.y0 + mb_top
                edge(x0, top, x1, top, "h")
                edge(x0, bottom, x1, bottom, "h")
                edge(x0, top, x0, bottom, "v")
                edge(x1, top, x1, bottom, "v")
            elif isinstance(obj, LTCurve):
                if not isinstance(obj, LTLine):
                    out.curves += 1
                pts = obj.pts
                if len(pts) > 200:
                    continue  # glyph outlines and chart curves hold no ruling
                for (ax, ay), (bx, by) in itertools.pairwise(pts):
                    x0, x1 = sorted((ax + mb_x0, bx + mb_x0))
                    top, bottom = sorted((height - ay + mb_top, height - by + mb_top))
                    if abs(ay - by) < 0.01:
                        edge(x0, top, x1, top, "h")
                    elif abs(ax - bx) < 0.01:
                        edge(x0, top, x0, bottom, "v")

    walk(page.layout)
    return out


class _EdgePage:
    """The little of a pdfplumber page that ``TableFinder`` needs for the "lines" strategy."""

    def __init__(self, edges: list[dict[str, Any]], bbox: tuple[float, ...]) -> None:
        self.edges = edges
        self.bbox = bbox


# --- lines -----------------------------------------------------------------------------------


def _group_lines(chars: list[_Ch]) -> list[_Line]:
    """Chars → lines (top to bottom), each sorted left to right, duplicates of fake bold removed."""
    if not chars:
        return []
    rows: list[list[_Ch]] = []
    ref_cy = ref_h = 0.0
    for ch in sorted(chars, key=lambda c: c.cy):
        h = ch.size
        if rows and abs(ch.cy - ref_cy) <= 0.45 * max(min(h, ref_h), 1.0):
            rows[-1].append(ch)
        else:
            rows.append([ch])
            ref_cy, ref_h = ch.cy, h
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        kept: list[_Ch] = []
        for ch in row:
            # WPS/Word fake-bold CJK: the same glyph printed 2–4 times a fraction of a point apart
            if kept:
                last = kept[-1]
                if ch.text == last.text and abs(ch.x0 - last.x0) < 0.3 * max(last.x1 - last.x0, 1):
                    continue
            kept.append(ch)
        lines.append(_make_line(kept))
    # Lines overlapping in y after clustering (a superscript, a slightly raised digit) stay
    # separate; order them top to bottom, left to right.
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def _make_line(chars: list[_Ch]) -> _Line:
    sizes = sorted(c.size for c in chars)
    size = sizes[len(sizes) // 2]
    # A gap wider than most of a character separates columns (borderless tables, tab stops);
    # justified CJK prose never spreads its glyphs that far.
    groups: list[list[_Ch]] = [[chars[0]]]
    for prev, ch in itertools.pairwise(chars):
        if ch.x0 - prev.x1 > 0.8 * size:
            groups.append([ch])
        else:
            groups[-1].append(ch)
    segments: list[tuple[float, float, str]] = []
    for g in groups:
        parts = [g[0].text]
        for prev, ch in itertools.pairwise(g):
            if ch.x0 - prev.x1 > 0.2 * size and not _is_cjk(prev.text) and not _is_cjk(ch.text):
                parts.append(" ")  # a space between latin words
            parts.append(ch.text)
        segments.append((g[0].x0, max(c.x1 for c in g), "".join(parts)))
    return _Line(
        chars=chars,
        x0=chars[0].x0,
        x1=max(c.x1 for c in chars),
        top=min(c.top for c in chars),
        bottom=max(c.bottom for c in chars),
        size=size,
        text=_join_segments(segments),
        segments=segments,
    )


def _join_segments(segments: list[tuple[float, float, str]]) -> str:
    """A line's text: a wide gap is a space, except between CJK (「信　息　内　容」, 「目　录」)."""
    out = segments[0][2]
    for _, _, text in segments[1:]:
        out += ("" if _is_cjk(out[-1]) and _is_cjk(text[0]) else " ") + text
    return out


def _joiner(a: str, b: str) -> str:
    """What goes between two wrapped lines: nothing for CJK and split numbers, a space for latin."""
    if not a or not b:
        return ""
    x, y = a[-1], b[0]
    if x.isascii() and y.isascii() and x.isalnum() and y.isalnum():
        return "" if x.isdigit() and y.isdigit() else " "
    if x in ",.;:" and y.isascii() and y.isalpha():
        return " "
    return ""


def _join(texts: list[str]) -> str:
    out = ""
    for t in texts:
        t = t.strip()
        if t:
            out = out + _joiner(out, t) + t if out else t
    return out


# --- ruled tables ----------------------------------------------------------------------------


_Box = tuple[float, float, float, float]


def _ruled_tables(
    page: Any, objs: _Objects, number: int, coords: str, warnings: list[str]
) -> tuple[list[Table], list[_Box], list[tuple[Table, _Box]]]:
    """Tables from ruling lines, the bboxes whose characters they consumed, and one-column
    boxes (a framed paragraph, or the caption row of a table cut by the page end: decided once
    the neighbouring pages are known, their characters stay in the text flow meanwhile)."""
    if len(objs.edges) < 4:
        return [], [], []
    if len(objs.edges) > MAX_RULING_EDGES:
        warnings.append(f"page {number}: {len(objs.edges)} ruling segments, tables not searched")
        return [], [], []
    from pdfplumber.table import TableFinder, TableSettings

    edges = objs.edges + _open_sides(objs.edges)
    finder = TableFinder(_EdgePage(edges, tuple(page.bbox)), TableSettings.resolve(TABLE_SETTINGS))
    groups: list[tuple[list[_Box], _Box]] = [(list(ft.cells), ft.bbox) for ft in finder.tables]
    # pdfplumber drops one-cell tables; a lone box may still be a table's cut-off caption row
    grouped = {tuple(c) for cells, _ in groups for c in cells}
    groups += [([c], c) for c in finder.cells if tuple(c) not in grouped]
    if not groups:
        return [], [], []
    by_cy = sorted(objs.chars, key=lambda c: c.cy)
    cys = [c.cy for c in by_cy]
    tables: list[Table] = []
    bboxes: list[_Box] = []
    solos: list[tuple[Table, _Box]] = []
    for cells, bbox in groups:
        boxes = sorted(cells, key=lambda b: (b[1], b[0]))
        rows: list[list[Cell]] = []
        row_top = None
        any_text = False
        for x0, top, x1, bottom in boxes:
            lo, hi = bisect_left(cys, top), bisect_right(cys, bottom)
            inside = [c for c in by_cy[lo:hi] if x0 <= (c.x0 + c.x1) / 2 < x1]
            text = _join([ln.text for ln in _group_lines(inside)]) if inside else ""
            any_text = any_text or bool(text)
            cell = Cell(text, round(x0, 2), round(x1, 2), number, _rbox((x0, top, x1, bottom)))
            if row_top is None or top - row_top > 1.0:
                rows.append([cell])
                row_top = top
            else:
                rows[-1].append(cell)
        if not any_text:
            continue  # decoration boxes
        for row in rows:
            row.sort(key=lambda c: c.x0)
        table = Table(rows, kind="grid", coords=coords, page=number)
        if len({round(b[0]) for b in boxes}) < 2:
            solos.append((table, bbox))
        else:
            tables.append(table)
            bboxes.append(bbox)
    return tables, bboxes, solos


def _open_sides(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vertical rulings a table leaves out on its open sides (no outer left/right border).

    Where the horizontal rulings of one table end at the same outermost x (three of them, or
    two with inner rulings between) and no vertical ruling runs there, a vertical edge joins
    them, so the outer columns (row labels, 总计) still form cells. Rulings belong to one table
    while a vertical ruling spans the space between them (or they are one row apart).
    """
    all_h = [e for e in edges if e["orientation"] == "h"]
    hs = [e for e in all_h if e["width"] >= 10]
    vs = sorted(
        (e for e in edges if e["orientation"] == "v" and e["height"] >= 3),
        key=lambda e: e["x0"],
    )
    spans: list[list[float]] = []  # [x, top, bottom] of vertical rulings joined end to end
    for group in _cluster(vs, "x0", 3):
        for e in sorted(group, key=lambda e: e["top"]):
            last = spans[-1] if spans and spans[-1][0] == group[0]["x0"] else None
            if last and e["top"] <= last[2] + 3:
                last[2] = max(last[2], e["bottom"])
            else:
                spans.append([group[0]["x0"], e["top"], e["bottom"]])

    def spanned(a: float, b: float) -> bool:
        return any(t <= a + 2 and bt >= b - 2 for _, t, bt in spans)

    def bridged(a: float, b: float) -> bool:
        # one row apart (a full-width caption row has no inner ruling), or spanned by a ruling
        return b - a <= 25 or spanned(a, b)

    out: list[dict[str, Any]] = []
    for side, sign in (("x0", -1), ("x1", 1)):
        for group in _cluster(hs, side, 3):
            x = statistics.median(e[side] for e in group)
            tops = [g[0]["top"] for g in _cluster(group, "top", 1.5)]
            runs: list[list[float]] = []
            for y in tops:
                if runs and bridged(runs[-1][-1], y):
                    runs[-1].append(y)
                else:
                    runs.append([y])
            for run in runs:
                top, bottom = run[0], run[-1]
                if len(run) < 2 or (len(run) == 2 and not spanned(top, bottom)):
                    continue  # two rulings make a table row only with inner rulings between
                if any(abs(sx - x) <= 3 and st < bottom and sb > top for sx, st, sb in spans):
                    continue  # the side is ruled
                if any(
                    sign * (e[side] - x) > 3 and top - 2 <= e["top"] <= bottom + 2 for e in all_h
                ):
                    continue  # not the outermost x of the rulings there: an inner boundary
                out.append(
                    {
                        "object_type": "edge",
                        "orientation": "v",
                        "x0": x,
                        "x1": x,
                        "top": top,
                        "bottom": bottom,
                        "doctop": top,
                        "width": 0.0,
                        "height": bottom - top,
                    }
                )
    return out


def _cluster(items: list[dict[str, Any]], key: str, tol: float) -> list[list[dict[str, Any]]]:
    """Items sorted by ``key`` and chained into groups whose neighbours are within ``tol``."""
    groups: list[list[dict[str, Any]]] = []
    for e in sorted(items, key=lambda e: e[key]):
        if groups and e[key] - groups[-1][-1][key] <= tol:
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def _rbox(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _outside(chars: list[_Ch], bboxes: list[tuple[float, float, float, float]]) -> list[_Ch]:
    if not bboxes:
        return chars
    out = []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, c.cy
        if not any(x0 - 1 <= cx <= x1 + 1 and t - 1 <= cy <= b + 1 for x0, t, x1, b in bboxes):
            out.append(c)
    return out


# --- one page --------------------------------------------------------------------------------


def _read_page(
    page: Any, number: int, warnings: list[str], cid_pages: list[int], dropped: list[int]
) -> _PageOut:
    width, height = float(page.width), float(page.height)
    out = _PageOut(number, width, height, f"pdf:{round(width)}x{round(height)}")
    objs = _page_objects(page)
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


# --- headers, footers, page numbers ----------------------------------------------------------


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


def _table_bottom(t: Table) -> float:
    return max((c.bbox[3] for row in t.rows for c in row if c.bbox), default=0.0)


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


# --- borderless tables -----------------------------------------------------------------------


def _is_value(text: str) -> bool:
    return bool(_NUMERIC.match(text)) or text in _NA


def _numeric_row(ln: _Line) -> bool:
    values = [s for s in ln.segments if _is_value(s[2])]
    return len(values) >= 2 and any(_NUMERIC.match(s[2]) for s in values)


def _stops_region(
    ln: _Line, right: float, *, heading: bool = True, size: float | None = None
) -> bool:
    """Lines that are prose (long, ending a sentence or a lead-in, reaching the right margin),
    a heading, or set larger than the table's text never belong to a borderless table.

    ``heading=False`` between two rows of numbers: group labels such as 「（三）不予公开」 look
    like headings there; a real section heading between tables is set larger (``size``)."""
    if len(ln.segments) > 1:
        return False
    text = ln.text
    bigger = size is not None and ln.size > 1.15 * size
    return (
        len(text) >= 30
        or text.endswith("。")
        # a lead-in (「情况如下：」) in body type; a wrapped header cell may end in 「：」 too
        or (text.endswith(("；", "：", ";", ":")) and (len(text) >= 20 or bigger))
        or ln.x1 >= right - ln.size
        or (heading and bool(_HEADING.match(text)) and len(text) >= 4)
        or bigger
    )


def _label_only(
    ln: _Line, value_left: float, right: float, *, heading: bool = True, size: float | None = None
) -> bool:
    """A wrapped row label: text only left of the value columns (「年度办」, 「止公开」)."""
    return ln.x1 < value_left - 2 and not _stops_region(ln, right, heading=heading, size=size)


def _value_left(ln: _Line) -> float:
    return min((s[0] for s in ln.segments if _is_value(s[2])), default=ln.x1)


def _aligned(rows: list[_Line], header: list[_Line]) -> bool:
    """Do the numbers of these rows stand in common columns (or under the header's columns)?"""
    spans = [
        [(s[0] - 2, s[1] + 2) for s in ln.segments if _is_value(s[2])]
        for ln in rows
        if _numeric_row(ln)
    ]
    if any(len(s) >= 5 for s in spans):
        return True  # one row of many separated numbers is never prose
    if len(spans) == 1:
        # a lone row of values (table 四 with blanks) under two or more header rows
        heads = [(s[0], s[1]) for ln in header if len(ln.segments) >= 2 for s in ln.segments]
        under = [a for a in spans[0] if any(min(a[1], b1) > max(a[0], b0) for b0, b1 in heads)]
        return sum(len(ln.segments) >= 2 for ln in header) >= 2 and len(under) >= 2
    if len(spans) < 2:
        return False
    hits = total = 0
    for i, row in enumerate(spans):
        others = [b for j, r in enumerate(spans) if j != i for b in r]
        for a0, a1 in row:
            total += 1
            if any(min(a1, b1) > max(a0, b0) for b0, b1 in others):
                hits += 1
    return hits >= 0.7 * total


_Close = Callable[[int, int, float], bool]


def _near(lines: list[_Line], walls: list[float]) -> _Close:
    def close(a: int, b: int, factor: float) -> bool:
        """Lines a < b are within factor line heights, with no ruled table between them."""
        la, lb = lines[a], lines[b]
        if lb.top - la.bottom > factor * lb.size:
            return False
        return not any(la.top < w < lb.top for w in walls)

    return close


def _borderless(lines: list[_Line], right: float, walls: list[float]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of lines forming borderless tables.

    A region grows from rows carrying two or more separated numbers; rows with one value, wrapped
    label lines (text only left of the numbers), captions and header lines (several column
    segments) around them join it. Prose, headings and text set larger than the table's stop it.
    ``walls`` are the tops of ruled tables: no region reaches across one.
    """
    n = len(lines)
    numeric = [_numeric_row(ln) for ln in lines]
    weak = [len(ln.segments) >= 2 and any(_is_value(s[2]) for s in ln.segments) for ln in lines]
    close = _near(lines, walls)
    regions: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not numeric[i]:
            i += 1
            continue
        start = end = i  # end: last row with values of the run
        value_left = _value_left(lines[i])
        size = lines[i].size  # the table's type size
        j = i + 1
        between = 0
        while j < n and close(j - 1, j, 3.0):
            ln = lines[j]
            if weak[j]:
                end, between = j, 0
                if numeric[j]:
                    value_left = min(value_left, _value_left(ln))
            elif between < 6 and _label_only(ln, value_left, right, heading=False, size=size):
                between += 1
            elif between < 3 and not _stops_region(ln, right, heading=False, size=size):
                between += 1  # a caption row (第二十条第（五）项), a header row
            else:
                break
            j += 1
        floor = regions[-1][1] if regions else 0
        k = _header_run(lines, start, floor, right, value_left, close, size)
        if not _aligned(lines[start : end + 1], lines[k:start]):
            i = end + 1
            continue
        e = end + 1  # wrapped labels of the last row below
        while e < n and e - end <= 4 and close(e - 1, e, 1.5):
            if not _label_only(lines[e], value_left, right, size=size):
                break
            e += 1
        regions.append((k, e))
        i = e
    return regions


def _header_run(
    lines: list[_Line],
    start: int,
    floor: int,
    right: float,
    value_left: float | None,
    close: _Close,
    size: float | None = None,
) -> int:
    """First index of the header rows (and wrapped labels) right above ``lines[start]``.

    Header rows have several column segments; a single short segment belongs to the header when
    it lies over the value columns (「申请人情况」), left of them (a wrapped label or the corner
    cell), or when the line above it has several segments (「自然」 / 「人」).
    """
    k = start
    while k > floor and start - k < 10 and close(k - 1, k, 2.5):
        ln = lines[k - 1]
        if len(ln.segments) >= 2:
            if ln.text.endswith("。") or (size is not None and ln.size > 1.15 * size):
                break
        elif _stops_region(ln, right, size=size):
            break
        elif value_left is None or not (ln.x1 < value_left - 2 or ln.x0 >= value_left - 2):
            above = lines[k - 2] if k - 2 >= floor else None
            if above is None or len(above.segments) < 2 or not close(k - 2, k - 1, 2.5):
                break
        k -= 1
    return k


def _continuation(lines: list[_Line], right: float, size: float, close: _Close) -> int:
    """End of the run of table rows opening a page (rows with a value, captions, header rows)
    that continues the previous page's borderless table; 0 if there is none."""
    last = 0
    for k, ln in enumerate(lines):
        if k and not close(k - 1, k, 3.0):
            break
        if len(ln.segments) >= 2 and any(_is_value(s[2]) for s in ln.segments):
            last = k + 1
        elif ln.size > 1.15 * size or _stops_region(ln, right, heading=False, size=size):
            break
    return last


def _header_tail(lines: list[_Line], right: float, close: _Close, size: float) -> int:
    """Start of the header/caption rows ending a page whose borderless table goes on at the top
    of the next page (set in the table's type ``size``), or -1."""
    n = k = len(lines)
    while k > 0 and n - k < 10:
        ln = lines[k - 1]
        if (k < n and not close(k - 1, k, 2.5)) or ln.size > 1.15 * size:
            break
        if len(ln.segments) >= 2:
            if ln.text.endswith("。"):
                break
        elif _stops_region(ln, right, size=size):
            break
        k -= 1
    return k if k < n else -1


def _line_table(lines: list[_Line], number: int, coords: str) -> Table:
    rows = [
        [
            Cell(text, round(x0, 2), round(x1, 2), number, _rbox((x0, ln.top, x1, ln.bottom)))
            for x0, x1, text in ln.segments
        ]
        for ln in lines
    ]
    # Borderless: cells are word runs where the text stands (see Table.positional).
    return Table(rows, kind="grid", coords=coords, page=number, positional=True)


# --- paragraphs ------------------------------------------------------------------------------


@dataclass
class _Para:
    lines: list[_Line]
    page: int

    @property
    def text(self) -> str:
        return _join([ln.text for ln in self.lines])


def _margins(pages: list[_PageOut]) -> dict[str, tuple[float, float, float]]:
    """Per page size: left and right margin of the prose, and the usual gap between two lines
    of one paragraph as a fraction of the type size."""
    by_size: dict[str, list[_Line]] = {}
    ratios: dict[str, list[float]] = {}
    for p in pages:
        by_size.setdefault(p.coords, []).extend(p.lines)
        rl = ratios.setdefault(p.coords, [])
        for a, b in itertools.pairwise(p.lines):
            # prose pairs only: table rows (borderless) are set tighter and would pull it down
            if len(a.segments) == 1 and len(b.segments) == 1 and abs(a.size - b.size) < 0.5:
                g = b.top - a.bottom
                if 0 <= g < 3 * b.size:
                    rl.append(g / b.size)
    out = {}
    for coords, lines in by_size.items():
        # Prose lines only: table rows (several segments) often stick out into the margins.
        body = [ln for ln in lines if len(ln.segments) == 1 and len(ln.chars) >= 10]
        body = body or lines
        x0s = [round(ln.x0 / 2) * 2 for ln in body]
        frequent = [x for x in set(x0s) if x0s.count(x) >= max(2, len(x0s) // 10)]
        left = float(min(frequent or x0s, default=0))
        # Justified CJK lines end at the margin; a high percentile ignores the odd wide line.
        x1s = sorted(ln.x1 for ln in body)
        right = x1s[min(len(x1s) - 1, int(0.9 * len(x1s)))] if x1s else 0.0
        # Most pairs are inside a paragraph; paragraph spacing only adds to the upper part.
        r = sorted(ratios.get(coords) or [0.0])
        out[coords] = (left, right, r[len(r) // 4])
    return out


def _centered(ln: _Line, page_width: float) -> bool:
    return abs((ln.x0 + ln.x1) / 2 - page_width / 2) < ln.size and ln.x0 > 0.15 * page_width


def _paragraphs(
    lines: list[_Line], page: _PageOut, left: float, right: float, gap: float
) -> list[_Para]:
    paras: list[_Para] = []
    prev: _Line | None = None
    for ln in lines:
        s = ln.size
        new = prev is None
        if prev is not None:
            short = prev.x1 < right - 1.5 * s
            indent = ln.x0 > left + 1.0 * s
            big_gap = ln.top - prev.bottom > (gap + 0.5) * s
            new = big_gap or short or indent or abs(s - prev.size) > 0.2 * s
            if (
                new
                and not big_gap
                and _centered(ln, page.width)
                and prev.x0 <= left + s
                and prev.x1 >= right - 1.5 * s
                and abs(s - prev.size) < 0.5
                and not _HEADING.match(ln.text)
            ):
                new = False  # a title wrapped over two centred lines
        if new:
            paras.append(_Para([ln], page.number))
        else:
            paras[-1].lines.append(ln)
        prev = ln
    return paras


def _continues(
    a: _Para, b: _Para, margins: dict[str, tuple[float, float, float]], pages: dict[int, _PageOut]
) -> bool:
    """Does paragraph b (first on its page) continue paragraph a (last on the previous page)?"""
    pa, pb = pages[a.page], pages[b.page]
    if pa.coords != pb.coords:
        return False
    left, right, _ = margins[pa.coords]
    last, first = a.lines[-1], b.lines[0]
    return (
        last.x1 >= right - 1.5 * last.size
        and last.text[-1:] not in "。！？；："
        and first.x0 <= left + 1.0 * first.size
        and not _HEADING.match(first.text)
        and abs(first.size - last.size) < 0.5
    )


# --- the document ----------------------------------------------------------------------------


def _pdf_date(value: str) -> str:
    """PDF date ``D:20240115093000+08'00'`` → ``2024-01-15T09:30:00``."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value.strip())
    if not m:
        return value.strip()
    y, mo, d, h, mi, s = m.groups()
    out = y + (f"-{mo}" if mo else "") + (f"-{d}" if mo and d else "")
    if h and d:
        out += f"T{h}:{mi or '00'}:{s or '00'}"
    return out


def _meta(doc: Document, info: dict[str, Any]) -> None:
    for key, name in (
        ("Title", "title"),
        ("Author", "author"),
        ("Creator", "creator"),
        ("Producer", "producer"),
    ):
        v = info.get(key)
        if isinstance(v, str) and v.strip():
            doc.meta[name] = v.strip()
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        v = info.get(key)
        if isinstance(v, str) and v.strip():
            doc.meta[name] = _pdf_date(v)


def _open_error(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(inner).__name__
    if "Password" in name:
        return f"encrypted PDF: a password is required ({name})"
    if "Encryption" in name:
        return f"encrypted PDF: unsupported encryption ({name}: {str(inner)[:100]})"
    detail = str(inner).strip()
    return f"unreadable PDF: {name}" + (f": {detail[:200]}" if detail else "")


def extract_pdf(data: bytes, *, max_pages: int = 200, deadline: float | None = None) -> Document:
    """Paragraphs and tables of a PDF's text layer, in reading order. Never raises.

    ``deadline`` is a ``time.monotonic()`` value; past it the remaining pages are skipped with a
    warning. Only the first ``max_pages`` pages are read.
    """
    import pdfplumber  # lazy: importing this module must stay cheap

    doc = Document(media_type="application/pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except Exception as exc:
        doc.extraction = "none"
        doc.warnings.append(_open_error(exc))
        return doc
    pages: list[_PageOut] = []
    cid_pages: list[int] = []
    dropped: list[int] = []
    try:
        _meta(doc, pdf.metadata or {})
        try:
            plumber_pages = pdf.pages
        except Exception as exc:
            doc.extraction = "none"
            doc.warnings.append(_open_error(exc))
            return doc
        doc.pages = len(plumber_pages)
        if doc.pages > max_pages:
            doc.warnings.append(f"{doc.pages} pages: only the first {max_pages} were read")
        for index, page in enumerate(plumber_pages[:max_pages]):
            number = index + 1
            if deadline is not None and time.monotonic() > deadline:
                doc.warnings.append(f"deadline reached: pages {number}–{doc.pages} not read")
                break
            try:
                pages.append(_read_page(page, number, doc.warnings, cid_pages, dropped))
            except Exception as exc:
                doc.warnings.append(
                    f"page {number}: unreadable ({type(exc).__name__}: {exc})"[:300]
                )
            finally:
                page.close()
    except Exception as exc:  # a broken xref table surfaces only while the pages are walked
        doc.warnings.append(_open_error(exc))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()

    if dropped:
        doc.warnings.append(
            f"{sum(dropped)} glyphs without a Unicode mapping ((cid:…)) dropped on "
            f"{len(dropped)} page(s)"
        )
    if cid_pages:
        doc.warnings.append(
            "text layer without Unicode mapping ((cid:…) glyphs) on pages "
            + _ranges(cid_pages)
            + ": treated as images"
        )
    _assemble(doc, pages)
    if pages and all(p.image_only for p in pages):
        doc.extraction = "none"
        doc.blocks = []
        doc.warnings.append("no usable text layer: every page is an image")
    elif not doc.blocks:
        doc.extraction = "none"
        if pages or not doc.warnings:
            doc.warnings.append("the PDF has no text")
    return doc


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = out[-1].split("–")[0] + f"–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _extent(t: Table) -> tuple[float, float]:
    return min(c.x0 for r in t.rows for c in r), max(c.x1 for r in t.rows for c in r)


def _top(t: Table) -> float:
    return min((c.bbox[1] for r in t.rows for c in r if c.bbox), default=0.0)


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


def _borderless_regions(
    pages: list[_PageOut], margins: dict[str, tuple[float, float, float]]
) -> dict[int, list[tuple[int, int]]]:
    """Per page, the [i, j) line ranges that form borderless tables, joined over page breaks."""
    by_number = {p.number: p for p in pages}
    regions: dict[int, list[tuple[int, int]]] = {}
    walls: dict[int, list[float]] = {}
    for p in pages:
        if not p.image_only:
            walls[p.number] = [_top(t) for t in p.tables]
            right = margins.get(p.coords, (0, p.width, 0))[1]
            regions[p.number] = _borderless(p.lines, right, walls[p.number])
    # Rows at the top of a page continuing a borderless table that filled the previous page.
    for p in pages:
        prev = by_number.get(p.number - 1)
        before = regions.get(p.number - 1)
        if p.number not in regions or not prev or not before:
            continue
        size = statistics.median(ln.size for ln in prev.lines[before[-1][0] : before[-1][1]])
        trailing = prev.lines[before[-1][1] :]  # a caption row may follow the last value row
        if len(trailing) > 2 or any(
            len(ln.segments) < 2 and _stops_region(ln, margins[prev.coords][1], size=size)
            for ln in trailing
        ):
            continue
        k = _continuation(p.lines, margins[p.coords][1], size, _near(p.lines, walls[p.number]))
        if not k:
            continue
        before[-1] = (before[-1][0], len(prev.lines))
        mine = regions[p.number]
        if mine and mine[0][0] <= k:
            mine[0] = (0, max(k, mine[0][1]))
        else:
            mine.insert(0, (0, k))
    # Header rows at the foot of a page whose (borderless) table goes on at the top of the next.
    for p in pages:
        nxt = regions.get(p.number + 1)
        if p.number in regions and nxt and nxt[0][0] == 0 and p.lines:
            close = _near(p.lines, walls[p.number])
            following = by_number[p.number + 1].lines[nxt[0][0] : nxt[0][1]]
            size = statistics.median(ln.size for ln in following)
            k = _header_tail(p.lines, margins[p.coords][1], close, size)
            mine = regions[p.number]
            if k >= 0 and not (mine and mine[-1][1] > k):
                mine.append((k, len(p.lines)))
    return regions


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
