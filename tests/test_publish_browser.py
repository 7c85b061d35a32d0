"""The published archive in headless Chromium, against a real ``nianbao serve`` process.

Pages must render with their Chinese text, without console errors and without a single request
that fails or leaves the machine (every asset is served by the package), the search box must
find 复议, and the chart page must draw its SVG.
"""

from __future__ import annotations

from collections.abc import Iterator

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
