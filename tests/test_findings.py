"""The findings (issue 12): indicators, rankings, flags, county pages, the map, downloads,
evidence links and ``nianbao import --portal`` for any county.

Indicator values are checked against numbers worked out by hand from the fixture truth
(tests/fixtures/truth/*.json, the printed tables), never from the code under test: each
expected value below says which printed cells it divides. The archive is the tests' sample
(tests/sample_archive.py): seeds 000–004 and seed 003's document listed once more as the 2022
report of the same agency.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import truth
from sample_archive import REPORTS, Sample, build

from crawler.archive import Archive
from crawler.archive.findings import series_flags
from crawler.archive.metrics import METRICS
from crawler.archive.similarity import similarity
from crawler.cli import cli
from crawler.provenance import Listing
from crawler.publish.app import make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Sample:
    return build(tmp_path_factory.mktemp("findings") / "archive.db")


@pytest.fixture
def ds(sample):
    return make_datasette(sample.path)


def db_rows(sample: Sample, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(f"file:{sample.path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def indicators(sample: Sample, report_id: int) -> dict[str, dict]:
    return {
        r["indicator"]: r
        for r in db_rows(sample, "SELECT * FROM indicators WHERE report_id = ?", [report_id])
    }


async def get(ds, path: str, status: int = 200):
    response = await ds.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:1500])
    return response


def cells_of(seed: str, table: str, row: str) -> list[str]:
    return truth(seed)["tables"][table][row]


# --- indicators, by hand from the printed tables -------------------------------------------------


def test_the_printed_cells_the_expected_values_use():
    # seed 003 (表三 总计 column is the 7th value; 表四 rows are 维持 纠正 其他 未审结 总计)
    t3 = {r: cells_of("003", "t3_applications", r)[6] for r in
          ("new_received", "carried_over", "granted", "partially_granted", "denied_admin_query",
           "total_processed", "carried_forward")}  # fmt: skip
    assert t3 == {"new_received": "27", "carried_over": "0", "granted": "20",
                  "partially_granted": "2", "denied_admin_query": "2", "total_processed": "24",
                  "carried_forward": "3"}  # fmt: skip
    assert cells_of("003", "t4_review_litigation", "review") == ["", "1", "", "", "1"]
    assert cells_of("003", "t4_review_litigation", "litigation_direct") == ["", "", "", "", "0"]
    assert cells_of("000", "t4_review_litigation", "review") == ["0", "0", "1", "0", "1"]
    assert cells_of("000", "t4_review_litigation", "litigation_after_review") == [
        "0", "1", "0", "0", "1"]  # fmt: skip
    assert cells_of("000", "t3_applications", "total_processed")[6] == "0"
    assert cells_of("001", "t4_review_litigation", "review") == ["9", "", "1", "", "10"]
    assert set(cells_of("001", "t3_applications", "new_received")) == {""}


def test_indicators_of_seed_003(sample):
    got = indicators(sample, sample.reports["003"])
    expected = {
        "new_received": 27,
        "accepted": 27 + 0,
        "grant_rate": 20 / 24,
        "substantive_disclosure_rate": (20 + 2) / 24,
        "denial_rate": 2 / 24,  # only 8.属于行政查询事项 prints 2
        "denial_share_admin_query": 2 / 2,
        "denial_share_process_info": 0 / 2,
        "unable_rate": 0 / 24,
        "not_processed_rate": 0 / 24,
        "other_handling_rate": 0 / 24,  # the three v2021 rows, all 0
        "carry_forward_rate": 3 / (27 + 0),
        "reviews": 1,
        "lawsuits": 0 + 0,
        "review_correction_rate": 1 / 1,
        "overall_correction_rate": (1 + 0 + 0) / (1 + 0 + 0),  # blank 纠正 of lawsuits: 0
        "dispute_rate": (1 + 0 + 0) / 27,
        "administrative_fees": 0,
    }
    for key, value in expected.items():
        assert got[key]["value"] == pytest.approx(value), key
    assert got["overall_correction_rate"]["blanks"] == 2
    assert got["review_correction_rate"]["blanks"] == 0
    # zero denominators: NULL, never 0
    assert got["not_held_share"]["value"] is None and got["not_held_share"]["denominator"] == 0
    assert got["litigation_direct_correction_rate"]["value"] is None
    assert got["litigation_correction_rate"]["value"] is None


def test_indicators_of_seed_000_and_001(sample):
    got = indicators(sample, sample.reports["000"])
    assert got["grant_rate"]["value"] is None  # （七）总计 is 0
    assert got["carry_forward_rate"]["value"] == 0 / (1 + 0)
    assert got["review_correction_rate"]["value"] == 0 / 1
    assert got["litigation_after_review_correction_rate"]["value"] == 1 / 1
    assert got["overall_correction_rate"]["value"] == (0 + 0 + 1) / (1 + 0 + 1)
    assert got["dispute_rate"]["value"] == (1 + 0 + 1) / 1  # a ratio may exceed 1
    got = indicators(sample, sample.reports["001"])
    assert "grant_rate" not in got and "new_received" not in got  # 表三 wholly blank
    assert got["reviews"]["value"] == 10 and got["lawsuits"]["value"] == 1 + 1
    assert got["review_correction_rate"]["value"] == 0 / 10  # blank 纠正 under a printed 总计
    assert got["review_correction_rate"]["blanks"] == 1
    assert got["dispute_rate"]["value"] is None and got["dispute_rate"]["numerator"] == 12


def test_v2019_report_has_no_v2021_only_indicator(sample):
    got = indicators(sample, sample.reports["002"])
    assert "administrative_fees" not in got and "fee_unpaid_rate" not in got
    assert got["other_handling_rate"]["denominator"] == 0  # v2019's one 其他处理 row


def test_county_year_sums_then_divides(sample):
    rows = db_rows(
        sample,
        "SELECT * FROM indicators WHERE level = 'county' AND portal_code = '370725' "
        "AND indicator = 'substantive_disclosure_rate' ORDER BY year",
    )
    assert [(r["year"], r["numerator"], r["denominator"]) for r in rows] == [
        (2021, 0, 0), (2022, 22, 24), (2023, 22, 24)]  # fmt: skip
    assert rows[0]["value"] is None and rows[2]["value"] == pytest.approx(22 / 24)
    assert rows[2]["previous"] == pytest.approx(22 / 24) and rows[2]["change"] == 0


def test_metric_dictionary_is_the_definitions(sample):
    rows = db_rows(sample, "SELECT * FROM metric_dictionary ORDER BY position")
    assert [r["key"] for r in rows] == [m.key for m in METRICS]
    sub = next(r for r in rows if r["key"] == "substantive_disclosure_rate")
    assert sub["formula"] == (
        "(t3_applications.granted.total + t3_applications.partially_granted.total) / "
        "t3_applications.total_processed.total"
    )
    assert sub["name_zh"] == "实质公开率" and "（七）总计" in sub["denominator"]
    assert all(r["caveat"] for r in rows)
    assert not any("10,000" in r["key"] or "per_10k" in r["key"] for r in rows)


def test_rebuild_gives_what_saving_gave(sample, tmp_path):
    import shutil

    db = tmp_path / "archive.db"
    shutil.copy(sample.path, db)
    query = "SELECT level, report_id, portal_code, year, indicator, value, numerator, " \
            "denominator, blanks, previous FROM indicators ORDER BY 1, 2, 3, 4, 5"  # fmt: skip
    before = sqlite3.connect(db).execute(query).fetchall()
    flags_before = sqlite3.connect(db).execute("SELECT * FROM flags ORDER BY 1").fetchall()
    archive = Archive(db)
    archive.rebuild_findings()
    archive.close()
    assert sqlite3.connect(db).execute(query).fetchall() == before
    assert sqlite3.connect(db).execute("SELECT * FROM flags ORDER BY 1").fetchall() == flags_before


# --- flags ----------------------------------------------------------------------------------------


def test_spike_and_sudden_zero_rules():
    def series(*values):
        return [
            {"report_id": i, "portal_code": "1", "province": "p", "prefecture": "q",
             "county": "c", "agency": "a", "year": 2019 + i, "value": v}
            for i, v in enumerate(values)
        ]  # fmt: skip

    flags = {(f["flag"], f["year"]) for f in series_flags(series(3, 4, 25, 30), "agency")}
    assert flags == {("spike", 2021)}  # 25 ≥ 5 × 4 and ≥ 20; 30 < 5 × 25
    assert series_flags(series(3, 19), "agency") == []  # ×6 but under 20
    flags = {(f["flag"], f["year"]) for f in series_flags(series(6, 5, 0), "county")}
    assert flags == {("sudden_zero", 2021)}
    assert series_flags(series(2, 3, 0), "county") == []  # 5 before: too few
    assert series_flags(series(0, 6, 0), "county") == []  # one year without before it


def test_similarity_masks_digits():
    a = "2022年收到申请27件，办结24件。本机关严格落实公开制度，完善工作机制。"
    b = "2023年收到申请31件，办结30件。本机关严格落实公开制度，完善工作机制。"
    assert similarity(a, b) == 1.0
    assert similarity(a, "完全不同的一段话，讲的是另一件事情，没有一句话相同。") < 0.1
    assert similarity(a, "") is None


def test_flags_of_the_sample(sample):
    flags = {(f["flag"], f["level"], f["portal_code"], f["year"]): f
             for f in db_rows(sample, "SELECT * FROM flags")}  # fmt: skip
    similar = flags[("similar_text", "agency", "370725", 2023)]
    assert similar["report_id"] == sample.reports["003"] and similar["value"] == 1.0
    spike = flags[("spike", "county", "370725", 2022)]
    assert (spike["value"], spike["previous"]) == (27, 0)  # 2021's only report (002) received 0
    # the archive's latest year is 2024 (seed 001): 2023's agencies have not published since
    stopped = {(f[2], f[3]) for f in flags if f[0] == "stopped"}
    assert stopped == {("141122", 2024), ("141126", 2024), ("370725", 2024)}


def test_a_document_changed_at_its_url_is_flagged_revised(sample, tmp_path):
    import shutil

    from crawler.archive.ingest import ParseLimits, ingest

    db = tmp_path / "archive.db"
    shutil.copy(sample.path, db)
    archive = Archive(db, files_dir=sample.path.with_name("archive-files"))
    report = archive.db["reports"].get(sample.reports["003"])
    parsed = ingest(
        archive, (REPORTS / "003/003.html").read_bytes(), "003.html", limits=ParseLimits(ocr=False)
    ).parsed
    assert parsed is None  # known bytes: nothing parsed
    from conftest import parsed as parse_fixture

    revised = json.loads(json.dumps(parse_fixture(str(REPORTS / "003/003.html"), ocr=False)))
    for c in revised["cells"]:
        if (c["table"], c["row"], c["col"]) == ("t3_applications", "granted", "total"):
            c["value"], c["raw"] = 21, "21"
    data = (REPORTS / "003/003.html").read_bytes() + b"<!-- re-uploaded -->"
    revised["source"]["sha256"] = archive.add_document(data, "text/html", "003.html")
    archive.add_report(
        revised,
        listing=Listing(portal_code="370725", page_url=report["page_url"],
                        document_url=report["document_url"], published=report["published"]),
    )  # fmt: skip
    (rev,) = archive.db.query("SELECT * FROM report_revisions")
    assert rev["cells_changed"] == 1
    assert json.loads(rev["changes"]) == [["t3_applications.granted.total", 20, 21]]
    (flag,) = archive.db.query("SELECT * FROM flags WHERE flag = 'revised'")
    assert flag["report_id"] == sample.reports["003"] and "20 → 21" in flag["detail"]
    archive.close()


# --- rankings and their guard ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_ranking_guard_leaves_small_counties_out(ds):
    q = "indicator=substantive_disclosure_rate&year=2023&province=&prefecture="
    ranked = (await get(ds, f"/archive/ranking.json?{q}&min_n=&_shape=array")).json()
    assert ranked == []  # 昌乐县's N = （七）总计 = 24 < 30
    why = {}
    for province in ("山东省", "山西省", "青海省", "江苏省"):
        path = f"/archive/ranking_left_out.json?{q}&min_n=&_shape=array"
        out = (await get(ds, path.replace("province=&", f"province={province}&"))).json()
        why |= {r["portal_code"]: r["why"] for r in out}
    assert why["370725"].startswith("N = 24 < 30")
    assert why["141122"].startswith("denominator is 0") and why["141126"].startswith(
        "denominator is 0"
    )
    assert why["630223"].startswith("no report for 2023")
    assert why["320813"].startswith("no portal registered")
    page = (await get(ds, f"/-/rankings?{q}")).text
    assert "Left out · 未纳入排名 (2845)" in page  # every county of the country accounted for
    ranked = (await get(ds, f"/archive/ranking.json?{q}&min_n=20&_shape=array")).json()
    assert [(r["portal_code"], r["rank"], r["n"]) for r in ranked] == [("370725", 1, 24)]
    assert ranked[0]["value"] == round(22 / 24, 4)


@pytest.mark.asyncio
async def test_ranking_percentiles_within_a_province(ds):
    q = "indicator=review_correction_rate&year=2023&province=山西省&prefecture=&min_n=1"
    ranked = (await get(ds, f"/archive/ranking.json?{q}&_shape=array")).json()
    # 交城县: 0 of 1 review corrected; 石楼县: no review (denominator 0, left out)
    assert [(r["county"], r["rank"], r["percentile"], r["value"]) for r in ranked] == [
        ("交城县", 1, 0.0, 0.0)
    ]


@pytest.mark.asyncio
async def test_rankings_page_shows_the_guard_and_who_is_left_out(ds):
    page = (await get(ds, "/-/rankings?indicator=denial_rate&year=2023&province=山东省")).text
    assert "N ≥ <strong>30</strong>" in page and "不予公开率" in page
    assert "t3_applications.total_processed.total" in page  # the formula
    assert "N = 24 &lt; 30" in page or "N = 24 < 30" in page
    page = (await get(ds, "/-/rankings?indicator=denial_rate&year=2023&min_n=10")).text
    assert 'href="/-/county/370725"' in page
    await get(ds, "/-/rankings?indicator=nonsense&year=abc&min_n=-1")  # defaults, no 500


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_county_page(ds, sample):
    page = (await get(ds, "/-/county/370725")).text
    assert "昌乐县" in page and "昌乐县自然资源和规划局" in page
    assert f"/-/report/{sample.reports['003']}" in page
    assert f"/-/report/{sample.late_report}" in page
    assert "逾期" in page  # the 2022 report was late
    assert "未见" in page  # no 2024 report
    assert "实质公开率" in page and "91.7%" in page  # 22 / 24
    assert "similar_text" in page and "/-/document/" in page
    unlisted = (await get(ds, "/-/county/320813")).text  # 洪泽区: in the list, never crawled
    assert "洪泽区" in unlisted and "Not crawled" in unlisted


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path",
    ["/-/county/999999", "/-/county/abc", "/-/county/1234567", "/-/evidence/99999?cell=a.b.c",
     "/-/evidence/1?cell=nonsense", "/-/evidence/1?indicator=nonsense", "/-/evidence/abc",
     "/-/evidence/1/page.png?cell=t3_applications.granted.total", "/-/downloads/nothing.csv",
     "/-/downloads/../archive.db", "/-/charts.svg?chart=pie",
     "/-/evidence/99999999999999999999", "/-/report/99999999999999999999", "/-/evidence/1?cell="],
)  # fmt: skip
async def test_malformed_ids_are_4xx(ds, path):
    response = await ds.client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


@pytest.mark.asyncio
async def test_flags_feed(ds, sample):
    feed = ET.fromstring((await get(ds, "/-/flags.atom")).content)
    entries = feed.findall(f"{ATOM}entry")
    kinds = {e.find(f"{ATOM}category").get("term") for e in entries}
    assert {"similar_text", "spike", "stopped"} <= kinds
    one = ET.fromstring((await get(ds, "/-/flags.atom?code=370725&flag=spike")).content)
    (entry,) = one.findall(f"{ATOM}entry")
    assert "27" in entry.find(f"{ATOM}summary").text


@pytest.mark.asyncio
async def test_map_draws_a_dot_per_county_linking_its_page(ds, sample):
    page = (await get(ds, "/-/map?indicator=substantive_disclosure_rate&year=2023&min_n=0")).text
    placed = db_rows(sample, "SELECT count(*) AS n FROM known_counties WHERE lon IS NOT NULL")
    assert placed[0]["n"] >= 2830  # the national list, a few without coordinates
    assert page.count('<a href="/-/county/') == placed[0]["n"]
    assert 'href="/-/county/370725"' in page
    assert '<path d="M' in page  # province outlines
    svg = await get(ds, "/-/map.svg?indicator=denial_rate")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<?xml") and "http://localhost/-/county/" in svg.text


@pytest.mark.asyncio
async def test_charts_have_permalinks_and_svgs(ds):
    page = (await get(ds, "/-/charts?province=山东省")).text
    assert "/-/charts.svg?chart=applications&amp;province=" in page
    svg = await get(ds, "/-/charts.svg?chart=reviews&code=370725")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<rect" in svg.text


@pytest.mark.asyncio
async def test_downloads(ds, sample, tmp_path):
    page = (await get(ds, "/-/downloads")).text
    assert "nianbao snapshot" in page  # no copy made yet
    csv_text = (await get(ds, "/-/downloads/indicators.csv")).text.lstrip("\ufeff")
    lines = csv_text.splitlines()
    total = db_rows(sample, "SELECT count(*) AS n FROM indicators")[0]["n"]
    assert lines[0].startswith("id,level,report_id") and len(lines) == total + 1
    flags = (await get(ds, "/-/downloads/flags.csv")).text.lstrip("\ufeff").splitlines()
    assert len(flags) == 1 + db_rows(sample, "SELECT count(*) AS n FROM flags")[0]["n"]
    apps = (await get(ds, "/-/downloads/applications.csv")).text
    assert "new_received_total" in apps.splitlines()[0]
    dictionary = (await get(ds, "/-/downloads/data-dictionary.csv")).text
    assert "indicators,value," in dictionary and "一、本年新收政府信息公开申请数量" in dictionary
    archive = Archive(sample.path)
    copy = archive.snapshot()
    archive.close()
    page = (await get(ds, "/-/downloads")).text
    assert copy.name in page
    body = (await get(ds, f"/-/downloads/{copy.name}")).content
    assert body.startswith(b"SQLite format 3")
    copy.unlink()


@pytest.mark.asyncio
async def test_evidence_links_from_the_report_page(ds, sample):
    rid = sample.reports["003"]
    page = (await get(ds, f"/-/report/{rid}")).text
    assert f"/-/evidence/{rid}?cell=t3_applications.new_received.total" in page
    assert f"/-/evidence/{rid}?indicator=substantive_disclosure_rate" in page
    html_doc = (await get(ds, f"/-/evidence/{rid}?cell=t3_applications.granted.total")).text
    pdf_id = next(r["id"] for r in db_rows(
        sample, "SELECT id FROM reports WHERE media_type = 'application/pdf'"))  # fmt: skip
    assert "20" in html_doc
    pdf = (await get(ds, f"/-/evidence/{pdf_id}?cell=t3_applications.granted.total")).text
    assert "page.png?cell=t3_applications.granted.total" in pdf
    png = await get(ds, f"/-/evidence/{pdf_id}/page.png?cell=t3_applications.granted.total")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    box = db_rows(sample, "SELECT bbox FROM cells WHERE report_id = ? AND row_key = 'granted' "
                  "AND col_key = 'total'", [pdf_id])[0]["bbox"]  # fmt: skip
    assert box and len(json.loads(box)) == 4
    ind = (await get(ds, f"/-/evidence/{pdf_id}?indicator=substantive_disclosure_rate")).text
    for key in ("granted", "partially_granted", "total_processed"):
        assert f"?cell=t3_applications.{key}.total" in ind


# --- import under any county code ----------------------------------------------------------------


def test_import_under_any_county_of_the_national_list(tmp_path):
    db = tmp_path / "archive.db"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", str(REPORTS / "004/004.html"), "--db", str(db), "--portal", "320813",
              "--no-ocr"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name, province, prefecture FROM portals").fetchall() == [
        ("洪泽区", "江苏省", "淮安市")
    ]
    assert conn.execute("SELECT portal_code, county FROM reports").fetchall() == [
        ("320813", "洪泽区")
    ]
    bad = runner.invoke(cli, ["import", str(REPORTS / "004/004.html"), "--db", str(db),
                              "--portal", "999999"])  # fmt: skip
    assert bad.exit_code != 0 and "not in the national county list" in bad.output
