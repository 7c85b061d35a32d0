"""The intermediate model every format extractor produces.

Extractors (``html``, ``pdf``, ``docx``, ``office``, ``ocr``, ``text``) turn bytes into a
:class:`Document`: paragraphs and tables in reading order. The ``report`` stage only ever sees
this model, so the table logic is written once for every format.

A table is a list of rows; a row lists the cells that *start* in it (a merged cell appears once,
in its first row, with its full horizontal extent ``x0..x1``). What ``x`` means depends on
``Table.kind``:

``grid``
    ``x0``/``x1`` are comparable positions: grid column indexes for HTML/DOCX (colspans expanded),
    PDF points or scan pixels. Values are mapped to columns by x-position under the header cells.
``cells``
    every printed cell is present in order (blank ones too) but positions are unknown; rows are
    right-aligned on the value columns (the template's values are always the rightmost columns).
``tokens``
    text split on separators by some other tool; padding is unreliable, so a row is only trusted
    when it carries exactly the expected number of values.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    text: str
    x0: float
    x1: float
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom on its page
    confidence: float | None = None  # OCR'd: the lowest recognition score of its text boxes

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Table:
    rows: list[list[Cell]]
    kind: str = "grid"  # grid | cells | tokens
    coords: str = ""  # identifies the coordinate system; fragments sharing it share columns
    page: int | None = None
    # Positional: cells are text fragments placed on the page (no ruling lines: a borderless
    # PDF table, an OFD page). A blank cell is simply absent and extents are estimates, so
    # value columns are found by clustering where the values stand.
    positional: bool = False


@dataclass
class Paragraph:
    text: str
    page: int | None = None


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    extraction: str = "text"  # text | ocr | mixed | none
    media_type: str = "application/octet-stream"
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    # Metadata a container offers besides the text (HTML <meta>, PDF info): title, published …
    meta: dict[str, str] = field(default_factory=dict)
    # Pages whose tables are pictures (image_only sections) — used for layout flags.
    image_pages: set[int] = field(default_factory=set)
    # Pages that are nothing but a picture (an image-only OFD page), by page number: OCR reads
    # them (``extract.ocr_pictures``).
    page_pictures: dict[int, bytes] = field(default_factory=dict)

    def text(self) -> str:
        """All text in reading order; table rows become tab-joined lines."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            else:
                out.extend("\t".join(c.text for c in row) for row in block.rows)
        return "\n".join(out)


def grid_table(rows: list[list[str]], *, kind: str = "grid", page: int | None = None) -> Table:
    """A table from plain rows of strings (one cell per column, no merges)."""
    return Table(
        [[Cell(text, i, i + 1, page) for i, text in enumerate(row)] for row in rows],
        kind=kind,
        coords=f"{kind}:{max((len(r) for r in rows), default=0)}",
        page=page,
    )
