"""Bad input gets a clear warning and JSON, never a hang, a crash or noise on stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import REPORTS

from parsers import parse_bytes, parse_file
from parsers.guard import Aborted, run_isolated

GOOD_PDF = REPORTS / "003" / "003.pdf"
GOOD_DOCX = REPORTS / "003" / "003.docx"


def assert_none(report: dict, *words: str) -> None:
    assert report["extraction"] == "none"
    assert report["cells"] == []
    text = " ".join(report["warnings"])
    for w in words:
        assert w in text, report["warnings"]


def test_empty_file():
    assert_none(parse_bytes(b"", "x.pdf"), "empty")


def test_truncated_pdf():
    data = GOOD_PDF.read_bytes()
    assert_none(parse_bytes(data[: len(data) // 3], "cut.pdf"))


def test_garbage_named_pdf():
    report = parse_bytes(bytes(range(256)) * 50, "x.pdf")
    assert_none(report)


def test_encrypted_pdf_needs_password(tmp_path: Path):
    path = tmp_path / "locked.pdf"
    with pikepdf.open(GOOD_PDF) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    assert_none(parse_file(path), "password")


def test_pdf_with_owner_password_only_still_reads(tmp_path: Path):
    """Many portals publish PDFs with an empty user password (copy protection only)."""
    path = tmp_path / "protected.pdf"
    with pikepdf.open(GOOD_PDF) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="owner"))
    report = parse_file(path)
    assert report["extraction"] == "text" and len(report["cells"]) == 200


def test_zero_page_pdf(tmp_path: Path):
    path = tmp_path / "zero.pdf"
    pikepdf.new().save(path)
    report = parse_file(path)
    assert report["extraction"] == "none" and report["warnings"]


def test_500_page_pdf_is_bounded(tmp_path: Path):
    path = tmp_path / "huge.pdf"
    with pikepdf.open(GOOD_PDF) as src:
        big = pikepdf.new()
        while len(big.pages) < 500:
            big.pages.append(src.pages[len(big.pages) % len(src.pages)])
        big.save(path)
    started = time.monotonic()
    report = parse_file(path, timeout=60)
    assert time.monotonic() - started < 60
    assert report["source"]["pages"] == 500
    assert any("500" in w for w in report["warnings"]), report["warnings"]


def _bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b"<w:document>")
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(chunk)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused():
    data = _bomb(300 << 20)  # 300 MB of zeros in a few hundred KB
    assert len(data) < 2_000_000
    started = time.monotonic()
    report = parse_bytes(data, "report.docx")
    assert time.monotonic() - started < 10
    assert_none(report, "zip bomb")


def test_truncated_docx():
    data = GOOD_DOCX.read_bytes()
    assert_none(parse_bytes(data[: len(data) // 2], "cut.docx"))


def test_pdf_that_is_really_html():
    page = "<html><head><title>404</title></head><body><h1>您访问的页面不存在</h1></body></html>"
    report = parse_bytes(page.encode(), "report.pdf")
    text = " ".join(report["warnings"])
    assert "HTML" in text and ".pdf" in text
    assert report["is_annual_report"] is False
    assert report["cells"] == []


def test_non_report_document_is_recognised_as_such():
    text = (
        "某某县2023年法治政府建设年度报告\n一、主要举措和成效\n全面推进依法行政。\n"
        "二、存在的不足\n法治宣传仍需加强。\n"
    )
    report = parse_bytes(text.encode(), "fazhi.txt")
    assert report["is_annual_report"] is False
    assert any("does not look like" in w for w in report["warnings"])
    assert report["cells"] == []


def test_gbk_page_declared_utf8_is_decoded():
    html = (REPORTS / "000" / "000.html").read_bytes()
    text = html.decode("gb18030")
    lying = text.replace('charset="gbk"', 'charset="utf-8"').replace("charset=gbk", "charset=utf-8")
    data = lying.encode("gb18030")
    report = parse_bytes(data, "page.html")
    assert report["agency"] == "交城县自然资源局"
    assert len(report["cells"]) == 200
    assert any("declared utf-8" in w for w in report["warnings"])


def test_timeout_kills_a_hanging_parse():
    started = time.monotonic()
    with pytest.raises(Aborted, match="gave up"):
        run_isolated(time.sleep, 30, timeout=1)
    assert time.monotonic() - started < 5


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))


def test_memory_limit_stops_a_runaway_parse():
    with pytest.raises(Aborted, match="memory"):
        run_isolated(_allocate, 1024, timeout=30, memory_mb=256)
    assert run_isolated(_allocate, 16, timeout=30, memory_mb=256) == 16 << 20


def test_cli_prints_only_json_even_for_garbage(tmp_path: Path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "parse", str(bad)], capture_output=True, timeout=60
    )
    assert proc.returncode == 0
    report = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert report["extraction"] == "none" and report["warnings"]


def test_cli_missing_file_exits_2(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "parse", str(tmp_path / "nope.pdf")],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == b"" and b"does not exist" in proc.stderr
