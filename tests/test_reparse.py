"""``nianbao reparse``: stored documents read again, with the ids and provenance kept."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest
from sample_archive import Sample, build

from crawler.archive import Archive
from crawler.archive.ingest import ParseLimits
from crawler.archive.reparse import reparse
from crawler.provenance import Listing


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Sample:
    return build(tmp_path_factory.mktemp("reparse") / "archive.db")


def copy(sample: Sample, tmp_path) -> Archive:
    shutil.copy(sample.path, tmp_path / "archive.db")
    shutil.copytree(sample.path.with_name("archive-files"), tmp_path / "archive-files")
    return Archive(tmp_path / "archive.db")


def snapshot(archive: Archive) -> dict:
    """Per report: what a reader sees (key, provenance, cells, checks)."""
    out = {}
    for r in archive.db.query("SELECT * FROM reports ORDER BY id"):
        cells = archive.db.execute(
            "SELECT table_key, row_key, col_key, value, raw, semantic FROM cells "
            "WHERE report_id = ? ORDER BY 1, 2, 3",
            [r["id"]],
        ).fetchall()
        checks = archive.db.execute(
            "SELECT rule, scope, status FROM checks WHERE report_id = ? ORDER BY 1, 2", [r["id"]]
        ).fetchall()
        keep = ("report_key", "page_url", "document_url", "published", "title", "agency", "year")
        out[r["id"]] = ({k: r[k] for k in keep}, cells, checks)
    return out


def test_reparse_all_keeps_ids_provenance_and_cells(sample, tmp_path):
    archive = copy(sample, tmp_path)
    before = snapshot(archive)
    stats = reparse(archive, everything=True, limits=ParseLimits(ocr=False))
    assert stats["reparsed"] == len(before) and stats["merged"] == 0
    assert snapshot(archive) == before


def test_reparse_reads_only_outdated_reports_by_default(sample, tmp_path):
    archive = copy(sample, tmp_path)
    assert reparse(archive, limits=ParseLimits(ocr=False))["reparsed"] == 0
    archive.db.execute("UPDATE reports SET parser_version = '0.0.1' WHERE id = ?", [1])
    assert reparse(archive, limits=ParseLimits(ocr=False))["reparsed"] == 1


def test_a_report_whose_key_changes_keeps_its_id(sample, tmp_path):
    archive = copy(sample, tmp_path)
    report = archive.db["reports"].get(sample.reports["000"])
    doc = archive.document(report["document_sha256"])
    from parsers import parse_bytes

    parsed = parse_bytes(archive.store.get(doc["path"]), doc["filename"] or "", ocr=False)
    renamed = Listing(portal_code=report["portal_code"], agency="某某县审计局", year=2020)
    same_id = archive.add_report(parsed, listing=renamed, replace_id=report["id"])
    assert same_id == report["id"]
    row = archive.db["reports"].get(same_id)
    assert row["agency"] == "某某县审计局" and row["year"] == 2020
    assert row["report_key"] != report["report_key"]
    assert archive.db["cells"].count_where("report_id = ?", [same_id]) > 0


def test_a_report_whose_new_key_is_taken_is_merged_into_that_one(sample, tmp_path):
    archive = copy(sample, tmp_path)
    a, b = (archive.db["reports"].get(sample.reports[s]) for s in ("000", "001"))
    doc = archive.document(a["document_sha256"])
    from parsers import parse_bytes

    parsed = parse_bytes(archive.store.get(doc["path"]), doc["filename"] or "", ocr=False)
    as_b = Listing(portal_code=b["portal_code"], agency=b["agency"], year=b["year"])
    merged = archive.add_report(parsed, listing=as_b, replace_id=a["id"])
    assert merged == b["id"]
    assert archive.db["reports"].count_where("id = ?", [a["id"]]) == 0
    assert archive.db["cells"].count_where("report_id = ?", [a["id"]]) == 0
    urls = {r["url"] for r in archive.db["report_documents"].rows_where("report_id = ?", [b["id"]])}
    assert a["document_url"] in urls  # where the merged report was found stays on record


def test_reparse_command(sample, tmp_path):
    copy(sample, tmp_path).close()
    db = tmp_path / "archive.db"
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "reparse", "--db", str(db), "--all", "--no-ocr"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    n = sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0]
    assert f"{n} of {n} reports re-parsed" in proc.stdout
