"""Make docs/screenshot.png: the archive's main table page in headless Chromium.

    .venv/bin/python docs/make_screenshot.py

Builds the sample archive of the tests (tests/sample_archive.py: the five fixture reports in
four counties) in a temporary directory, serves it with ``nianbao serve`` on a free loopback
port and photographs the ``reports`` table page with its facets. Needs Debian's chromium and
fonts-noto-cjk (``./run setup`` installs both); nothing is fetched from the network.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sample_archive import build, launch_chromium, serving  # noqa: E402

OUT = ROOT / "docs" / "screenshot.png"


def main(out: Path = OUT, path: str = "/archive/reports") -> Path:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        sample = build(Path(tmp) / "archive.db")
        with serving(sample.path) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + path, wait_until="networkidle")
            page.screenshot(path=str(out))
            browser.close()
    return out


if __name__ == "__main__":
    print(main(*(Path(a) if i == 0 else a for i, a in enumerate(sys.argv[1:]))))
