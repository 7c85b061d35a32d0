"""Glyphs, rulings and pictures of one PDF page, read through PDFium (pypdfium2's C library).

The same :class:`~parsers.pdf.glyphs._Objects` as ``glyphs._page_objects`` reads from pdfminer,
at a fraction of the cost: PDFium parses the content stream in C, and only the numbers the
parse needs cross into Python. Boxes follow pdfminer's convention, so that every later stage
sees the same page: a glyph spans its advance horizontally and, vertically, from the baseline
plus the font's descent up one font size (not PDFium's tight or loose ink boxes); paths become
rulings as pdfminer's ``LTLine``/``LTRect``/``LTCurve`` would (one shape per subpath).
"""

from __future__ import annotations

import ctypes
import itertools
from typing import Any

import pypdfium2.raw as R

from .glyphs import _Ch, _fix_char, _Objects, add_edge

_MAX_POINTS = 200  # glyph outlines and chart curves hold no ruling (as glyphs._page_objects)


def page_objects(page: Any, textpage: Any, height: float) -> _Objects:
    """``page``/``textpage``: raw PDFium handles; ``height`` of the media box (points)."""
    out = _Objects()
    _glyphs(textpage, height, out)
    for i in range(R.FPDFPage_CountObjects(page)):
        _walk(R.FPDFPage_GetObject(page, i), height, out, None)
    return out


# The text object a glyph belongs to, as a plain address (a run of glyphs shares one), without
# the cost of a ctypes pointer object per glyph.
_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, R.FPDF_TEXTPAGE, ctypes.c_int)(
    ctypes.cast(R.FPDFText_GetTextObject, ctypes.c_void_p).value
)


def _glyphs(textpage: Any, height: float, out: _Objects) -> None:
    count = R.FPDFText_CountChars(textpage)
    if count <= 0:
        return
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    R.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    codes = memoryview(buffer.raw[: count * 2]).cast("H")  # UTF-16 units, one per char index
    rect = R.FS_RECTF()
    m = R.FS_MATRIX()
    descent = ctypes.c_float()
    unmapped, loose_box = R.FPDFText_HasUnicodeMapError, R.FPDFText_GetLooseCharBox
    ox, oy = ctypes.c_double(), ctypes.c_double()
    origin = R.FPDFText_GetCharOrigin
    runs: dict[int, tuple[float, float, float, bool, bool]] = {}  # text object → its font
    last, run = None, (0.0, 0.0, 0.0, False, False)
    chars = out.chars
    for i in range(count):
        code = codes[i]
        if code in _BLANK:
            continue  # spaces, and the line breaks PDFium infers
        if unmapped(textpage, i) == 1:
            out.bad += 1
            continue
        if 0xD800 <= code <= 0xDFFF:
            code = R.FPDFText_GetUnicode(textpage, i)  # beyond the BMP: the whole code point
        if 0xE000 <= code <= 0xF8FF or code == 0xFFFD:
            out.bad += 1  # private use, replacement character: no real mapping
            continue
        address = _object_address(textpage, i)
        if address != last:
            last = address
            run = runs.get(address) or runs.setdefault(address, _run(textpage, i, m, descent))
        size, em, unit, rotated, upright = run
        if rotated:
            out.rotated += 1  # diagonal text: a watermark (「内部资料」), not content
            continue
        loose_box(textpage, i, rect)
        if upright:  # pdfminer's box: from the baseline plus the descent up one font size
            origin(textpage, i, ox, oy)
            y0 = oy.value + unit * em
            top, bottom = height - (y0 + em), height - y0
        else:  # vertical text: PDFium's font-based box
            top, bottom = height - rect.top, height - rect.bottom
        text = chr(code)
        if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
            text = _fix_char(text)
        chars.append(_Ch(rect.left, rect.right, top, bottom, text, (bottom - top) or size))


def _run(textpage: Any, i: int, m: Any, descent: Any) -> tuple[float, float, float, bool, bool]:
    """What the glyphs of one text object share: font size, em in page units, the font's
    descent per em, slant."""
    R.FPDFText_GetMatrix(textpage, i, m)
    a, b = m.a, m.b
    rotated = abs(b) > 0.1 * abs(a) and abs(a) > 0.1 * abs(b)
    size = R.FPDFText_GetFontSize(textpage, i)
    upright = b == 0 and m.c == 0 and a > 0 and m.d > 0
    unit = 0.0
    if upright:
        font = R.FPDFTextObj_GetFont(R.FPDFText_GetTextObject(textpage, i))
        if R.FPDFFont_GetDescent(font, 1.0, descent):
            unit = descent.value
    return size, size * m.d, unit, rotated, upright


_BLANK = frozenset((0, 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, 0xFFFE))


def _walk(obj: Any, height: float, out: _Objects, outer: tuple | None) -> None:
    kind = R.FPDFPageObj_GetType(obj)
    if kind == R.FPDF_PAGEOBJ_FORM:
        for i in range(R.FPDFFormObj_CountObjects(obj)):
            _walk(R.FPDFFormObj_GetObject(obj, i), height, out, outer)
    elif kind == R.FPDF_PAGEOBJ_IMAGE:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if R.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            out.images.append((left.value, height - top.value, right.value, height - bottom.value))
    elif kind == R.FPDF_PAGEOBJ_PATH:
        _path(obj, height, out)


def _path(obj: Any, height: float, out: _Objects) -> None:
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, m):
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    shapes: list[list[tuple[float, float, str]]] = []
    for i in range(R.FPDFPath_CountSegments(obj)):
        seg = R.FPDFPath_GetPathSegment(obj, i)
        if not R.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px = m.a * x.value + m.c * y.value + m.e
        py = m.b * x.value + m.d * y.value + m.f
        kind = R.FPDFPathSegment_GetType(seg)
        if kind == R.FPDF_SEGMENT_MOVETO or not shapes:
            shapes.append([(px, py, "m")])
        else:
            shapes[-1].append((px, py, "c" if kind == R.FPDF_SEGMENT_BEZIERTO else "l"))
        if R.FPDFPathSegment_GetClose(seg):
            first = shapes[-1][0]
            shapes[-1].append((first[0], first[1], "h"))
    for shape in shapes:
        _shape(shape, height, out)


def _shape(shape: list[tuple[float, float, str]], height: float, out: _Objects) -> None:
    ops = "".join(op for _, _, op in shape)
    pts = [(px, py) for px, py, _ in shape]
    if ops == "ml":
        kind = "line"
    elif ops in ("mlllh", "mllll") and _axis_rect(pts):
        kind = "rect"
    else:
        kind = "curve"
    if kind == "rect":
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1 = min(xs), max(xs)
        top, bottom = height - max(ys), height - min(ys)
        add_edge(out.edges, x0, top, x1, top, "h")
        add_edge(out.edges, x0, bottom, x1, bottom, "h")
        add_edge(out.edges, x0, top, x0, bottom, "v")
        add_edge(out.edges, x1, top, x1, bottom, "v")
        return
    if kind == "curve":
        out.curves += 1
    if ops.endswith("h"):
        pts = pts[:-1]  # pdfminer keeps a closed shape's points without the return to the start
    if len(pts) > _MAX_POINTS:
        return
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        x0, x1 = sorted((ax, bx))
        top, bottom = sorted((height - ay, height - by))
        if abs(ay - by) < 0.01:
            add_edge(out.edges, x0, top, x1, top, "h")
        elif abs(ax - bx) < 0.01:
            add_edge(out.edges, x0, top, x0, bottom, "v")


def _axis_rect(pts: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )
