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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # OCR and browser tests are slow by nature: the fast tier (-m "not e2e") leaves them out.
    for item in items:
        if item.get_closest_marker("ocr") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.e2e)
