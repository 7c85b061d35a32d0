"""PDFium reads text PDFs as pdfminer does, several times faster (parsers/pdf/pdfium_objects.py).

Every text PDF we have — the sample reports in every layout, the trait fixtures, the farm's
documents — parses to the same cells, text, sections and warnings through either engine, and the
fast cell finder gives pdfplumber's cells exactly. Pages PDFium's coordinates would not match
(rotated, offset media box) and files it cannot open are read by pdfminer.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers import parse_bytes
from parsers.pdf.reader import _extract_pdfium, extract_pdf

ROOT = Path(__file__).resolve().parent.parent
TEXT_PDFS = sorted(
    p
    for p in [
        *(ROOT / "tests" / "fixtures").rglob("*.pdf"),
        *(ROOT / "farm" / "content").glob("*.pdf"),
    ]
    if ".scan." not in p.name
)


def parse_with(engine: str, data: bytes, monkeypatch, name: str) -> dict:
    monkeypatch.setenv("NIANBAO_PDF_ENGINE", engine)  # the operator's knob (parsers/extract.py)
    return parse_bytes(data, name, isolate=False, ocr=False)


def cells(report: dict) -> dict:
    return {
        (c["table"], c["row"], c["col"]): (c.get("value"), c.get("raw"), c.get("semantic"),
                                           c.get("page"))
        for c in report.get("cells", [])
    }  # fmt: skip


def test_there_are_text_pdfs_of_every_kind():
    names = {p.name for p in TEXT_PDFS}
    assert len(TEXT_PDFS) >= 25
    assert any("borderless" in n for n in names) and any("cid" in n for n in names)
    assert any("misprint" in n for n in names) and any(n.startswith("990") for n in names)


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_pdfium_reads_every_text_pdf_as_pdfminer_does(path, monkeypatch):
    data = path.read_bytes()
    slow = parse_with("pdfminer", data, monkeypatch, path.name)
    fast = parse_with("pdfium", data, monkeypatch, path.name)
    assert cells(fast) == cells(slow)
    for key in ("text", "sections", "headings", "agency", "year", "title", "template_version",
                "layouts", "warnings", "extraction"):  # fmt: skip
        assert fast.get(key) == slow.get(key), key
    boxes = {(c["table"], c["row"], c["col"]): c.get("bbox") for c in slow.get("cells", [])}
    # the evidence box: the same place on the page (the fonts' descent may differ a little: PDFium
    # takes it from the font program when the PDF leaves it out, pdfminer takes 0)
    for c in fast.get("cells", []):
        old = boxes[(c["table"], c["row"], c["col"])]
        assert (c.get("bbox") is None) == (old is None)
        if old:
            assert max(abs(a - b) for a, b in zip(c["bbox"], old, strict=True)) < 2.0


def test_the_fast_cell_finder_gives_pdfplumbers_cells():
    from pdfplumber.table import TableFinder, TableSettings, intersections_to_cells

    from parsers.pdf.pdfium_objects import page_objects
    from parsers.pdf.ruled import TABLE_SETTINGS, _cells, _EdgePage, _open_sides

    pages = 0
    for path in TEXT_PDFS:
        document = pdfium.PdfDocument(path.read_bytes())
        for page in document:
            width, height = page.get_size()
            objs = page_objects(page.raw, page.get_textpage().raw, height)
            if len(objs.edges) < 4:
                continue
            edges = objs.edges + _open_sides(objs.edges)
            finder = TableFinder(_EdgePage(edges, (0, 0, width, height)),
                                 TableSettings.resolve(TABLE_SETTINGS))  # fmt: skip
            assert _cells(finder.intersections) == intersections_to_cells(finder.intersections)
            pages += 1
    assert pages >= 40


def rotated(data: bytes) -> bytes:
    document = pdfium.PdfDocument(data)
    document[0].set_rotation(90)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_rotated_page_and_an_unopenable_file_are_read_by_pdfminer():
    data = rotated((ROOT / "tests" / "fixtures" / "reports" / "000" / "000.pdf").read_bytes())
    assert _extract_pdfium(data, 200, None) is None  # handed to pdfminer
    assert extract_pdf(data, engine="pdfium").blocks == extract_pdf(data, engine="pdfminer").blocks
    broken = b"%PDF-1.7\n" + b"\x00" * 200
    assert _extract_pdfium(broken, 200, None) is None
    fast, slow = extract_pdf(broken, engine="pdfium"), extract_pdf(broken, engine="pdfminer")
    assert fast.extraction == slow.extraction == "none"
    assert fast.warnings == slow.warnings and fast.warnings[0].startswith("unreadable PDF")
