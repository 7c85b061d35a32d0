"""``reparse`` reads every kind of report the way ingest did: pictures, scans, attachments.

The archive is built through the real ingest path from the sample farm's documents — a 图片版
report (three JPEG page slices inside an article page), a scanned PDF (OCR), a PDF, a DOCX, a
WPS and an OFD attachment, and an HTML article that is the report itself — then re-parsed with
``--all``; each report must keep its id and every cell it had.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.archive.ingest import ParseLimits, ingest, ingest_pictures
from crawler.archive.reparse import reparse
from crawler.provenance import Listing

pytestmark = pytest.mark.ocr  # the pictures and the scan are read by OCR

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "farm" / "content"
HTML_REPORT = ROOT / "tests" / "fixtures" / "reports" / "001" / "001.html"
PORTAL = {
    "code": "990501",
    "name": "葭川县",
    "province": "陕西省",
    "prefecture": "榆林市",
    "url": "http://www.jiachuan.gov.cn.test/",
}
SITE = "http://www.jiachuan.gov.cn.test"
ARTICLE = f"{SITE}/info/1021/5501.htm"
PICTURES = [f"{SITE}/__local/9/AB/CD/p{n}.jpg" for n in (1, 2, 3)]
ATTACHMENTS = {
    "scan": "990501-zjj-2023.scan.pdf",
    "pdf": "990501-gov-2023.pdf",
    "docx": "990501-office-2023.docx",
    "wps": "990501-jyj-2022.wps",
    "ofd": "990501-wjj-2023.ofd",
}


def article_page() -> bytes:
    imgs = "".join(f'<p><img src="/__local/9/AB/CD/p{n}.jpg" alt=""></p>' for n in (1, 2, 3))
    return (
        "<html><head><meta charset='utf-8'><title>葭川县人民政府2022年政府信息公开工作年度报告"
        "（图片版）</title></head><body><div class='logo'><img src='/images/logo.png'></div>"
        f"<div class='v_news_content'>{imgs}</div></body></html>"
    ).encode()


def build(db: Path) -> dict[str, int]:
    """The archive: one report of each kind. Returns kind → report id."""
    archive = Archive(db)
    archive.upsert_portals([PORTAL])
    ids, why = {}, {}
    images = [(u, (CONTENT / f"990501-gov-2022.p{n}.jpg").read_bytes()) for n, u in
              zip((1, 2, 3), PICTURES, strict=True)]  # fmt: skip
    listing = Listing(portal_code="990501", page_url=ARTICLE, document_url=ARTICLE,
                      title="葭川县人民政府2022年政府信息公开工作年度报告（图片版）")  # fmt: skip
    ids["pictures"] = ingest_pictures(archive, article_page(), images, listing).report_id
    for kind, name in ATTACHMENTS.items():
        url = f"{SITE}/system/_content/download.jsp?id={kind}"
        page = f"{SITE}/info/{kind}.htm"
        listing = Listing(portal_code="990501", page_url=page, document_url=url)
        got = ingest(archive, (CONTENT / name).read_bytes(), name, listing)
        ids[kind] = got.report_id
        why[kind] = (got.parsed or {}).get("warnings")
    url = f"{SITE}/info/1021/html.htm"
    listing = Listing(portal_code="990501", page_url=url, document_url=url)
    ids["html"] = ingest(archive, HTML_REPORT.read_bytes(), "", listing).report_id
    archive.close()
    assert all(ids.values()), {k: why.get(k) for k, v in ids.items() if not v}
    return ids


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    db = tmp_path_factory.mktemp("kinds") / "archive.db"
    return db, build(db)


def copy(built, tmp_path: Path) -> Path:
    db, _ = built
    shutil.copy(db, tmp_path / "archive.db")
    shutil.copytree(db.with_name("archive-files"), tmp_path / "archive-files")
    return tmp_path / "archive.db"


def cells(db: Path) -> dict[int, list[tuple]]:
    con = sqlite3.connect(db)
    out: dict[int, list[tuple]] = {}
    for row in con.execute(
        "SELECT report_id, table_key, row_key, col_key, value, raw, semantic FROM cells "
        "ORDER BY 1, 2, 3, 4"
    ):
        out.setdefault(row[0], []).append(row[1:])
    con.close()
    return out


def test_each_kind_has_cells_to_lose(built):
    _, ids = built
    before = cells(built[0])
    assert {kind: len(before.get(i, [])) > 100 for kind, i in ids.items()} == dict.fromkeys(
        ids, True
    )
    con = sqlite3.connect(built[0])
    extraction = dict(con.execute("SELECT id, extraction FROM reports"))
    assert extraction[ids["pictures"]] == "ocr" and extraction[ids["scan"]] == "ocr"
    pages = con.execute(
        "SELECT url, page_number FROM report_documents WHERE page_of IS NOT NULL ORDER BY 2"
    ).fetchall()
    assert pages == [(u, n) for n, u in enumerate(PICTURES, 1)]  # the printed order, recorded
    # what OCR read carries its recognition confidence in the archive; a text layer none
    sure = dict(
        con.execute(
            "SELECT report_id, sum(confidence IS NOT NULL AND confidence BETWEEN 0.5 AND 1) "
            "* 1.0 / sum(raw != '') FROM cells GROUP BY report_id"
        )
    )
    assert sure[ids["scan"]] == sure[ids["pictures"]] == 1.0
    assert all(sure[i] == 0 for kind, i in ids.items() if kind not in ("scan", "pictures"))


def test_reparse_all_keeps_every_kind_and_its_ids(built, tmp_path):
    db = copy(built, tmp_path)
    before = cells(db)
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "reparse", "--db", str(db), "--all"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{len(before)} of {len(before)} reports re-parsed" in proc.stdout
    assert cells(db) == before  # same ids, same cells, for every kind


def test_an_archive_from_before_page_numbers_is_read_in_printed_order(built, tmp_path):
    # Older archives recorded the pictures without their page numbers (before m005), and in
    # no particular order: reparse recovers the order from the stored article page.
    db = copy(built, tmp_path)
    before = cells(db)
    con = sqlite3.connect(db)
    con.execute("UPDATE report_documents SET page_of = NULL, page_number = NULL")
    # an older parser read it: the default reparse (outdated reports only) reads it again
    con.execute("UPDATE reports SET parser_version = '0.0.1' WHERE id = ?", [built[1]["pictures"]])
    con.commit()
    con.close()
    archive = Archive(db)
    assert reparse(archive)["reparsed"] == 1
    assert cells(db) == before
    pages = archive.db.execute(
        "SELECT url, page_number FROM report_documents WHERE page_of IS NOT NULL ORDER BY 2"
    ).fetchall()
    assert pages == [(u, n) for n, u in enumerate(PICTURES, 1)]  # and it is on record now


def test_reparse_without_ocr_leaves_what_ocr_read(built, tmp_path):
    db = copy(built, tmp_path)
    before = cells(db)
    stats = reparse(Archive(db), everything=True, limits=ParseLimits(ocr=False))
    assert stats["needs_ocr"] == 2 and stats["reparsed"] == len(before) - 2
    assert cells(db) == before
