"""Evidence one click from every number: where each cell was read, and what an indicator sums.

``/-/evidence/<report>?cell=t3_applications.granted.total`` shows one cell — its printed text,
its value, its table, row and column in the national format — and, for a PDF read from its text
layer, the original page with the cell's box drawn on it
(``/-/evidence/<report>/page.png?cell=…``, rendered from the stored document with pdfium).
``?indicator=<key>`` lists the cells an indicator of the report adds up, each with its own
evidence link. What the parsers do not keep is said on the page: DOCX and HTML documents have
no pages (the table, row and column are the provenance), and OCR'd scans keep the page but not
the box (the OCR works on a resized image whose scale is not recorded).
"""

from __future__ import annotations

import asyncio
import io
import json

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, NotFound, Request, Response

from crawler.archive.metrics import BY_KEY

from .common import archive, arg, files_dir, html, url_id
from .vocab import cell_label

PDF = "application/pdf"
RENDER_SCALE = 1.6  # 115 dpi: the printed digits readable, the page a few hundred kB


def parse_cell(text: str) -> tuple[str, str, str]:
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        raise BadRequest("cell is table.row.col, e.g. t3_applications.granted.total")
    return parts[0], parts[1], parts[2]


async def _report(db, report_id: int) -> dict:
    row = (
        await db.execute(
            "SELECT r.id, r.title, r.agency, r.year, r.county, r.portal_code, r.media_type, "
            "r.extraction, r.document_sha256, r.page_url, d.path FROM reports r "
            "LEFT JOIN documents d ON d.sha256 = r.document_sha256 WHERE r.id = ?",
            [report_id],
        )
    ).first()
    if row is None:
        raise NotFound(f"No report {report_id}")
    return dict(row)


async def _cell(db, report_id: int, key: tuple[str, str, str]) -> dict | None:
    row = (
        await db.execute(
            "SELECT table_key, row_key, col_key, value, raw, semantic, unit, page, flags, bbox "
            "FROM cells WHERE report_id = ? AND table_key = ? AND row_key = ? AND col_key = ?",
            [report_id, *key],
        )
    ).first()
    if row is None:
        return None
    cell = dict(row)
    cell["bbox"] = json.loads(cell["bbox"]) if cell["bbox"] else None
    try:
        cell["label"] = cell_label(*key)
    except KeyError:
        cell["label"] = ".".join(key)
    cell["key"] = ".".join(key)
    return cell


def missing(report: dict, cell: dict | None) -> str:
    """What the archive does not know about where the cell was printed, in words."""
    if cell is None:
        return "the report has no such cell (its layout lacks it, or the table was not read)"
    if report["media_type"] == PDF and cell["bbox"]:
        return ""
    if report["media_type"] == PDF and report["extraction"] in ("ocr", "mixed"):
        return "a scanned page: the page is known, the box is not (OCR coordinates are not kept)"
    if report["media_type"] == PDF:
        return "the box was not recorded (parsed before boxes were kept: nianbao reparse)"
    return (
        "this format has no pages: the provenance is the table, row and column of the "
        "document's own table (open the original and find the row)"
    )


async def evidence_page(datasette, request: Request):
    db = archive(datasette)
    report = await _report(db, url_id(request))
    cells, metric = [], None
    if key := arg(request, "indicator"):
        metric = BY_KEY.get(key)
        if metric is None:
            raise NotFound("No such indicator")
        for part, members in (("numerator", metric.numerator), ("denominator", metric.denominator)):
            for c in members:
                cell = await _cell(db, report["id"], (c.table, c.row, c.col))
                cells.append({"part": part, "key": c.key, "cell": cell})
        value = (
            await db.execute(
                "SELECT * FROM indicators WHERE report_id = ? AND indicator = ?",
                [report["id"], key],
            )
        ).first()
        value = dict(value) if value else None
    else:
        cell_key = parse_cell(arg(request, "cell"))
        cell = await _cell(db, report["id"], cell_key)
        if cell is None:
            raise NotFound("No such cell in this report")
        cells.append({"part": "cell", "key": cell["key"], "cell": cell})
        value = None
    for c in cells:
        c["missing"] = missing(report, c["cell"])
    return await html(
        datasette,
        request,
        "nianbao_evidence.html",
        {"report": report, "cells": cells, "metric": metric, "value": value},
    )


def render_page(path: str, page: int, bbox: list[float] | None) -> bytes:
    """One page of a PDF as PNG, the box (PDF points from the top-left) outlined in red."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            raise NotFound("No such page")
        image = pdf[page - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()
    if bbox:
        x0, top, x1, bottom = (v * RENDER_SCALE for v in bbox)
        draw = ImageDraw.Draw(image, "RGBA")
        draw.rectangle([x0 - 3, top - 3, x1 + 3, bottom + 3], fill=(255, 221, 0, 70),
                       outline=(213, 0, 0, 255), width=3)  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


async def page_png(datasette, request: Request) -> Response:
    db = archive(datasette)
    report = await _report(db, url_id(request))
    cell = await _cell(db, report["id"], parse_cell(arg(request, "cell")))
    if cell is None or report["media_type"] != PDF or not cell["page"] or not report["path"]:
        raise NotFound("No page to show for this cell")
    root = files_dir(datasette)
    path = (root / report["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("The document's file is missing")
    png = await asyncio.to_thread(render_page, str(path), int(cell["page"]), cell["bbox"])
    return Response(png, content_type="image/png", headers={"cache-control": "max-age=86400"})


@hookimpl
def register_routes():
    return [
        (r"^/-/evidence/(?P<id>\d+)$", evidence_page),
        (r"^/-/evidence/(?P<id>\d+)/page\.png$", page_png),
    ]
