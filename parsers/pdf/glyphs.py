"""Glyphs, rulings and pictures of one PDF page, read from pdfminer's layout objects.

pdfplumber's per-glyph dicts cost twice what the parse needs; six numbers per glyph and the
ruling edges are read here directly. Glyphs without a Unicode mapping are only counted (the
page may then go to OCR), slanted ones (watermarks) dropped.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple


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


def add_edge(
    edges: list[dict[str, Any]], x0: float, top: float, x1: float, bottom: float, orientation: str
) -> None:
    """A ruling segment, in pdfplumber's edge format (what ``TableFinder`` takes)."""
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
        add_edge(edges, x0, top, x1, bottom, orientation)

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
