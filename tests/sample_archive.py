"""A small real archive built from the committed fixture reports, for the publishing tests and
docs/make_screenshot.py.

Five real reports (seeds 000–004) ingested through the real pipeline (``crawler.archive.ingest``, no
OCR) from their HTML article pages, plus 003's PDF and 000's DOCX (so the archive holds binary
documents and a report seen as several documents), in four counties of three provinces. One more
report is added through ``Archive.add_report`` the way a crawl would record a second year: 003's
document listed on the portal as the 2022 report, dated after the departments' deadline — so
the archive has a late report and an agency with two years.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crawler.archive import Archive
from crawler.archive.ingest import ParseLimits, ingest
from crawler.provenance import Listing

REPORTS = Path(__file__).resolve().parent / "fixtures" / "reports"

PORTALS = [
    {"code": "141122", "name": "交城县", "province": "山西省", "prefecture": "吕梁市",
     "url": "http://www.jiaocheng.gov.cn/"},
    {"code": "141126", "name": "石楼县", "province": "山西省", "prefecture": "吕梁市",
     "url": "http://www.shilou.gov.cn/"},
    {"code": "370725", "name": "昌乐县", "province": "山东省", "prefecture": "潍坊市",
     "url": "http://www.changle.gov.cn/"},
    {"code": "630223", "name": "互助土族自治县", "province": "青海省", "prefecture": "海东市",
     "url": "http://www.huzhu.gov.cn/"},
]  # fmt: skip
SEED_PORTAL = {"000": "141122", "001": "630223", "002": "370725", "003": "370725", "004": "141126"}
EXTRA_FILES = ("003/003.pdf", "000/000.docx")
LATE_PUBLISHED = "2023-02-20"  # 20 days after the departments' deadline for 2022 reports


@dataclass
class Sample:
    path: Path
    reports: dict[str, int] = field(default_factory=dict)  # seed → report id
    documents: dict[str, str] = field(default_factory=dict)  # fixture file → sha256
    late_report: int = 0


def build(path: Path) -> Sample:
    """Build the sample archive at ``path`` (its documents go to ``<stem>-files/``)."""
    manifest = json.loads((REPORTS / "manifest.json").read_text(encoding="utf-8"))
    pub_dates = {f["seed"]: f["pub_date"] for f in manifest if f.get("pub_date")}
    archive = Archive(path)
    archive.upsert_portals(PORTALS)
    sample = Sample(path)
    parsed_003 = None
    for seed, code in SEED_PORTAL.items():
        for rel in (f"{seed}/{seed}.html", *(f for f in EXTRA_FILES if f.startswith(seed))):
            data = (REPORTS / rel).read_bytes()
            url = f"{next(p['url'] for p in PORTALS if p['code'] == code)}art/{seed}/{rel}"
            listing = Listing(
                portal_code=code,
                page_url=url.rsplit("/", 1)[0] + f"/{seed}.html",
                document_url=url,
                published=pub_dates[seed],
            )
            result = ingest(archive, data, Path(rel).name, listing, limits=ParseLimits(ocr=False))
            sample.reports[seed] = result.report_id
            sample.documents[rel] = result.sha256
            if seed == "003" and result.parsed is not None:
                parsed_003 = result.parsed
    assert parsed_003 is not None
    sample.late_report = archive.add_report(
        parsed_003,
        listing=Listing(
            portal_code="370725",
            page_url="http://www.changle.gov.cn/art/2023/2022.html",
            document_url="http://www.changle.gov.cn/art/2023/2022.pdf",
            published=LATE_PUBLISHED,
            title="昌乐县自然资源和规划局2022年政府信息公开工作年度报告",
            year=2022,
        ),
    )
    archive.close()
    return sample


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, timeout: float = 30) -> Iterator[str]:
    """Run ``nianbao serve`` on a free loopback port; yield its base URL; stop it after."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    raise RuntimeError(f"nianbao serve did not start:\n{output}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# Debian's Chromium, headless, as the tests and docs/make_screenshot.py drive it.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def launch_chromium(playwright):
    """A headless Chromium from a ``sync_playwright()`` context."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
