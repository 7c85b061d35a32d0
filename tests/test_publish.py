"""The published archive, through Datasette's own client (crawler/publish/).

One small real archive is built per session from the fixture reports (tests/sample_archive.py);
every test asks the configured Datasette for pages, JSON, search results, canned queries, the
report page, original documents and the Atom feed, and checks the answers against the archive
itself or against the printed reports.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from lxml import html as lxml_html
from sample_archive import REPORTS, Sample, build

from crawler.archive.store import files_dir_for
from crawler.publish.app import make_datasette
from crawler.publish.queries import CANNED

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Sample:
    return build(tmp_path_factory.mktemp("publish") / "archive.db")


@pytest.fixture
def ds(sample):
    return make_datasette(sample.path)


async def get(ds, path: str, status: int = 200):
    response = await ds.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:2000])
    return response


async def rows(ds, path: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    return (await get(ds, f"{path}{sep}_shape=array")).json()


def db_rows(sample: Sample, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{sample.path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def containing(sample: Sample, term: str) -> set[int]:
    """The oracle for search: reports whose title, agency or text contains the term."""
    term = unicodedata.normalize("NFKC", term)
    return {
        r["id"]
        for r in db_rows(sample, "SELECT id, title, agency, text FROM reports")
        if any(
            term in unicodedata.normalize("NFKC", r[k] or "") for k in ("title", "agency", "text")
        )
    }


# --- the site ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_home_page_has_metadata_and_links(ds):
    page = (await get(ds, "/")).text
    assert "政府信息公开工作年度报告" in page
    assert "Apache-2.0" in page and "public government information" in page
    for link in ("/-/search", "/-/charts", "/-/places", "/-/feed.atom", "/archive/failing_checks"):
        assert f'href="{link}' in page, link
    assert "/-/static-plugins/nianbao/nianbao.css" in page  # our stylesheet, served locally


@pytest.mark.asyncio
async def test_static_assets_are_served_from_the_package(ds):
    css = await get(ds, "/-/static-plugins/nianbao/nianbao.css")
    assert "table.printed" in css.text
    for path in ("/", "/archive/reports", "/-/charts", "/-/report/1"):
        page = (await get(ds, path)).text
        assert "//cdn" not in page and "https://" not in page.split("<body")[0], path


@pytest.mark.asyncio
async def test_metadata_describes_columns_with_chinese_labels(ds):
    meta = (await get(ds, "/-/metadata.json")).json()
    tables = meta["databases"]["archive"]["tables"]
    assert tables["applications"]["columns"]["new_received_total"] == (
        "一、本年新收政府信息公开申请数量 · 总计"
    )
    assert tables["applications"]["columns"]["denied_state_secret_natural_person"] == (
        "三、本年度办理结果 （三）不予公开 1.属于国家秘密 · 自然人"
    )
    assert tables["review_litigation"]["columns"]["litigation_direct_corrected"] == (
        "行政诉讼（未经复议直接起诉） · 结果纠正"
    )
    assert "2019 format" in tables["proactive_disclosure"]["columns"]["regulations_newly_made"]
    assert tables["reports"]["fts_table"] == "reports_fts"
    table_page = (await get(ds, "/archive/applications")).text
    assert "一、本年新收政府信息公开申请数量 · 总计" in table_page


@pytest.mark.asyncio
async def test_internal_tables_are_hidden(ds):
    data = (await get(ds, "/archive.json")).json()
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    hidden = {t["name"] for t in data["tables"] if t["hidden"]}
    assert {"reports", "cells", "checks", "applications", "portals"} <= visible
    assert {"reports_fts", "reports_fts_data", "_sqlite_migrations"} <= hidden
    assert not any(name.startswith("reports_fts") for name in visible)


# --- JSON API of tables and views ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_reports_json_api(ds, sample):
    data = await rows(ds, "/archive/reports.json?_size=max")
    assert {r["id"] for r in data} == {r["id"] for r in db_rows(sample, "SELECT id FROM reports")}
    chang = next(r for r in data if r["id"] == sample.reports["003"])
    assert chang["agency"] == "昌乐县自然资源和规划局"
    assert (chang["province"], chang["prefecture"], chang["county"]) == (
        "山东省",
        "潍坊市",
        "昌乐县",
    )
    assert chang["year"] == 2023 and chang["template_version"] == "v2021"


@pytest.mark.asyncio
async def test_wide_table_json(ds, sample):
    (row,) = await rows(ds, f"/archive/applications.json?report_id={sample.reports['003']}")
    assert row["new_received_natural_person"] == 23
    assert row["new_received_total"] == 27
    assert row["total_processed_total"] == 24 and row["carried_forward_total"] == 3


@pytest.mark.asyncio
async def test_views_json(ds, sample):
    failing = await rows(ds, "/archive/failing_reports.json")
    assert [r["report_id"] for r in failing] == [sample.reports["000"]]
    assert "T3_BALANCE" in failing[0]["failures"]
    late = await rows(ds, "/archive/late_reports.json")
    assert [(r["report_id"], r["days_late"], r["deadline"]) for r in late] == [
        (sample.late_report, 20, "2023-01-31")
    ]
    assert late[0]["portal_code"] == "370725"
    missing = await rows(ds, "/archive/missing_years.json")
    assert {(r["agency"], r["missing_year"]) for r in missing} == {
        ("交城县自然资源局", 2024),
        ("昌乐县自然资源和规划局", 2024),
        ("西交口乡人民政府", 2024),
    }
    counties = await rows(ds, "/archive/county_applications.json?year=2023&portal_code=370725")
    assert counties[0]["new_received"] == 27 and counties[0]["denied"] == 2
    assert counties[0]["denial_rate"] == round(2 / 24, 4)
    assert counties[0]["reviews"] == 1 and counties[0]["review_correction_rate"] == 1.0


@pytest.mark.asyncio
async def test_default_facets(ds, sample):
    data = (await get(ds, "/archive/reports.json")).json()
    facets = data["facet_results"]
    assert {"province", "year", "agency_type", "template_version", "extraction"} <= set(facets)
    provinces = {f["value"]: f["count"] for f in facets["province"]["results"]}
    expected = db_rows(sample, "SELECT province, count(*) FROM reports GROUP BY province")
    assert provinces == {p: n for p, n in expected} and provinces["山东省"] == 3
    page = (await get(ds, "/archive/reports")).text
    assert 'class="facet-info' in page and "山东省" in page


# --- search --------------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("term", ["复议", "公开", "诉讼", "行政复议", "信息处理费", "乡", "镇"])
async def test_table_search_finds_every_report_containing_the_term(ds, sample, term):
    found = {r["id"] for r in await rows(ds, f"/archive/reports.json?_search={term}&_size=max")}
    assert found == containing(sample, term)


@pytest.mark.asyncio
async def test_search_finds_something_for_two_character_words(ds, sample):
    # The point of the bigram index: SQLite's own tokenizers find nothing for these.
    for term in ("复议", "公开", "诉讼"):
        assert len(containing(sample, term)) >= 3, term


@pytest.mark.asyncio
async def test_search_narrows_with_more_characters(ds, sample):
    broad = {r["id"] for r in await rows(ds, "/archive/reports.json?_search=行政")}
    narrow = {r["id"] for r in await rows(ds, "/archive/reports.json?_search=行政复议")}
    assert narrow <= broad and narrow == containing(sample, "行政复议")
    absent = await rows(ds, "/archive/reports.json?_search=量子计算")
    assert absent == []


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ['信息"公开', '"', "复议'", "复议 OR", "NEAR(公开", "-复议", "*"])
async def test_search_with_quotes_and_operators_is_no_sql_error(ds, query):
    from urllib.parse import quote

    response = await get(ds, f"/archive/reports.json?_search={quote(query)}&_shape=array")
    assert isinstance(response.json(), list)
    assert (await ds.client.get(f"/archive/reports?_search={quote(query)}")).status_code == 200


@pytest.mark.asyncio
async def test_search_box_on_the_table_page(ds, sample):
    page = (await get(ds, "/archive/reports?_search=复议")).text
    assert 'name="_search"' in page and "search matches" in page
    assert f'href="/-/report/{sample.reports["003"]}"' in page


@pytest.mark.asyncio
async def test_column_search(ds, sample):
    found = await rows(ds, "/archive/reports.json?_search_agency=昌乐")
    assert {r["id"] for r in found} == {sample.reports["003"], sample.late_report}


@pytest.mark.asyncio
async def test_search_all_page(ds, sample):
    page = (await get(ds, "/-/search?q=复议")).text
    assert "<mark>复议</mark>" in page
    doc = lxml_html.fromstring(page)
    links = doc.xpath("//li[@class='result']/a[@class='title']/@href")
    assert {int(h.rsplit("/", 1)[1]) for h in links} == containing(sample, "复议")
    count = doc.get_element_by_id("search-count").text_content()
    assert f"{len(containing(sample, '复议'))} reports match" in count
    shanxi = {r["id"] for r in db_rows(sample, "SELECT id FROM reports WHERE province = '山西省'")}
    one_char = lxml_html.fromstring((await get(ds, "/-/search?q=乡&province=山西省")).text)
    links = one_char.xpath("//li[@class='result']/a[@class='title']/@href")
    assert {int(h.rsplit("/", 1)[1]) for h in links} == containing(sample, "乡") & shanxi != set()
    assert one_char.xpath("//mark[.='乡']")
    assert "No report contains" in (await get(ds, "/-/search?q=量子计算")).text


# --- canned queries ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_every_canned_query_answers(ds):
    for name in CANNED:
        await get(ds, f"/archive/{name}")
        await get(ds, f"/archive/{name}.json")


@pytest.mark.asyncio
async def test_canned_failing_checks(ds, sample):
    found = await rows(ds, "/archive/failing_checks.json")
    assert [(r["report_id"], r["checks_failed"]) for r in found] == [(sample.reports["000"], 2)]
    assert await rows(ds, "/archive/failing_checks.json?province=山东省") == []


@pytest.mark.asyncio
async def test_canned_late(ds, sample):
    found = await rows(ds, "/archive/late.json")
    assert [(r["report_id"], r["days_late"]) for r in found] == [(sample.late_report, 20)]
    assert await rows(ds, "/archive/late.json?year=2023") == []


@pytest.mark.asyncio
async def test_canned_stopped_publishing(ds):
    latest = await rows(ds, "/archive/stopped_publishing.json")
    assert {(r["agency"], r["missing_year"]) for r in latest} == {
        ("交城县自然资源局", 2024),
        ("昌乐县自然资源和规划局", 2024),
        ("西交口乡人民政府", 2024),
    }
    assert await rows(ds, "/archive/stopped_publishing.json?year=2023") == []
    shanxi = await rows(ds, "/archive/stopped_publishing.json?province=山西省")
    assert {r["county"] for r in shanxi} == {"交城县", "石楼县"}


@pytest.mark.asyncio
async def test_canned_counties_by_applications(ds):
    found = await rows(ds, "/archive/counties_by_applications.json?year=2023")
    assert found[0]["county"] == "昌乐县"  # most applications first
    chang = found[0]
    assert (chang["new_received"], chang["processed"], chang["denied"]) == (27, 24, 2)
    assert chang["denial_rate"] == round(2 / 24, 4) and chang["reviews_corrected"] == 1
    latest = await rows(ds, "/archive/counties_by_applications.json")
    assert {r["year"] for r in latest} == {2024}
    assert latest[0]["county"] == "互助土族自治县" and latest[0]["reviews"] == 10


@pytest.mark.asyncio
async def test_canned_search_any_length(ds, sample):
    for term in ("复议", "行政诉讼", "乡"):
        found = await rows(ds, f"/archive/search.json?q={term}")
        assert {r["id"] for r in found} == containing(sample, term), term
    found = await rows(ds, "/archive/search.json?q=复议&province=山东省")
    assert found and {r["province"] for r in found} == {"山东省"}
    assert await rows(ds, '/archive/search.json?q=信息"公开') is not None


@pytest.mark.asyncio
async def test_canned_agency_years(ds, sample):
    found = await rows(ds, "/archive/agency_years.json?agency=昌乐县自然资源")
    assert [(r["year"], r["new_received_total"]) for r in found] == [(2022, 27), (2023, 27)]


# --- the report page -----------------------------------------------------------------------------


def _row_values(doc, label: str) -> list[str]:
    """The value cells of the printed-table row whose label cell reads ``label``."""
    (th,) = doc.xpath(f"//table[contains(@class,'printed')]//th[normalize-space(.)='{label}']")
    return [td.text_content() for td in th.getparent().xpath("td")]


@pytest.mark.asyncio
async def test_report_page_lays_out_table_three(ds, sample):
    doc = lxml_html.fromstring((await get(ds, f"/-/report/{sample.reports['003']}")).text)
    assert _row_values(doc, "一、本年新收政府信息公开申请数量") == [
        "23",
        "4",
        "0",
        "0",
        "0",
        "0",
        "27",
    ]
    assert _row_values(doc, "（七）总计") == ["22", "2", "0", "0", "0", "0", "24"]
    assert _row_values(doc, "四、结转下年度继续办理") == ["1", "2", "0", "0", "0", "0", "3"]
    assert _row_values(doc, "8.属于行政查询事项")[0] == "2"
    # The merged label cells of the printed format.
    (results,) = doc.xpath("//th[normalize-space(.)='三、本年度办理结果']")
    assert results.get("rowspan") == "22"
    (denied,) = doc.xpath("//th[normalize-space(.)='（三）不予公开']")
    assert denied.get("rowspan") == "8"
    head = doc.xpath("//section[@id='sec-sec3']//tr[1]/th")
    assert head[0].get("colspan") == "3" and head[0].get("rowspan") == "3"
    # The first value cell of 一、本年新收 is the 自然人 column.
    (natural,) = doc.xpath("//section[@id='sec-sec3']//th[normalize-space(.)='自然人']")
    assert natural.get("rowspan") == "2"


@pytest.mark.asyncio
async def test_report_page_table_four_keeps_blanks_blank(ds, sample):
    doc = lxml_html.fromstring((await get(ds, f"/-/report/{sample.reports['003']}")).text)
    cells = doc.xpath("//section[@id='sec-sec4']//td")
    assert [c.text_content() for c in cells] == [
        "", "1", "", "", "1", "", "", "", "", "0", "", "", "", "", "0",
    ]  # fmt: skip
    assert "empty" in cells[0].get("class") and "numeric" in cells[1].get("class")
    assert "行政复议 · 结果维持" in cells[0].get("title")


@pytest.mark.asyncio
async def test_report_page_section_two_and_metadata(ds, sample):
    doc = lxml_html.fromstring((await get(ds, f"/-/report/{sample.reports['003']}")).text)
    assert _row_values(doc, "行政处罚") == ["21"]
    assert doc.xpath("//section[@id='sec-sec2']//th[normalize-space(.)='第二十条第（一）项']")
    text = doc.text_content()
    assert "山东省 潍坊市 昌乐县" in text and "昌乐县自然资源和规划局" in text
    assert "2024-01-25" in text and "on time" in text
    originals = doc.xpath("//a[contains(@href,'/-/document/')]/@href")
    assert f"/-/document/{sample.documents['003/003.pdf']}" in originals


@pytest.mark.asyncio
async def test_report_page_v2019_layout(ds, sample):
    doc = lxml_html.fromstring((await get(ds, f"/-/report/{sample.reports['002']}")).text)
    assert doc.xpath("//th[normalize-space(.)='第二十条第（九）项']")
    (results,) = doc.xpath("//th[normalize-space(.)='三、本年度办理结果']")
    assert results.get("rowspan") == "20"  # 23-row table of the 2019 format
    assert _row_values(doc, "其他对外管理服务事项") == ["0", "7", "0"]


@pytest.mark.asyncio
async def test_report_page_shows_failures_first_and_marks_cells(ds, sample):
    page = (await get(ds, f"/-/report/{sample.reports['000']}")).text
    doc = lxml_html.fromstring(page)
    statuses = [
        td.text_content().split()[0] for td in doc.xpath("//table[@class='checks']//tr/td[1]")
    ]
    assert statuses[:2] == ["FAIL", "FAIL"] and "FAIL" not in statuses[2:]
    assert "checks failed" in page
    failed_cells = doc.xpath("//section[@id='sec-sec3']//td[contains(@class,'fail')]")
    assert failed_cells  # new_received / total_processed … of the failing columns


@pytest.mark.asyncio
async def test_report_page_of_a_late_report_and_a_missing_one(ds, sample):
    page = (await get(ds, f"/-/report/{sample.late_report}")).text
    assert "20 days late" in page and "2023-01-31" in page
    await get(ds, "/-/report/999999", status=404)


@pytest.mark.asyncio
async def test_report_links_from_tables_and_views(ds, sample):
    table = (await get(ds, "/archive/reports")).text
    assert f'href="/-/report/{sample.reports["003"]}"' in table
    assert f'href="/-/document/{sample.documents["003/003.pdf"]}"' in table
    view = (await get(ds, "/archive/failing_reports")).text
    assert f'href="/-/report/{sample.reports["000"]}"' in view
    cells = (await get(ds, f"/archive/cells?report_id={sample.reports['003']}")).text
    assert f'href="/-/report/{sample.reports["003"]}"' in cells


# --- original documents --------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "rel, media_type",
    [
        ("003/003.pdf", "application/pdf"),
        ("000/000.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("004/004.html", "text/html"),
    ],
)
async def test_document_route_serves_the_exact_bytes(ds, sample, rel, media_type):
    response = await get(ds, f"/-/document/{sample.documents[rel]}")
    assert response.content == (REPORTS / rel).read_bytes()
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path",
    [
        "/-/document/" + "0" * 64,  # well-formed, but not in documents
        "/-/document/../../etc/passwd",
        "/-/document/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/-/document/..%2Farchive.db",
        "/-/document/" + "a" * 63,
    ],
)
async def test_document_route_refuses_unknown_and_traversal(ds, path):
    # Datasette redirects %2F paths to its ~2F form first; the end of the road must be a 404.
    response = await ds.client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"root:" not in response.content and b"SQLite format" not in response.content


@pytest.mark.asyncio
async def test_document_route_refuses_a_recorded_path_outside_the_store(sample, tmp_path):
    # Even a tampered documents row cannot make the route read outside <archive>-files/.
    db = tmp_path / "archive.db"
    shutil.copy(sample.path, db)
    shutil.copytree(files_dir_for(sample.path), files_dir_for(db))
    (tmp_path / "secret.txt").write_text("secret")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO documents (sha256, media_type, size, path, first_seen) "
        "VALUES (?, 'text/plain', 6, '../secret.txt', '2024-01-01')",
        ["f" * 64],
    )
    conn.commit()
    conn.close()
    response = await make_datasette(db).client.get("/-/document/" + "f" * 64)
    assert response.status_code == 404 and b"secret" not in response.content


# --- the Atom feed -------------------------------------------------------------------------------


async def feed(ds, query: str = "") -> ET.Element:
    response = await get(ds, f"/-/feed.atom{query}")
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # a real XML parser: malformed XML raises


def _check_atom(root: ET.Element) -> list[ET.Element]:
    """RFC 4287's required elements, and entries newest first."""
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for e in entries:
        for tag in ("id", "title", "updated", "author"):
            assert e.find(f"{ATOM}{tag}") is not None, tag
        assert e.find(f"{ATOM}author/{ATOM}name").text
        assert e.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    return entries


@pytest.mark.asyncio
async def test_atom_feed_is_valid_and_lists_every_report(ds, sample):
    entries = _check_atom(await feed(ds))
    count = db_rows(sample, "SELECT count(*) FROM reports")[0][0]
    assert len(entries) == count
    titles = {e.find(f"{ATOM}title").text for e in entries}
    assert "昌乐县自然资源和规划局2023年政府信息公开工作年度报告" in titles


@pytest.mark.asyncio
async def test_atom_feed_filters_by_province_and_county(ds, sample):
    shandong = _check_atom(await feed(ds, "?province=山东省"))
    expected = db_rows(sample, "SELECT count(*) FROM reports WHERE province = '山东省'")[0][0]
    assert len(shandong) == expected == 3
    for e in shandong:
        assert "山东省" in {c.get("term") for c in e.findall(f"{ATOM}category")}
    jiaocheng = _check_atom(await feed(ds, "?county=交城县"))
    assert [e.find(f"{ATOM}author/{ATOM}name").text for e in jiaocheng] == ["交城县自然资源局"]
    enclosure = jiaocheng[0].find(f"{ATOM}link[@rel='enclosure']")
    assert "/-/document/" in enclosure.get("href")
    assert _check_atom(await feed(ds, "?province=西藏自治区")) == []
    title = (await feed(ds, "?county=交城县")).find(f"{ATOM}title").text
    assert "交城县" in title


# --- charts and places ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_chart_page_draws_applications_by_year(ds, sample):
    page = (await get(ds, "/-/charts")).text
    doc = lxml_html.fromstring(page)
    (svg,) = doc.xpath("//figure[@id='chart-applications']/svg")
    assert svg.xpath(".//rect") and svg.xpath(".//polyline")
    assert "2023" in svg.text_content() and "予以公开 granted" in svg.text_content()
    table = doc.xpath("//table[contains(@class,'numbers')]")[0]
    row_2023 = [
        r for r in table.xpath(".//tr") if r.xpath("th") and r.xpath("th")[0].text == "2023"
    ]
    (expected,) = db_rows(
        sample, "SELECT sum(new_received_total) FROM applications WHERE year = 2023"
    )[0]
    assert row_2023[0].xpath("td")[1].text == str(expected)  # the 新收 received column
    assert doc.xpath("//figure[@id='chart-reviews']/svg")


@pytest.mark.asyncio
async def test_chart_page_for_one_place(ds):
    page = (await get(ds, "/-/charts?county=昌乐县")).text
    assert "昌乐县" in page and "<svg" in page


@pytest.mark.asyncio
async def test_places_drill_down(ds, sample):
    top = lxml_html.fromstring((await get(ds, "/-/places")).text)
    names = [th.xpath("a")[0].text for th in top.xpath("//table[@class='places']/tbody/tr/th")]
    assert set(names) == {"山东省", "山西省", "青海省"}
    assert names[0] == "山东省"  # most applications first
    assert top.xpath("//span[@class='bar']")
    prefectures = (await get(ds, "/-/places?province=山西省")).text
    assert "吕梁市" in prefectures
    counties = lxml_html.fromstring(
        (await get(ds, "/-/places?province=山东省&prefecture=潍坊市")).text
    )
    (row,) = counties.xpath("//table[@class='places']/tbody/tr")
    assert "昌乐县" in row.text_content()
    late = row.xpath("td")[-1].text_content()
    assert late == "1"


def test_every_rule_in_the_archive_is_explained(sample):
    from crawler.publish.vocab import RULES

    rules = {r["rule"] for r in db_rows(sample, "SELECT DISTINCT rule FROM checks")}
    assert rules and rules <= set(RULES)


@pytest.mark.asyncio
async def test_the_archive_is_served_read_only(ds, sample):
    before = db_rows(sample, "SELECT count(*) FROM reports")[0][0]
    for sql in ("DELETE FROM reports", "UPDATE reports SET title = 'x'", "DROP TABLE cells"):
        response = await ds.client.get("/archive.json", params={"sql": sql})
        assert response.status_code == 400, sql
    assert db_rows(sample, "SELECT count(*) FROM reports")[0][0] == before
    databases = (await get(ds, "/-/databases.json")).json()
    assert [d["name"] for d in databases if d["name"] == "archive"]


@pytest.mark.asyncio
async def test_an_immutable_copy_serves_the_same(sample):
    ds = make_datasette(sample.path, immutable=True)
    (db,) = [d for d in (await get(ds, "/-/databases.json")).json() if d["name"] == "archive"]
    assert db["is_mutable"] is False
    found = await rows(ds, "/archive/reports.json?_search=复议")
    assert {r["id"] for r in found} == containing(sample, "复议")


@pytest.mark.asyncio
async def test_search_filter_keeps_the_other_filters(ds, sample):
    data = (await get(ds, "/archive/reports.json?_search=复议")).json()
    assert "id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH" in data["query"]["sql"]
    assert data["filtered_table_rows_count"] == len(containing(sample, "复议"))
    where = await rows(ds, "/archive/reports.json?_where=year%3D2022")
    assert [r["id"] for r in where] == [sample.late_report]
    raw = await rows(ds, "/archive/reports.json?_search=%22%E5%A4%8D%E8%AE%AE%22&_searchmode=raw")
    assert {r["id"] for r in raw} == containing(sample, "复议")


@pytest.mark.asyncio
async def test_a_search_matching_very_many_reports_skips_count_and_facets(ds, sample, monkeypatch):
    from crawler.publish import search_filter

    monkeypatch.setattr(search_filter, "BIG", 2)  # "very many" = more than 2 here
    expected = containing(sample, "复议")
    assert len(expected) > 2
    data = (await get(ds, "/archive/reports.json?_search=复议&_size=max")).json()
    assert "EXISTS (SELECT 1 FROM reports_fts" in data["query"]["sql"]
    assert data["filtered_table_rows_count"] is None and data["facet_results"] == {}
    assert {r[0] for r in data["rows"]} == expected
    page = (await get(ds, "/archive/reports?_search=复议")).text
    assert "more than 2 reports: count and facets left out" in page
    assert len(containing(sample, "西交口乡")) == 1
    few = (await get(ds, "/archive/reports.json?_search=西交口乡")).json()
    assert few["facet_results"] and few["filtered_table_rows_count"] == 1
    assert (await get(ds, "/archive/reports?_search=复议&province=山东省")).status_code == 200


@pytest.mark.asyncio
async def test_a_search_too_costly_to_facet_pages_by_walking_the_sort_order(
    ds, sample, monkeypatch
):
    """Matches within BIG but over the count-and-facet budget (林业局 at national scale: ~16,000):
    no count or facets, and the page tests each report of the sort order against the set of
    matches, built once — not the index asked once per report walked (~150 ms against ~5)."""
    from crawler.publish import search_filter

    monkeypatch.setattr(search_filter, "BUDGET_MS", 0)  # nothing fits: every search is "big"
    expected = containing(sample, "复议")
    data = (await get(ds, "/archive/reports.json?_search=复议&_size=max")).json()
    assert "+id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH" in data["query"]["sql"]
    assert "EXISTS" not in data["query"]["sql"]
    assert data["filtered_table_rows_count"] is None and data["facet_results"] == {}
    assert {r[0] for r in data["rows"]} == expected
    newest_first = [r[0] for r in data["rows"]]
    everything = (await get(ds, "/archive/reports.json?_size=max")).json()["rows"]
    assert newest_first == [r[0] for r in everything if r[0] in expected]  # the same order
    page = (await get(ds, "/archive/reports?_search=复议")).text
    assert "too many to facet quickly" in page


@pytest.mark.asyncio
async def test_chart_sums_follow_a_change_of_the_archive(sample, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(sample.path, db)
    ds = make_datasette(db)

    async def received_2023() -> str:
        doc = lxml_html.fromstring((await get(ds, "/-/charts")).text)
        row = next(r for r in doc.xpath("//table//tr") if r.xpath("th[.='2023']"))
        return row.xpath("td")[1].text

    before = await received_2023()
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE applications SET new_received_total = new_received_total + 100 WHERE year = 2023 "
        "AND new_received_total IS NOT NULL AND report_id = (SELECT min(report_id) FROM "
        "applications WHERE year = 2023 AND new_received_total IS NOT NULL)"
    )
    conn.commit()
    conn.close()
    assert int(await received_2023()) == int(before) + 100


@pytest.mark.asyncio
async def test_whole_cells_and_checks_tables_skip_count_and_facets(ds, sample):
    for table in ("cells", "checks"):
        whole = (await get(ds, f"/archive/{table}.json")).json()
        assert whole["filtered_table_rows_count"] is None and whole["rows"], table
        await get(ds, f"/archive/{table}")
    rid = sample.reports["003"]
    one = (await get(ds, f"/archive/cells.json?report_id={rid}")).json()
    assert one["filtered_table_rows_count"] == 200  # 10 + 175 + 15 cells of the 2021 format
    expected = db_rows(
        sample, "SELECT rule, count(*) FROM checks WHERE status = 'FAIL' GROUP BY rule"
    )
    failing = (await get(ds, "/archive/checks.json?status=FAIL")).json()
    assert failing["filtered_table_rows_count"] == sum(n for _, n in expected) > 0
    facet = {f["value"]: f["count"] for f in failing["facet_results"]["rule"]["results"]}
    assert facet == dict(expected)


# --- plain `datasette archive.db` (the entry-point plugin) -------------------------------------


def datasette_get(db, path: str) -> str:
    """``datasette <db> --get PATH``: Datasette's own CLI, with only the installed plugins."""
    import subprocess
    import sys
    from pathlib import Path

    datasette = Path(sys.executable).with_name("datasette")
    proc = subprocess.run(
        [str(datasette), "serve", str(db), "--get", path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (path, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc.stdout


def test_plain_datasette_serves_the_same_site(sample):
    # Chinese search for a two-character word: the bigram escape_fts and our search page
    found = datasette_get(sample.path, "/-/search?q=%E5%A4%8D%E8%AE%AE")
    assert all(f"/-/report/{i}" in found for i in containing(sample, "复议"))
    # report pages, our stylesheet, the metadata's labels and canned queries
    report = datasette_get(sample.path, f"/-/report/{sample.reports['003']}")
    assert "static-plugins/nianbao/nianbao.css" in report
    assert "nianbao" in datasette_get(sample.path, "/-/static-plugins/nianbao/nianbao.css")
    queries = datasette_get(sample.path, "/archive.json")
    assert "failing_checks" in queries
    # the table search uses our filter (one search clause, not Datasette's too)
    table = datasette_get(
        sample.path, "/archive/reports.json?_search=%E5%A4%8D%E8%AE%AE&_shape=array"
    )
    ids = {r["id"] for r in json.loads(table)}
    assert ids == containing(sample, "复议")
