"""Glyphs → text lines: rows of glyphs, their column segments, and how wrapped lines join.

Everything above this (borderless tables, paragraphs, cell text of ruled tables) works on these
lines, never on single glyphs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .glyphs import _Ch, _is_cjk

# A numbered heading (「一、」, 「（三）」): it stops a borderless table and starts a paragraph.
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])"
)


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
