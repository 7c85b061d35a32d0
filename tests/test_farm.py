"""The sample-portal farm behaves as documented (docs/farm.md) and serves what its manifest says.

Everything goes through the farm's proxy with a plain client (httpx), as a crawler would.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import socket
import time
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest

import farm
from farm.content import ContentStore
from farm.groundtruth import MANIFEST_PATH, REGISTRY_PATH, registry_csv
from farm.reportgen import failing_rules
from farm.sites import MUTATIONS, portals
from farm.sites.challenge import token

pytestmark = pytest.mark.e2e

SCALE = 0.02
HOSTILE = "www.yxx.gov.cn.test"


@pytest.fixture(scope="module")
def f():
    with farm.start(time_scale=SCALE) as running:
        yield running


def client(f, **kw) -> httpx.Client:
    kw.setdefault("timeout", 10)
    return httpx.Client(proxy=f.proxy_url, verify=False, **kw)


def text_of(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


class Polite:
    """A client that behaves like a careful crawler on the hostile host: keeps cookies, paces
    every request (redirects included), warms up on the homepage after a tiny WAF answer."""

    def __init__(self, f) -> None:
        self.c = client(f)
        self.last = 0.0

    def _one(self, url: str, **kw) -> httpx.Response:
        wait = self.last + 2.5 * SCALE - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self.c.get(url, **kw)
        finally:
            self.last = time.monotonic()

    def get(self, url: str, **kw) -> httpx.Response:
        warmed = False
        for _ in range(8):
            r = self._one(url, **kw)
            if r.status_code in (301, 302) and "location" in r.headers:
                url = urljoin(url, r.headers["location"])
                continue
            if r.status_code == 200 and len(r.content) < 300 and HOSTILE in url and not warmed:
                self._one(f"https://{HOSTILE}/")  # WAF warm-up, then retry once
                warmed = True
                continue
            return r
        return r


# ---------------------------------------------------------------------------------------------
# The model, the committed files and the manifest
# ---------------------------------------------------------------------------------------------


def test_committed_registry_and_manifest_are_current(f):
    ps = portals()
    assert REGISTRY_PATH.read_text("utf-8") == registry_csv(ps)
    assert json.loads(MANIFEST_PATH.read_text("utf-8")) == f.manifest


def test_registry_format(f):
    lines = REGISTRY_PATH.read_text("utf-8").splitlines()
    assert lines[0] == "code,name,province,prefecture,url,platform,js"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 13
    assert all(re.fullmatch(r"99\d{4}", r[0]) for r in rows)
    assert all(".test/" in r[4] or "192.0.2." in r[4] for r in rows)
    overrides = [r for r in rows if r[5] or r[6]]
    assert 1 <= len(overrides) <= 2


def test_content_is_current_and_small():
    store = ContentStore()
    total = sum(e["size"] for e in store.index.values())
    assert total < 12_000_000
    wanted = {}
    for p in portals(frozenset(MUTATIONS)):
        for r in p.reports:
            if r.fmt != "html" and r.fault not in ("dead-attachment", "oversize"):
                wanted[r.id] = r
    from farm.content import truth_hash

    for rid, r in wanted.items():
        names = [n for n in store.names_for(rid) if ".rev." not in n]
        assert names, f"no content for {rid}: run python -m farm.build_content"
        for n in names:
            assert store.index[n]["truth"] == truth_hash(r.truth), (
                f"{n} is stale: run python -m farm.build_content"
            )
            data = store.get(n)
            assert hashlib.sha256(data).hexdigest() == store.index[n]["sha256"]


def test_deliberate_errors_are_exactly_the_flagged_ones(f):
    seen = 0
    for p in portals():
        for r in p.reports:
            rules = failing_rules(r.truth)
            expected = sorted({rule for e in r.errors for rule in _rules(e)})
            assert rules == expected, (r.id, rules, expected)
            seen += bool(r.errors)
    assert seen >= 5


def _rules(error_id: str) -> tuple[str, ...]:
    from farm.reportgen import DELIBERATE

    return DELIBERATE[error_id][0]


def test_manifest_shape(f):
    m = f.manifest
    by_code = {p["code"]: p for p in m["portals"]}
    outcomes = {c: p["expected_outcome"] for c, p in by_code.items()}
    assert set(outcomes.values()) == {
        "ok",
        "partial",
        "blocked",
        "disallowed",
        "unreachable",
        "no-column-found",
    }
    ids = [r["id"] for r in m["reports"]]
    assert len(ids) == len(set(ids))
    for r in m["reports"]:
        assert r["portal_code"] in by_code
        assert 2019 <= r["year"] <= 2024
        assert str(r["year"]) in r["title"]
        assert r["urls"], r["id"]
        assert r["template_version"] in ("v2019", "v2021", "hybrid")
        if r["year"] <= 2020:
            assert r["template_version"] == "v2019"
    assert {r["format"] for r in m["reports"]} >= {
        "html",
        "pdf",
        "docx",
        "doc",
        "wps",
        "scan_pdf",
        "ofd",
        "images",
    }
    assert {r["carrier"] for r in m["reports"]} >= {"html", "attachment", "file-link", "images"}
    assert any(r["template_version"] == "hybrid" for r in m["reports"])
    kinds = {d["kind"] for d in m["decoys"]}
    assert kinds >= {
        "notice",
        "rule_of_law",
        "housing_fund",
        "budget",
        "news",
        "parent",
        "mirror",
        "work_report",
    }
    assert all(d["urls"] for d in m["decoys"])
    # every decoy URL is distinct from every report URL
    report_urls = {u for r in m["reports"] for u in r["urls"]}
    assert not report_urls & {u for d in m["decoys"] for u in d["urls"]}


# ---------------------------------------------------------------------------------------------
# The manifest matches what is served
# ---------------------------------------------------------------------------------------------


def _check_document(url: str, data: bytes, rep: dict, store: ContentStore) -> None:
    names = store.names_for(rep["id"])
    digest = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<script")):
        assert any(store.index[n]["sha256"] == digest for n in names), (url, rep["id"])
        return
    text = text_of(data)
    assert str(rep["year"]) in text or "二〇" in text, url
    assert any(a and a in text for a in rep["agency_aliases"]), (url, rep["agency"])


def test_every_expected_report_is_served(f):
    store = ContentStore()
    plain = client(f)
    polite = Polite(f)
    m = f.manifest
    checked = 0
    for rep in m["reports"]:
        if not rep["must_archive"]:
            continue
        for url in rep["urls"]:
            headers = {}
            if "download.jsp" in url:
                headers["Referer"] = rep["page_url"]
            c = polite if HOSTILE in url else plain
            r = c.get(url, headers=headers)
            assert r.status_code == 200, (rep["id"], url, r.status_code)
            _check_document(url, r.content, rep, store)
            checked += 1
    assert checked > 250


def test_unobtainable_reports_fail_as_documented(f):
    c = client(f)
    polite = Polite(f)
    m = f.manifest
    faults = {r["fault"]: r for r in m["reports"] if r["fault"]}
    assert set(faults) == {"deleted", "dead-article", "dead-attachment", "truncated", "oversize"}
    r = c.get(faults["deleted"]["page_url"])
    assert r.status_code == 200 and b'http-equiv="refresh"' in r.content and len(r.content) < 200
    assert polite.get(faults["dead-article"]["page_url"]).status_code == 404
    assert polite.get(faults["dead-attachment"]["document_urls"][0]).status_code == 404
    with pytest.raises(httpx.RemoteProtocolError):
        polite.get(faults["truncated"]["document_urls"][0])
    time.sleep(3 * SCALE)
    with polite.c.stream("GET", faults["oversize"]["document_urls"][0]) as resp:
        assert resp.status_code == 200
        assert int(resp.headers["content-length"]) == 60 * 1024 * 1024
        first = next(resp.iter_bytes())
        assert first.startswith(b"%PDF-")


def test_decoys_are_served(f):
    c = client(f)
    polite = Polite(f)
    blocked = {p["code"] for p in f.manifest["portals"] if p["expected_outcome"] == "blocked"}
    for d in f.manifest["decoys"]:
        if d["portal_code"] in blocked:
            continue  # behind a challenge (test_challenge_hosts)
        for url in d["urls"]:
            r = (polite if HOSTILE in url else c).get(url)
            assert r.status_code == 200, url
            if d["kind"] != "mirror":
                assert d["title"] in text_of(r.content), url


# ---------------------------------------------------------------------------------------------
# Archetype 1: Hanweb
# ---------------------------------------------------------------------------------------------

QX = "https://www.qingxi.gov.cn.test"
QX_PARAMS = "appid=1&webid=7&path=/&columnid=1229000020&unitid=100020&permissiontype=0"


def _records(xml: str) -> list[str]:
    """hrefs of the <record>s in order, whether CDATA or entity-escaped."""
    out = []
    for cdata, escaped in re.findall(
        r"<record>(?:<!\[CDATA\[(.*?)\]\]>|(.*?))</record>", xml, re.S
    ):
        out.append(cdata or html.unescape(escaped))
    return re.findall(r'href="([^"]+)"', "".join(out))


def test_hanweb_column_and_paging(f):
    c = client(f)
    assert c.get("http://www.qingxi.gov.cn.test/").status_code == 301
    col = c.get(f"{QX}/col/col1229000020/index.html").text
    assert '<meta name="ColumnName" content="政府信息公开年报">' in col
    assert "<![CDATA[" in col and "&lt;li&gt;" in col  # both record encodings
    first = _records(col)
    assert len(first) == 15
    assert any(not h.startswith("/") for h in first)  # relative href without leading slash
    nextgroup = re.search(r"<nextgroup><!\[CDATA\[<a href=\"([^\"]+)\"", col)[1]
    assert "page=1" in nextgroup and "/module/jpage/dataproxy.jsp" in nextgroup
    total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", col)[1])
    got = list(first)
    k = 1
    while True:
        xml = c.get(f"{QX}/module/jpage/dataproxy.jsp?page={k}&{QX_PARAMS}").text
        recs = _records(xml)
        if not recs:
            break
        got += recs
        k += 1
    assert len(got) == total == len(set(got))
    post = c.post(
        f"{QX}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord={total}&perpage=15",
        data={
            "col": "1",
            "appid": "1",
            "webid": "7",
            "path": "/",
            "columnid": "1229000020",
            "sourceContentType": "1",
            "unitid": "100020",
            "webname": "青溪县人民政府",
            "permissiontype": "0",
        },
    ).text
    assert _records(post) == got
    page2 = c.get(f"{QX}/col/col1229000020/index.html?uid=100020&pageNum=2").text
    assert _records(page2) == got[15:30]
    # every record is an expected report or a decoy of this portal
    m = f.manifest
    urls = {urljoin(QX + "/", h) for h in got}
    reps = {u for r in m["reports"] if r["portal_code"] == "990101" for u in r["urls"]}
    decoys = {u for d in m["decoys"] if d["portal_code"] == "990101" for u in d["urls"]}
    assert urls <= reps | decoys
    assert {r["page_url"] for r in m["reports"] if r["portal_code"] == "990101"} <= urls


def test_hanweb_article_and_downfile(f):
    c = client(f)
    m = f.manifest
    rep = next(r for r in m["reports"] if r["id"] == "990101-jyj-2023")
    page = c.get(rep["page_url"]).text
    assert 'id="zoom"' in page and "信息公开元数据" in page and rep["agency_credit_code"] in page
    assert '<meta name="ContentSource" content="县教育局">' in page
    styles = set()
    for r in m["reports"]:
        for u in r["document_urls"]:
            if "downfile.jsp" in u:
                resp = c.get(u)
                assert resp.headers["content-type"] == "application/octet-stream"
                raw = resp.headers.raw
                cd = next(v for k, v in raw if k.lower() == b"content-disposition")
                if b"filename*=UTF-8''" in cd:
                    styles.add("rfc5987")
                    assert quote(r["title"]) in cd.decode()
                elif r["title"].encode("gbk") in cd:
                    styles.add("gbk")
                elif r["title"].encode("utf-8") in cd:
                    styles.add("utf8-raw")
    assert styles == {"rfc5987", "gbk", "utf8-raw"}


def test_hanweb_encrypted_sibling_is_partial(f):
    c = client(f)
    base = "http://www.ziqiao.gov.cn.test"
    col = c.get(f"{base}/col/col1229100020/index.html").text
    assert len(_records(col)) == 15
    nextgroup = re.search(r"<nextgroup><!\[CDATA\[<a href=\"([^\"]+)\"", col)[1]
    r = c.get(urljoin(base, nextgroup))
    assert r.status_code == 200 and len(r.content) == 54
    hidden = [
        r for r in f.manifest["reports"] if r["portal_code"] == "990102" and not r["must_archive"]
    ]
    assert hidden and all(r["page_url"].split(".test", 1)[1] not in col for r in hidden)


def test_hanweb_xxgk_module_and_search(f):
    c = client(f)
    form = c.get(f"{QX}/col/col1229000021/index.html").text
    codes = re.findall(r'<option value="(11\w{16})">', form)
    assert len(codes) == 3
    m = f.manifest
    rep = next(r for r in m["reports"] if r["agency_credit_code"] == codes[0] and r["year"] == 2023)
    url = f"{QX}/module/xxgk/xxgkAnnualReport.jsp?area={codes[0]}&fbtime=2023"
    assert url in rep["twin_urls"]
    page = c.get(url).text
    assert "三、收到和处理政府信息公开申请情况" in page and rep["agency"] in page
    res = c.get(f"{QX}/jrobot/search.do?webid=7&pg=12&p=1&q=年度报告&pos=title").text
    assert 'id="jsearch-result-items"' in res and "/art/" in res


# ---------------------------------------------------------------------------------------------
# Archetype 2: TRS
# ---------------------------------------------------------------------------------------------

YC = "http://www.yuchuan.gov.cn.test"
NB = f"{YC}/zwgk/zfxxgk/zfxxgknb/"


def test_trs_structure_and_pagers(f):
    c = client(f)
    root = c.get(NB).text
    assert "./2025n78/" in root and "2025年发布" in root and "xxgk.yuchuan.gov.cn.test" in root
    year = c.get(NB + "2023n/").text
    assert all(f"./{k}/" in year for k in ("qzf", "bm", "xzjd"))
    bm = c.get(NB + "2023n/bm/").text
    assert "createPageHTML(" in bm
    assert c.get(NB + "2023n/bm/index_1.html").status_code == 200
    stub = c.get(NB + "2023n/bm/index_7.html")
    assert stub.status_code == 200 and len(stub.content) == 350
    xz = c.get(NB + "2023n/xzjd/").text
    assert "var countPage = 1" in xz
    assert c.get(NB + "2023n/xzjd/index_1.html").status_code == 404
    sliced = c.get(NB + "2022n/bm/").text
    assert "display:none" in sliced and c.get(NB + "2022n/bm/index_1.html").status_code == 404
    # the misfiled 2024 report: 2021 folder, March 2025 URL month, February PubDate
    rep = next(r for r in f.manifest["reports"] if r["id"] == "990201-smz-2024")
    assert "/2021n/xzjd/202503/t20250310_" in rep["page_url"]
    assert '<meta name="PubDate" content="2025-02-18' in c.get(rep["page_url"]).text


def test_trs_articles_twins_and_script_attachments(f):
    c = client(f)
    m = {r["id"]: r for r in f.manifest["reports"]}
    rep = m["990201-gov-2023"]
    page = c.get(rep["page_url"]).text
    assert 'class="TRS_Editor"' in page and f'<meta name="Url" content="{rep["page_url"]}">' in page
    assert 'OLDSRC="/protect/' in page and 'appendix="true"' in page
    wap = rep["page_url"].replace(".html", "_wap.html")
    assert wap in rep["twin_urls"] and c.get(wap).status_code == 200
    assert c.get(f"{YC}/protect/P0202403/x.pdf").status_code == 403
    att = c.get(m["990201-fgw-2021"]["page_url"]).text
    name = m["990201-fgw-2021"]["document_urls"][0].rsplit("/", 1)[1]
    assert f'var att = \'<a appendix="true" href="./{name}"' in att
    assert re.sub(r"<script.*?</script>", "", att, flags=re.S).count(name) == 0
    rel = c.get(m["990201-rsj-2020"]["page_url"]).text
    assert "var rel_appendix" in rel and "下载文字版" in rel


def test_trs_tls_failure_and_legacy_gbk(f):
    c = client(f)
    with pytest.raises(httpx.ConnectError, match=r"(?i)handshake"):
        c.get("https://www.yuchuan.gov.cn.test/")
    r = c.get("http://xxgk.yuchuan.gov.cn.test/xxgk/xzjdnb/index.htm")
    assert r.headers["content-type"] == "text/html"
    assert b"charset=gb2312" in r.content
    pages = re.findall(rb'href="(/xxgk/xzjdnb/[^"]+\.htm)"', r.content)
    bodies = [c.get("http://xxgk.yuchuan.gov.cn.test" + p.decode()).content for p in pages]
    assert all("堃".encode("gbk") in b for b in bodies)
    with pytest.raises(UnicodeDecodeError):
        bodies[0].decode("gb2312")  # 堃 is GBK-only
    assert sum(b'<meta httpequiv="ContentType"' in b for b in bodies) == 1


# ---------------------------------------------------------------------------------------------
# Archetype 3: gkmlpt
# ---------------------------------------------------------------------------------------------

FC = "http://www.fengchuan.gov.cn.test"


def test_gkmlpt_config_api_and_detail(f):
    c = client(f)
    shell = c.get(f"{FC}/gkmlpt/index").text
    config = json.loads(re.search(r"window\._CONFIG = (\{.*?\});</script>", shell, re.S)[1])
    assert config["SID"] == "990301"
    names = [n["name"] for n in config["TREE"]]
    assert "政府信息公开年报" in names and "法治政府建设年度报告" in names
    assert any(n["jump_url"] for n in config["TREE"])
    assert "/gkmlpt/content/" not in shell  # no list in the HTML
    nb = next(n for n in config["TREE"] if n["name"] == "政府信息公开年报")
    d1 = c.get(f"{FC}/gkmlpt/api/all/{nb['id']}?page=1&sid=990301").json()
    d2 = c.get(f"{FC}/gkmlpt/api/all/{nb['id']}?page=2&sid=990301").json()
    assert d1["total"] == nb["post_count"] == d1["classify"]["post_count"] > 10
    assert len(d1["articles"]) == 10 and d2["articles"]
    art = next(a for a in d1["articles"] if "年度报告" in a["title"])
    detail = c.get(art["url"]).text
    data = json.loads(re.search(r"window\._CONFIG\.DETAIL = (\{.*?\});</script>", detail, re.S)[1])
    assert data["title"] == art["title"] and "<p>" in data["content"]
    # the town with one page: everything on page 1, page 2 is 404
    town = c.get(f"{FC}/fcdzz/gkmlpt/index").text
    tconf = json.loads(re.search(r"window\._CONFIG = (\{.*?\});</script>", town, re.S)[1])
    tnb = next(n for n in tconf["TREE"] if n["name"] == "政府信息公开年报")
    all1 = c.get(f"{FC}/fcdzz/gkmlpt/api/all/{tnb['id']}?page=1&sid={tconf['SID']}").json()
    assert len(all1["articles"]) == all1["total"]
    assert (
        c.get(f"{FC}/fcdzz/gkmlpt/api/all/{tnb['id']}?page=2&sid={tconf['SID']}").status_code == 404
    )
    with pytest.raises(httpx.HTTPError):
        c.get("https://www.fengchuan.gov.cn.test/")


# ---------------------------------------------------------------------------------------------
# Archetype 4: JSON API and challenges
# ---------------------------------------------------------------------------------------------

HX = "http://www.huaxi.gov.cn.test"


def test_jsonapi_lists_only_through_the_api(f):
    c = client(f)
    page = c.get(f"{HX}/zfxxgk/zfxxgknb/").text
    assert 'ms-controller="list"' in page and "{{el.doctitle}}" in page
    assert "/fjdzapp/" not in page and "t20" not in page
    assert "/fjdzapp/search" in c.get(f"{HX}/static/js/list.js").text
    ch = re.search(r'data-channelid="(\d+)"', page)[1]
    d = c.post(
        f"{HX}/fjdzapp/search",
        data={"channelid": ch, "sortfield": "-pubdate", "page": "1", "prepage": "5"},
    ).json()
    assert d["error"] is False and d["recordCount"] > 5 and d["pageCount"] > 1
    assert re.fullmatch(r"\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d", d["data"][0]["docreltime"])
    g = c.get(f"{HX}/fjdzapp/data?channelid={ch}&prepage=100").json()
    assert g["recordCount"] == d["recordCount"] == len(g["data"])
    bm = c.get(f"{HX}/zfxxgk/bmzfxxgk/").text
    assert '<a href="./hxjyj/' not in bm and "url:'./hxjyj/zfxxgk/zfxxgknb/'" in bm
    rep = next(
        r for r in f.manifest["reports"] if r["carrier"] == "file-link" and "huaxi" in r["page_url"]
    )
    assert c.get(rep["page_url"]).content.startswith(b"%PDF-")


def test_challenge_hosts(f):
    c = client(f)
    r = c.get("http://www.lingxi.gov.cn.test/")
    assert (
        r.status_code == 412
        and "$_ts" in r.text
        and "FSSBBIl1UgzbN7N80S" in r.headers["set-cookie"]
    )
    nonce = r.cookies["FSSBBIl1UgzbN7N80S"]
    assert nonce[::-1] in r.text
    assert c.get("http://www.lingxi.gov.cn.test/4QbVtADbnLVIc/c.FxJzG50F.js").status_code == 200
    # what the script computes, done in Python: the real portal is behind it
    with client(f, cookies={"FSSBBIl1UgzbN7N80S": nonce, "FSSBBIl1UgzbN7N80T": token(nonce)}) as js:
        ok = js.get("http://www.lingxi.gov.cn.test/zwgk/xxgknb/")
    assert ok.status_code == 200 and "政府信息公开年报" in ok.text
    r = c.get("http://www.xiaxi.gov.cn.test/zwgk/")
    assert r.status_code == 521 and "document.cookie=" in r.text and "__jsluid_s" in r.cookies
    r = c.get("http://www.meiling.gov.cn.test/zwgk/xxgknb/")
    assert r.status_code == 200 and "访问异常" in r.text and len(r.content) > 3000


# ---------------------------------------------------------------------------------------------
# Archetype 5: VSB
# ---------------------------------------------------------------------------------------------

JC = "http://www.jiachuan.gov.cn.test"


def test_vsb_gbk_countdown_and_referer_gate(f):
    c = client(f)
    robots = c.get(f"{JC}/robots.txt").text
    assert f"Crawl-delay: {2 * SCALE:g}" in robots and "Disallow: /system/resource/" in robots
    r = c.get(f"{JC}/xxgk/zfxxgknb/2023.htm")
    assert r.headers["content-type"] == "text/html" and b"charset=GBK" in r.content
    text = r.content.decode("gbk")
    n = int(re.search(r'class="p_t">(\d+)/(\d+)<', text)[2])
    assert n >= 2 and f'href="2023/{n - 1}.htm"' in text
    last = c.get(f"{JC}/xxgk/zfxxgknb/2023/1.htm").content.decode("gbk")
    assert f'<span class="p_no_d">{n}</span>' in last
    m = f.manifest
    rep = next(r for r in m["reports"] if r["id"] == "990501-wjj-2023")
    dl = rep["document_urls"][0]
    assert urlsplit(dl).path.endswith("/download.jsp")  # no extension to go by
    bad = c.get(dl)
    assert bad.status_code == 200 and b"<html" in bad.content and 4000 < len(bad.content) < 6000
    good = c.get(dl, headers={"Referer": rep["page_url"]})
    assert good.content.startswith(b"PK") and "etag" not in good.headers
    cd = dict((k.lower(), v) for k, v in good.headers.raw)[b"content-disposition"]
    assert rep["title"].encode("gbk") in cd  # raw GBK bytes in the header
    again = c.get(
        dl,
        headers={"Referer": rep["page_url"], "If-Modified-Since": good.headers["last-modified"]},
    )
    assert again.status_code == 304
    ckz = next(r for r in m["reports"] if r["id"] == "990501-ckz-2024")
    pdf = c.get(ckz["document_urls"][0], headers={"Referer": ckz["page_url"]})
    assert pdf.headers["content-type"] == "text/html" and pdf.content.startswith(b"%PDF-")
    wps = next(r for r in m["reports"] if r["format"] == "wps")
    data = c.get(wps["document_urls"][0], headers={"Referer": wps["page_url"]}).content
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    img = next(r for r in m["reports"] if r["carrier"] == "images")
    page = c.get(img["page_url"]).content.decode("gbk")
    assert "（图片版）" in page and page.count("<img ") >= 2 and "六、其他需要报告" not in page


# ---------------------------------------------------------------------------------------------
# Archetype 6: hostile
# ---------------------------------------------------------------------------------------------


def test_hostile_behaviours():
    scale = 0.05  # a wider rate window than SCALE, so the burst below trips it on slow machines
    with farm.start(time_scale=scale) as h:
        c = client(h)
        r = c.get("http://www.yixi.gov.cn.test/zwgk/")
        assert r.status_code == 301 and r.headers["location"] == f"https://{HOSTILE}/zwgk/"
        stub = c.get(f"http://{HOSTILE}/")
        assert stub.status_code == 200 and len(stub.content) == 1166
        assert "location.replace" in stub.text
        assert f"Crawl-delay: {scale:g}" in c.get(f"https://{HOSTILE}/robots.txt").text
        pace = lambda: time.sleep(2.5 * scale)  # noqa: E731
        pace()
        t0 = time.monotonic()
        home = c.get(f"https://{HOSTILE}/")
        assert home.status_code == 200 and time.monotonic() - t0 >= 3 * scale
        pace()
        gate = c.get(f"https://{HOSTILE}/zwgk/xxgknb/index.html")
        assert gate.status_code == 302 and gate.headers["location"] == "/zwgk/xxgknb/index.html"
        assert "CT6T=" in gate.headers["set-cookie"]
        statuses = []
        for _ in range(3):
            pace()
            statuses.append(c.get(f"https://{HOSTILE}/zwgk/xxgknb/index.html").status_code)
        assert statuses == [502, 503, 200]
        pace()
        col = c.get(f"https://{HOSTILE}/zwgk/xxgknb/index.html").text
        article = (
            "https://" + HOSTILE + re.search(r'href="(/zwgk/xxgknb/content_\d+\.html)"', col)[1]
        )
        pace()
        tiny = c.get(article)
        assert tiny.status_code == 200 and len(tiny.content) < 300
        pace()
        assert len(c.get(article).content) < 300  # still cold: no warm-up yet
        pace()
        c.get(f"https://{HOSTILE}/")
        pace()
        assert len(c.get(article).content) > 3000
        pace()
        shell = c.get(f"https://{HOSTILE}/xxgk/")
        assert len(shell.content) == 160 and "location.replace" in shell.text
        pace()
        soft = c.get(f"https://{HOSTILE}/no/such/page.html")
        assert soft.status_code == 200 and "弋溪县人民政府" in soft.text
        pace()
        hops = []
        url = f"https://{HOSTILE}/old/xxgknb/"
        for _ in range(4):
            pace()
            r = c.get(url)
            assert r.status_code == 302
            url = urljoin(url, r.headers["location"])
            hops.append(url)
        assert hops[0] == hops[2] and hops[1] == hops[3]  # a loop
        pace()
        with pytest.raises(httpx.ReadTimeout):
            client(h, timeout=0.5).get(f"https://{HOSTILE}/hdjl/wsdc/")
        pace()
        trap = c.get(f"https://{HOSTILE}/zwgk/zwdt/index_4000.html").text
        assert "index_4001.html" in trap and "/zwgk/zwdt/4000/7.html" in trap
        # rate guard: a burst gets 429 with Retry-After
        time.sleep(2 * scale)
        burst = [c.get(f"https://{HOSTILE}/robots.txt") for _ in range(8)]
        limited = [r for r in burst if r.status_code == 429]
        assert limited and limited[0].headers["retry-after"].isdigit()
        gbk = next(r for r in h.manifest["reports"] if r["id"] == "990601-office-2023")
        time.sleep(2.5 * scale)
        page = c.get(gbk["page_url"])
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        with pytest.raises(UnicodeDecodeError):
            page.content.decode("utf-8")
        assert gbk["agency"] in page.content.decode("gbk")
        bare = c.get("http://192.0.2.10:8080/zwgk/xxgknb/")
        assert bare.status_code == 200 and "河口镇" in bare.text
        log = h.requests(HOSTILE)
        assert any(e["error"] == "no-response" for e in log)


def test_robots_disallow_and_unreachable(f):
    c = client(f)
    assert c.get("http://www.shunhe.gov.cn.test/robots.txt").text == "User-agent: *\nDisallow: /\n"
    with pytest.raises(httpx.RemoteProtocolError):
        c.get("http://www.anlan.gov.cn.test/")
    with pytest.raises(httpx.HTTPError):
        c.get("https://www.anlan.gov.cn.test/")
    with pytest.raises(httpx.RemoteProtocolError):
        c.get("http://www.not-in-the-farm.test/")


def test_portal_without_a_column(f):
    c = client(f)
    home = c.get("http://www.yunxiu.gov.cn.test/").text
    for guess in ("/xxgk/zfxxgknb/", "/zwgk/zfxxgknb/index.html", "/col/col1/index.html"):
        r = c.get("http://www.yunxiu.gov.cn.test" + guess)
        assert r.status_code == 200 and r.text == home  # soft-404
    assert "年报" not in c.get("http://www.yunxiu.gov.cn.test/zwgk/").text


# ---------------------------------------------------------------------------------------------
# Wire behaviour: vhosts, conditional requests, the request log, mutations
# ---------------------------------------------------------------------------------------------


def test_host_header_virtual_hosting(f):
    with socket.create_connection(("127.0.0.1", f.port)) as s:
        s.sendall(
            b"GET /robots.txt HTTP/1.1\r\nHost: www.jiachuan.gov.cn.test\r\n"
            b"Connection: close\r\n\r\n"
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200") and b"Crawl-delay" in data


def test_conditional_requests(f):
    c = client(f)
    url = next(r for r in f.manifest["reports"] if r["id"] == "990301-gov-2022")["document_urls"][0]
    r = c.get(url)
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert c.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert c.get(url, headers={"If-Modified-Since": lm}).status_code == 304
    assert c.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert (
        c.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}).status_code
        == 200
    )


def test_request_log(f):
    c = client(f, headers={"User-Agent": "nianbao-test/1.0 (+https://example.org/contact)"})
    url = f"{JC}/xxgk/zfxxgknb.htm"
    c.get(url, headers={"Referer": f"{JC}/xxgk.htm", "If-None-Match": '"x"'})
    e = [x for x in f.requests("www.jiachuan.gov.cn.test") if x["path"] == "/xxgk/zfxxgknb.htm"][-1]
    assert e["method"] == "GET" and e["status"] == 200 and e["bytes"] > 1000
    assert e["user_agent"].startswith("nianbao-test/") and e["referer"] == f"{JC}/xxgk.htm"
    assert e["if_none_match"] == '"x"' and e["via"] == "proxy" and e["t_end"] >= e["t"]
    c.get("https://www.qingxi.gov.cn.test/")
    tunnel = [x for x in f.requests("www.qingxi.gov.cn.test") if x["via"] == "tunnel"]
    assert tunnel and any(x["method"] == "CONNECT" for x in f.requests("www.qingxi.gov.cn.test"))
    lines = f.log_path.read_text("utf-8").splitlines()
    assert any(json.loads(line)["path"] == "/xxgk/zfxxgknb.htm" for line in lines)


def test_mutations_and_control_host():
    with farm.start(time_scale=SCALE) as m:
        c = client(m)
        before = m.manifest
        gov = next(r for r in before["reports"] if r["id"] == "990101-gov-2023")
        url = gov["document_urls"][0]
        r1 = c.get(url)
        col1 = c.get(f"{QX}/col/col1229000020/index.html")
        assert c.get(url, headers={"If-None-Match": r1.headers["etag"]}).status_code == 304
        c.get("http://farm.test/_farm/mutate?name=revise")
        r2 = c.get(url, headers={"If-None-Match": r1.headers["etag"]})
        assert (
            r2.status_code == 200
            and r2.content != r1.content
            and r2.headers["etag"] != r1.headers["etag"]
        )
        assert r2.content.startswith(b"%PDF-")
        after = m.mutate("add")
        new = {r["id"] for r in after["reports"]} - {r["id"] for r in before["reports"]}
        assert new == {"990101-cdjd-2024"}
        added = next(r for r in after["reports"] if r["id"] == "990101-cdjd-2024")
        col2 = c.get(
            f"{QX}/col/col1229000020/index.html", headers={"If-None-Match": col1.headers["etag"]}
        )
        assert col2.status_code == 200 and added["page_url"].split(".test", 1)[1] in col2.text
        assert c.get(added["page_url"]).status_code == 200
        # unchanged documents still answer 304
        other = next(r for r in after["reports"] if r["id"] == "990101-jyj-2023")["document_urls"][
            0
        ]
        o1 = c.get(other)
        assert c.get(other, headers={"If-None-Match": o1.headers["etag"]}).status_code == 304
        ctl = c.get("http://farm.test/_farm/manifest.json").json()
        assert ctl["mutations_applied"] == ["add", "revise"]
        assert c.get("http://farm.test/_farm/requests.jsonl").text.count("\n") > 3
        m.reset()
        assert m.manifest == before


# ---------------------------------------------------------------------------------------------
# A real browser through the proxy
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian chromium")
def test_chromium_renders_js_lists_and_passes_the_412_challenge():
    playwright = pytest.importorskip("playwright.sync_api")
    with farm.start(time_scale=0.25) as b, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
            ],
            proxy={"server": b.proxy_url},
        )
        try:
            ctx = browser.new_context(ignore_https_errors=True)
            page = ctx.new_page()
            page.goto(f"{HX}/zfxxgk/zfxxgknb/", wait_until="networkidle")
            links = page.eval_on_selector_all(
                "a[href*='/zfxxgk/zfxxgknb/20']", "els => els.map(e => e.href)"
            )
            expected = [r for r in b.manifest["reports"] if "/zfxxgk/zfxxgknb/" in r["page_url"]]
            assert len(links) >= 10 and {r["page_url"] for r in expected} & set(links)
            page.goto("http://www.lingxi.gov.cn.test/zwgk/xxgknb/")
            page.wait_for_selector("h2.list-title", timeout=15000)
            assert "年度报告" in page.content()
            cookies = {c["name"] for c in ctx.cookies()}
            assert "FSSBBIl1UgzbN7N80T" in cookies
            page.goto("https://www.qingxi.gov.cn.test/col/col1229000020/index.html")
            assert page.locator("ul.jpage-list li a").count() == 15
        finally:
            browser.close()
    statuses = [e["status"] for e in b.requests("www.lingxi.gov.cn.test")]
    assert 412 in statuses and 200 in statuses
