"""The published archive in headless Chromium, against a real ``nianbao serve`` process.

Pages must render with their Chinese text, without console errors and without a single request
that fails or leaves the machine (every asset is served by the package), the search box must
find 复议, and the chart page must draw its SVG.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_archive import Sample, build, launch_chromium, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Sample:
    return build(tmp_path_factory.mktemp("browser") / "archive.db")


@pytest.fixture(scope="module")
def server(sample) -> Iterator[str]:
    with serving(sample.path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class Watched:
    """A page that records console errors and failed or off-machine requests."""

    def __init__(self, browser, base: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on(
            "request",
            lambda r: r.url.startswith(base) or r.url.startswith("data:")
            or self.errors.append(f"off-site: {r.url}"),
        )  # fmt: skip

    def open(self, path: str):
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        return self.page

    def close(self):
        self.page.close()
        assert self.errors == []


@pytest.fixture
def watched(browser, server):
    w = Watched(browser, server)
    yield w
    w.close()


def test_pages_render_with_chinese_text(watched, sample):
    for path, text in [
        ("/", "政府信息公开工作年度报告"),
        ("/archive/reports", "昌乐县自然资源和规划局"),
        (f"/-/report/{sample.reports['003']}", "一、本年新收政府信息公开申请数量"),
        ("/-/places", "山东省"),
        ("/archive/counties_by_applications?year=2023", "昌乐县"),
    ]:
        page = watched.open(path)
        assert text in page.inner_text("body"), path
        # The stylesheet from the package applied: printed tables get their borders.
        assert page.evaluate("document.styleSheets.length") >= 2


def test_report_page_cells_in_place(watched, sample):
    page = watched.open(f"/-/report/{sample.reports['003']}")
    row = page.locator("section#sec-sec3 tr", has_text="一、本年新收政府信息公开申请数量")
    assert row.locator("td").all_inner_texts() == ["23", "4", "0", "0", "0", "0", "27"]
    box = page.locator("section#sec-sec3 th", has_text="三、本年度办理结果").bounding_box()
    assert box is not None and box["height"] > 10 * box["width"] / 2  # spans the 22 rows


def test_search_box_finds_fuyi(watched):
    page = watched.open("/archive/reports")
    page.fill("input[name=_search]", "复议")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "search matches" in page.inner_text("body")
    assert page.locator("table.rows-and-columns tbody tr").count() >= 3
    page = watched.open("/-/search")
    page.fill("#search-q", "诉讼")
    page.locator("#search-q").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("li.result").count() >= 1
    assert page.locator("mark", has_text="诉讼").count() >= 1


def test_chart_page_draws_svg(watched):
    page = watched.open("/-/charts")
    chart = page.locator("#chart-applications svg")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("#chart-applications svg rect").count() > 5
    assert "予以公开 granted" in (chart.text_content() or "")


DOCS = Path(__file__).resolve().parent.parent / "docs"


def shoot(page, name: str) -> None:
    """A screenshot for docs/publishing.md's journalist's path."""
    page.screenshot(path=str(DOCS / f"findings-{name}.png"), full_page=False)


def test_a_journalists_path_through_the_findings(watched, sample):
    # 1. the map: a dot per county; a dot opens its county
    page = watched.open("/-/map?indicator=substantive_disclosure_rate&year=2023&min_n=20")
    assert page.locator("#county-map svg a circle").count() >= 2830  # every county placed
    box = page.locator("#county-map svg").bounding_box()
    assert box is not None and box["width"] > 600
    shoot(page, "map")
    page.locator('#county-map a[href="/-/county/370725"]').first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/-/county/370725")
    # 2. the county page: agencies × years, indicators, flags, every report
    body = page.inner_text("body")
    assert "昌乐县自然资源和规划局" in body and "实质公开率" in body and "similar_text" in body
    assert page.locator("#agency-years td.found").count() >= 2
    assert page.locator("#agency-years td.stopped").count() >= 1
    shoot(page, "county")
    # 3. the ranking of its province, with the guard shown and who is left out
    page = watched.open("/-/rankings?indicator=substantive_disclosure_rate&year=2023"
                        "&province=山东省&min_n=30")  # fmt: skip
    assert "N ≥ 30" in page.inner_text("#guard")
    assert page.locator("#ranked tbody tr").count() == 0
    assert "N = 24 < 30" in page.inner_text("#left-out")
    page.fill("input[name=min_n]", "20")
    page.locator("#ranking-form input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#ranked tbody tr").count() == 1
    shoot(page, "rankings")
    # 4. a number on the report page, checked against the original page
    page = watched.open(f"/-/report/{sample.reports['003']}")
    pdf_report = sample.late_report  # 003's PDF, archived again as the 2022 report
    page = watched.open(f"/-/report/{pdf_report}")
    page.locator("section#sec-sec3 a.evidence").first.click()
    page.wait_for_load_state("networkidle")
    assert "/-/evidence/" in page.url
    image = page.locator("#evidence-page img")
    assert image.count() == 1
    assert page.evaluate("document.querySelector('#evidence-page img').naturalWidth") > 500
    shoot(page, "evidence")
    # 5. downloads and the flags feed answer
    page = watched.open("/-/downloads")
    assert page.locator("#csv-downloads a").count() >= 5
    shoot(page, "downloads")
