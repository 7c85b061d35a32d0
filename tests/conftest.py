from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REPORTS = FIXTURES / "reports"
SEEDS_DIR = FIXTURES / "seeds"  # copies of shared/seeds: real report texts


def truth(seed: str) -> dict:
    return json.loads((FIXTURES / "truth" / f"{seed}.json").read_text(encoding="utf-8"))


def manifest() -> list[dict]:
    data = json.loads((REPORTS / "manifest.json").read_text(encoding="utf-8"))
    return data["files"] if isinstance(data, dict) else data


def expected_cell(raw: str) -> tuple[float | None, str]:
    """What a printed cell means, written independently of parsers.values (spec §6)."""
    s = re.sub(r"\s+", "", raw)
    if s == "":
        return None, "EMPTY"
    if s in ("/", "／", "-", "—", "——", "无"):
        return None, "NA"
    s = s.removesuffix("万元").removesuffix("元").removesuffix("件")
    value = float(s) if "." in s else int(s)
    return value, "ZERO" if value == 0 else "NUMERIC"


@cache
def parsed(path: str, **kwargs) -> dict:
    """Parse each fixture once per test session (the parser is deterministic)."""
    from parsers import parse_file

    return parse_file(path, **kwargs)


def norm(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", "", text)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


# Documents that only OCR reads (scans, (cid:) PDFs, page images) and those LibreOffice must
# convert first (DOC, WPS, and the PDFs test_pdf.py renders from DOCX).
_OCR_CASE = re.compile(r"\.(scan\.|cid\.)|\.(png|jpe?g|tiff?)\]")
_OFFICE_CASE = re.compile(r"\.(doc|wps)\]")
_SLOW_BY_NAME = {
    "test_js_lists_render_in_chromium": "browser",
    "test_500_page_pdf_is_bounded": "e2e",
    "test_plain_datasette_serves_the_same_site": "e2e",
    "test_reparse_command": "e2e",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # OCR, LibreOffice, browser and subprocess tests are slow by nature: the fast tier
    # (-m "not e2e") leaves them out; the full suite (what CI runs) keeps them all.
    for item in items:
        if _OCR_CASE.search(item.nodeid):
            item.add_marker(pytest.mark.ocr)
        if _OFFICE_CASE.search(item.nodeid) or "pdfs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
        if mark := _SLOW_BY_NAME.get(item.originalname if hasattr(item, "originalname") else ""):
            item.add_marker(getattr(pytest.mark, mark))
        if item.get_closest_marker("ocr") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.e2e)
