"""Template tables out of a Document's table fragments.

Three steps, the same for every format:

1. ``route``: walk the blocks in order and send every table row to the template table it belongs
   to (二 → t2, 三 → t3, 四 → t4), by anchors in the rows and by the section headings between
   tables. Fragments split over pages simply keep flowing into the same target.
2. ``columns``: value columns come from the header cells' x-extents (自然人 … 总计), inherited by
   later fragments in the same coordinate system; without a header, a grid's rightmost columns.
3. rows: label fragments split by a page break are rejoined, then the row labels are aligned to
   the template's row order (a DP over fingerprints), which tells 3.其他 from the column 其他 and
   （七）总计 from the 总计 of other tables.

Values are read as printed (``values.parse_cell``); nothing is repaired here.

Modules: ``routing`` (step 1), ``columns`` (step 2), ``rows`` (step 3's logical rows), one
parser per template table (``t2``, ``t3``, ``t4``), and ``cells`` (what they return).
"""

from __future__ import annotations

from .cells import CellOut, TableResult
from .routing import Fragment, route
from .t2 import parse_t2, sec2_layout
from .t3 import parse_t3
from .t4 import parse_t4

__all__ = [
    "CellOut",
    "Fragment",
    "TableResult",
    "parse_t2",
    "parse_t3",
    "parse_t4",
    "route",
    "sec2_layout",
]
