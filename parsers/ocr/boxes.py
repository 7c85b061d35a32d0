"""OCR text boxes (``_Box``) and the lines they form.

The unit every later step works on: a detected, recognised text line in working-image pixels.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass
class _Box:
    """One OCR text box, axis-aligned, in working-image pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def _group_lines(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes → text lines (top to bottom), each line's boxes left to right."""
    lines: list[list[_Box]] = []
    spans: list[tuple[float, float]] = []
    for box in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[i]
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(bottom - top, box.h):
                lines[i].append(box)
                spans[i] = (min(top, box.y0), max(bottom, box.y1))
                break
        else:
            lines.append([box])
            spans.append((box.y0, box.y1))
    for line in lines:
        line.sort(key=lambda b: b.x0)
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [lines[i] for i in order]


def _join_line(line: list[_Box]) -> str:
    """Chinese needs no spaces; a wide gap (> 1.5 line heights) keeps one, e.g. "第 3 页"."""
    height = max(b.h for b in line)
    parts = [line[0].text]
    for prev, box in itertools.pairwise(line):
        parts.append(" " if box.x0 - prev.x1 > 1.5 * height else "")
        parts.append(box.text)
    return "".join(parts)
