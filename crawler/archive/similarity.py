"""How alike two reports' texts are: Jaccard similarity of their character shingles.

A 雷同年报 is last year's report with the year and the numbers changed, so digits are masked
(every run of digits becomes one ``#``) and whitespace dropped before the text is cut into
overlapping 5-character shingles; two texts that differ only in their numbers score 1.0.
"""

from __future__ import annotations

import re
import unicodedata

SHINGLE = 5
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def shingles(text: str | None) -> set[int]:
    """Hashes of the text's overlapping 5-character pieces (digits masked, spaces dropped)."""
    if not text:
        return set()
    norm = _DIGITS.sub("#", _SPACE.sub("", unicodedata.normalize("NFKC", text)))
    return {hash(norm[i : i + SHINGLE]) for i in range(max(1, len(norm) - SHINGLE + 1))}


def overlap(a: set[int], b: set[int]) -> tuple[int, int]:
    """(shared shingles, shingles of either): the Jaccard ratio's two sides."""
    return len(a & b), len(a | b)


def similarity(a: str | None, b: str | None) -> float | None:
    """Jaccard similarity of the two texts' shingles; None when either is empty."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return None
    shared, union = overlap(sa, sb)
    return shared / union
