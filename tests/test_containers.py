"""Workbooks read cell for cell; ZIP archives of report documents opened safely (issue #13).

Fixtures from tests/fixtures/make_traits.py: the workbooks print the seeds' truth tables, the
archives hold the seeds' rendered documents, so every expected cell is a truth file's.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import norm, parsed, truth
from test_formats import cell_errors
from test_traits import TRAITS, traits

from parsers import container, parse_bytes
from parsers.container import check_zip, read_members

SHEETS = [pytest.param(e, id=e["file"]) for e in traits() if e["trait"] == "sheet"]


@pytest.mark.parametrize("entry", SHEETS)
def test_spreadsheets_every_cell(entry):
    report = parsed(str(TRAITS / entry["file"]))
    assert report["extraction"] == "text", report["warnings"]
    assert cell_errors(report, entry["seed"]) == []
    t = truth(entry["seed"])
    assert report["layouts"] == t["layouts"]
    assert (report["agency"], report["year"]) == (t["agency"], t["year"])
    assert norm(report["title"]) == norm(t["title"])


def test_a_zip_of_one_report_is_that_report():
    report = parsed(str(TRAITS / "bundle.single.zip"))
    assert cell_errors(report, "003") == []
    assert report["source"]["media_type"] == "application/zip"
    # The member's GBK name (no UTF-8 flag) is decoded, not mojibake.
    assert report["source"]["member"]["file"].endswith("年报/昌乐县自然资源和规划局2023年年报.docx")
    assert [m["source"]["sha256"] for m in report["members"]] == [
        report["source"]["member"]["sha256"]
    ]


def test_a_zip_of_several_reports_gives_each():
    report = parsed(str(TRAITS / "bundle.many.zip"))
    want = next(e for e in traits() if e["file"] == "bundle.many.zip")["members"]
    assert report["cells"] == [] and report["extraction"] == "none"
    got = {m["source"]["file"].removeprefix("bundle.many.zip/"): m for m in report["members"]}
    for name, seed in want.items():
        assert cell_errors(got[name], seed) == [], name
        assert got[name]["agency"] == truth(seed)["agency"]
    assert got["2023年报/说明.txt"]["is_annual_report"] is False
    assert any("附件.zip" in w and "archive inside" in w for w in report["warnings"])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_no_path_inside_touches_the_file_system(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    html = (Path(__file__).parent / "fixtures/reports/004/004.html").read_bytes()
    evil = {"../../evil.html": html, "/tmp/nianbao-evil-absolute.html": html}
    report = parse_bytes(_zip(evil), "evil.zip", isolate=False, ocr=False)
    assert len(report["members"]) == 2
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Path("/tmp/nianbao-evil-absolute.html").exists()


def test_a_decompression_bomb_is_not_inflated():
    bomb = _zip({"report.pdf": b"%PDF-1.4\n" + b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000  # ~1000:1
    members, warnings = read_members(bomb)
    assert members == []
    assert any("unsafe" in w and "200:1" in w for w in warnings)
    assert check_zip(bomb) is not None
    # The same bomb as a workbook part never reaches openpyxl.
    xlsx = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (8 << 20)})
    report = parse_bytes(xlsx, "bomb.xlsx", isolate=False, ocr=False)
    assert report["extraction"] == "none"
    assert any("unsafe" in w for w in report["warnings"])


def test_limits_on_size_and_count(monkeypatch):
    docs = {f"{i}.txt": "政府信息公开工作年度报告\n".encode() * 50 for i in range(3)}
    monkeypatch.setattr(container, "MAX_MEMBERS", 2)
    members, warnings = read_members(_zip(docs))
    assert [m.name for m in members] == ["0.txt", "1.txt"]
    assert any("beyond the first 2" in w and "2.txt" in w for w in warnings)
    monkeypatch.setattr(container, "MAX_MEMBERS", 20)
    monkeypatch.setattr(container, "MAX_MEMBER_BYTES", 1000)
    members, warnings = read_members(_zip(docs))
    assert members == [] and any("inflates past 1000 bytes" in w for w in warnings)


def test_ingest_archives_each_member_as_its_own_document(tmp_path):
    from crawler.archive.database import Archive
    from crawler.archive.ingest import ParseLimits, ingest

    archive = Archive(tmp_path / "archive.db")
    data = (TRAITS / "bundle.many.zip").read_bytes()
    first = ingest(archive, data, "bundle.many.zip", limits=ParseLimits(ocr=False))
    ids = [m.report_id for m in first.members if m.report_id is not None]
    assert len(ids) == 3 and len(set(ids)) == 3 and first.report_id == ids[0]
    docs = {r["report_id"]: r["document_sha256"] for r in archive.db.query(
        "SELECT id AS report_id, document_sha256 FROM reports")}  # fmt: skip
    assert {docs[i] for i in ids} == {m.sha256 for m in first.members if m.report_id}
    assert first.sha256 not in docs.values()  # the zip is a document, not a report's
    again = ingest(archive, data, "bundle.many.zip", limits=ParseLimits(ocr=False))
    assert again.parsed is None and again.report_id in ids  # the same zip: nothing parsed
