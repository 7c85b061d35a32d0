"""Every seed report rendered into every format parses to its true cell values.

The truth files were transcribed by hand from the seed texts (tests/fixtures/README.md); the
documents were rendered from them by tests/fixtures/make_fixtures.py. A cell is right only if
its printed text, its value and its meaning (blank vs zero vs NA) are all right.
"""

from __future__ import annotations

import pytest
from conftest import REPORTS, expected_cell, manifest, norm, parsed, truth

from parsers import schema

TEXT_FORMATS = ("html", "docx", "pdf", "doc", "wps", "borderless_pdf", "ofd")
OCR_FORMATS = ("scan_pdf", "cid_pdf", "scan_ofd")  # read by OCR


def _columns(table: str, layout: str) -> tuple[str, ...]:
    if table == "t3_applications":
        return schema.T3_V2021.col_keys
    if table == "t4_review_litigation":
        return schema.T4.col_keys
    return {t.key: t for t in schema.t2_specs(layout)}[table].col_keys


def expected_cells(seed: str) -> dict[tuple[str, str, str], str]:
    t = truth(seed)
    out = {}
    for table, rows in t["tables"].items():
        cols = _columns(table, t["layouts"]["sec2"])
        for row, raws in rows.items():
            assert len(raws) == len(cols), (table, row)
            for col, raw in zip(cols, raws, strict=True):
                out[(table, row, col)] = raw
    return out


def cell_errors(report: dict, seed: str) -> list[str]:
    got = {(c["table"], c["row"], c["col"]): c for c in report["cells"]}
    errors = []
    for key, raw in expected_cells(seed).items():
        cell = got.get(key)
        value, semantic = expected_cell(raw)
        if cell is None:
            errors.append(f"{'/'.join(key)}: missing (want {raw!r})")
        elif (cell["value"], cell["semantic"]) != (value, semantic):
            errors.append(
                f"{'/'.join(key)}: want {raw!r} {semantic}, got {cell['raw']!r} {cell['semantic']}"
            )
    extra = set(got) - set(expected_cells(seed))
    errors += [f"{'/'.join(k)}: not in the truth" for k in sorted(extra)]
    return errors


def entries(formats):
    return [pytest.param(e, id=e["file"]) for e in manifest() if e["format"] in formats]


@pytest.mark.parametrize("entry", entries(TEXT_FORMATS))
def test_text_layer_formats_every_cell(entry):
    report = parsed(str(REPORTS / entry["file"]))
    assert report["extraction"] == "text", report["warnings"]
    assert cell_errors(report, entry["seed"]) == []
    assert not any("confidence" in c for c in report["cells"])  # read, not recognised


@pytest.mark.parametrize("entry", entries((*TEXT_FORMATS, *OCR_FORMATS)))
def test_formats_metadata(entry):
    report = parsed(str(REPORTS / entry["file"]))
    t, want = truth(entry["seed"]), entry["expected"]
    assert norm(report["title"]) == norm(want["title"])
    assert report["agency"] == want["agency"]
    assert report["year"] == want["year"]
    assert report["report_date"] == want["report_date"]
    assert report["template_version"] == t["template_version"]
    assert report["layouts"] == t["layouts"]
    assert report["is_annual_report"] is True


@pytest.mark.parametrize("entry", entries(OCR_FORMATS))
def test_scanned_documents_every_cell(entry):
    # A scan (straight or tilted, noisy) and a PDF whose CJK text extracts as (cid:…) both go
    # through OCR and must come out cell for cell like the text-layer formats.
    report = parsed(str(REPORTS / entry["file"]))
    assert report["extraction"] == "ocr", report["warnings"]
    assert cell_errors(report, entry["seed"]) == []
    # every cell read from the picture says how sure the recogniser was of it
    printed = [c for c in report["cells"] if c["raw"]]
    assert printed and all(0.5 <= c["confidence"] <= 1 for c in printed)


@pytest.mark.parametrize("entry", entries(("image",)))
def test_image_page_reads_right_what_it_holds(entry):
    # One photographed page holds only some tables, and part of one that continues overleaf:
    # what it holds must be read right, nothing invented, and the page's tables mostly found.
    report = parsed(str(REPORTS / entry["file"]))
    assert report["extraction"] == "ocr", report["warnings"]
    tables = {c["table"] for c in report["cells"]}
    assert tables, "no table recognised on the page"
    errors = cell_errors(report, entry["seed"])
    assert [e for e in errors if ": missing (want" not in e] == []
    expected = [k for k in expected_cells(entry["seed"]) if k[0] in tables]
    assert len(report["cells"]) >= 0.9 * len(expected)


@pytest.mark.parametrize("entry", entries(("scan_pdf",)))
def test_scanned_cells_point_where_the_text_pdf_prints_them(entry):
    # The evidence page outlines a cell's box on the page: for a scan the box comes from the
    # OCR image and must land where the same cell stands in the text PDF it was scanned from
    # (tilted scans included: deskewing turns the image back only approximately).
    scan = parsed(str(REPORTS / entry["file"]))
    text = parsed(str(REPORTS / entry["seed"] / f"{entry['seed']}.pdf"))
    where = {(c["table"], c["row"], c["col"]): (c["page"], c["bbox"]) for c in text["cells"]}
    checked = 0
    for cell in scan["cells"]:
        page, (x0, top, x1, bottom) = where[(cell["table"], cell["row"], cell["col"])]
        assert cell["page"] == page
        cx, cy = (cell["bbox"][0] + cell["bbox"][2]) / 2, (cell["bbox"][1] + cell["bbox"][3]) / 2
        assert x0 - 6 <= cx <= x1 + 6 and top - 6 <= cy <= bottom + 6, (cell, (x0, top, x1, bottom))
        checked += 1
    assert checked == len(scan["cells"]) > 100
