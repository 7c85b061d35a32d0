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

How: glyphs, rulings and pictures are read through PDFium (``pdfium_objects``; several times
faster), or straight from pdfminer's layout objects (``glyphs``) for files PDFium cannot open and
rotated or offset pages — both give the same objects (docs/parsing.md, "The PDF engine"). The
ruled tables come from pdfplumber's ``TableFinder`` fed with those rulings (plus the outer sides
of open-sided tables), and everything else is plain geometry. Diagonal glyphs (watermarks) are
dropped; fake-bold double prints are merged.

Modules, in the order the pages flow through them: ``pdfium_objects`` or ``glyphs`` (the objects
of a page, through PDFium or pdfminer),
``lines`` (glyphs → text lines), ``ruled`` (ruled tables), ``page`` (one page), ``furniture``
(page numbers, running headers), ``borderless`` (tables without rulings), ``paragraphs``,
``assemble`` (all pages → blocks) and ``reader`` (the entry point, ``extract_pdf``).
"""

from __future__ import annotations

from .furniture import _PAGE_NUMBER
from .glyphs import _fix_char
from .lines import _join
from .reader import extract_pdf

# The private names are the tests' window onto single steps (page-number pattern, glyph fixes,
# line joining).
__all__ = ["_PAGE_NUMBER", "_fix_char", "_join", "extract_pdf"]
