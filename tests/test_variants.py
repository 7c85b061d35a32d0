"""The portal-variant generator (farm/variants): deterministic, every family builds, and what
the manifest promises is what the farm serves — checked with a plain HTTP client through the
farm's proxy, without the crawler.

Development seeds only (0–99); the held-out ranges belong to benchmarks/discovery.py.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import time
from urllib.parse import urlsplit

import httpx
import pytest

import farm
from farm.variants import FAMILIES, generate, parse_spec
from farm.variants.names import is_real_name

SEEDS = range(3)  # served and walked per family
PAIRS = [(f, s) for f in FAMILIES for s in SEEDS]


@pytest.fixture(scope="module")
def f():
    with farm.start(time_scale=0.02, variants=PAIRS, sample=False) as running:
        yield running


@pytest.fixture(scope="module")
def http(f):
    with httpx.Client(proxy=f.proxy_url, verify=False, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def manifest(f):
    return f.manifest


def _portal(manifest: dict, code: str) -> dict:
    return next(p for p in manifest["portals"] if p["code"] == code)


def _get(http: httpx.Client, p: dict, url: str) -> httpx.Response:
    """GET with the cookie a variant's reload stub would have set in a browser."""
    gate = p["variant"]["knobs"].get("cookie_gate")
    headers = {"Cookie": f"{gate[0]}={gate[1]}"} if gate else {}
    return http.get(url, follow_redirects=True, headers=headers)


def test_generation_is_deterministic_and_cheap() -> None:
    for fam in FAMILIES:
        a, b = generate(fam, 7), generate(fam, 7)
        assert a.v.knobs == b.v.knobs
        assert [(r.id, r.title, r.page_url, r.document_urls) for r in a.portal.reports] == [
            (r.id, r.title, r.page_url, r.document_urls) for r in b.portal.reports
        ]
        assert a.v.paths == b.v.paths
        key = next(iter(a.static))
        assert a.static.get(key).body == b.static.get(key).body
    t = time.perf_counter()
    for fam in FAMILIES:
        generate(fam, 11)
    assert (time.perf_counter() - t) / len(FAMILIES) < 0.1  # ≲ 50 ms each on an idle machine


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_builds_for_development_seeds(family: str) -> None:
    for seed in range(50):
        site = generate(family, seed)
        p = site.portal
        assert 5 <= len(p.reports) <= 20 and 2 <= len(p.decoys) <= 5
        assert p.code.startswith("98") and len(p.code) == 6
        assert not is_real_name(p.name), p.name
        assert all(h.endswith(".test") or h[0].isdigit() for h in site.hosts)
        assert len({(r.agency.key, r.year) for r in p.reports}) == len(p.reports)
        for r in p.reports:
            assert r.page_url and site.v.paths[r.id][-1] in r.urls
            assert urlsplit(site.v.paths[r.id][0]).netloc == urlsplit(p.url).netloc
        assert all(d.urls for d in p.decoys)


def test_set_has_unique_codes_hosts_and_names(f, manifest) -> None:
    codes = [p["code"] for p in manifest["portals"]]
    assert len(codes) == len(set(codes)) == len(PAIRS)
    hosts = [h for p in manifest["portals"] for h in p["hosts"]]
    assert len(hosts) == len(set(hosts))
    assert len({p["name"] for p in manifest["portals"]}) == len(PAIRS)
    assert all(p["expected_outcome"] == "ok" for p in manifest["portals"])
    # registry: platform and js left for the crawler to detect
    rows = f.registry_path.read_text("utf-8").splitlines()
    assert rows[0] == "code,name,province,prefecture,url,platform,js"
    assert all(r.endswith(",,") for r in rows[1:]) and len(rows) == len(PAIRS) + 1


def test_codes_stay_unique_when_seeds_collide() -> None:
    from farm.sites.base import FarmState
    from farm.variants.truth import build_set

    sites = build_set([("trs", 5), ("trs", 1005), ("trs", 2005)], FarmState())
    assert len({s.v.code for s in sites}) == 3
    assert len({h for s in sites for h in s.hosts}) == sum(len(s.hosts) for s in sites)


def test_report_and_decoy_urls_answer(http, manifest) -> None:
    for r in manifest["reports"]:
        assert r["must_archive"]
        for u in r["urls"]:
            resp = http.get(u, follow_redirects=True)
            assert resp.status_code == 200, (r["id"], u)
    for d in manifest["decoys"]:
        for u in d["urls"]:
            assert http.get(u, follow_redirects=True).status_code == 200, (d["title"], u)


def _linked(prev: str, body: str, url: str) -> bool:
    body = html.unescape(body)
    u = urlsplit(url)
    path = u.path + (f"?{u.query}" if u.query else "")
    base = urlsplit(prev).path.rsplit("/", 1)[0] + "/"
    rel = "./" + path[len(base) :] if path.startswith(base) else path
    return url in body or path in body or (urlsplit(prev).netloc == u.netloc and rel in body)


def test_click_paths_are_walkable(http, manifest) -> None:
    for r in manifest["reports"]:
        p = _portal(manifest, r["portal_code"])
        static = p["variant"]["knobs"]["static_links"] and not p["variant"]["knobs"]["js_only"]
        path = r["click_path"]
        assert urlsplit(path[0]).netloc == urlsplit(p["url"]).netloc
        prev, body = None, ""
        gate = p["variant"]["knobs"].get("cookie_gate")
        headers = {"Cookie": f"{gate[0]}={gate[1]}"} if gate else {}
        for step in path:
            resp = http.get(step, follow_redirects=True, headers=headers)
            assert resp.status_code == 200, (r["id"], step)
            if prev is not None and static:
                assert _linked(prev, body, step), (r["id"], prev, step)
            prev = step
            body = (
                resp.content.decode("utf-8", "replace")
                if "html" in resp.headers.get("content-type", "") or resp.content[:1] == b"<"
                else ""
            )
            if "gbk" in resp.headers.get("content-type", "").lower() or "charset=gb" in body[:600]:
                body = resp.content.decode("gb18030", "replace")


def test_static_list_pages_carry_their_reports(http, manifest) -> None:
    for r in manifest["reports"]:
        p = _portal(manifest, r["portal_code"])
        if p["variant"]["knobs"]["js_only"]:
            continue
        raw = _get(http, p, r["list_page"]).content.decode("gb18030", "replace")
        page = html.unescape(html.unescape(raw))  # Hanweb records may be entity-escaped HTML
        u = urlsplit(r["page_url"])
        tail = u.path.rsplit("/", 1)[1] + (f"?{u.query}" if u.query else "")
        assert tail in page, (r["id"], r["list_page"])


def test_js_only_lists_have_no_report_links_without_scripts(http, manifest) -> None:
    checked = 0
    for r in manifest["reports"]:
        p = _portal(manifest, r["portal_code"])
        if not FAMILIES[p["variant"]["family"]].js_only:
            continue
        gate = p["variant"]["knobs"].get("cookie_gate")
        headers = {"Cookie": f"{gate[0]}={gate[1]}"} if gate else {}
        page = http.get(r["list_page"], follow_redirects=True, headers=headers).text
        target = urlsplit(r["page_url"])
        assert r["page_url"] not in page and target.path not in page, (r["id"], r["list_page"])
        checked += 1
        # the endpoint the loader script names lists the entry
        assert r["endpoints"], r["id"]
        found = False
        for api in r["endpoints"]:
            resp = http.get(api)
            assert resp.status_code == 200, api
            found |= r["page_url"] in html.unescape(json.dumps(resp.json(), ensure_ascii=False))
        assert found, (r["id"], r["endpoints"])
    assert checked


def test_no_report_document_repeats(http, manifest) -> None:
    seen: dict[str, str] = {}
    for r in manifest["reports"]:
        urls = r["document_urls"] or [r["page_url"]]
        for u in urls:
            body = _get(http, _portal(manifest, r["portal_code"]), u).content
            digest = hashlib.sha256(body).hexdigest()
            assert digest not in seen, (r["id"], seen.get(digest))
            seen[digest] = r["id"]


def test_documents_parse_as_annual_reports(http, manifest) -> None:
    """One report per family and one per document format: the project's parser takes each
    for an annual report of the right year (gkmlpt details that carry the report only in
    ``_CONFIG.DETAIL`` are left out: reading that is the crawler's job)."""
    from parsers import parse_bytes

    seen: set[str] = set()
    for r in manifest["reports"]:
        p = _portal(manifest, r["portal_code"])
        knobs = p["variant"]["knobs"]
        key = r["format"] if r["format"] != "html" else p["variant"]["family"]
        if key in seen or (key == "gkmlpt" and not knobs.get("gk_detail_server_rendered")):
            continue
        url = r["document_urls"][0] if r["document_urls"] else r["page_url"]
        out = parse_bytes(_get(http, p, url).content, f"report.{r['format']}")
        assert out["is_annual_report"] and out["year"] == r["year"], (r["id"], url)
        seen.add(key)
    assert {"docx", "pdf"} <= seen and len(seen) >= len(FAMILIES) - 1


def test_parse_spec() -> None:
    assert parse_spec("trs:0-2,gkmlpt:5") == [("trs", 0), ("trs", 1), ("trs", 2), ("gkmlpt", 5)]
    assert len(parse_spec("all:0")) == len(FAMILIES)
    with pytest.raises(ValueError):
        parse_spec("nosuch:1")


JS_FAMILIES = [f for f, fam in FAMILIES.items() if fam.js_only] + ["hanweb"]


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian chromium")
def test_js_lists_render_in_chromium() -> None:
    """A real Chromium through the farm proxy shows every report link of the JS-only lists
    (clicking through their script pagers)."""
    from playwright.sync_api import sync_playwright

    pairs = [(fam, 1) for fam in JS_FAMILIES]
    with farm.start(time_scale=0.02, variants=pairs, sample=False) as f, sync_playwright() as pw:
        m = f.manifest
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
            proxy={"server": f.proxy_url},
        )
        ctx = browser.new_context(ignore_https_errors=True)
        by_list: dict[str, list[dict]] = {}
        for r in m["reports"]:
            by_list.setdefault(r["list_page"], []).append(r)
        for url, reps in by_list.items():
            p = _portal(m, reps[0]["portal_code"])
            gate = p["variant"]["knobs"].get("cookie_gate")
            page = ctx.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            hrefs = set(page.eval_on_selector_all("a", "els => els.map(e => e.href)"))
            for k in range(1, 8):
                link = page.query_selector(f'a[data-n="{k}"], a[data-p="{k + 1}"]')
                if link is None:
                    break
                link.click()
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(100)
                hrefs |= set(page.eval_on_selector_all("a", "els => els.map(e => e.href)"))
            missing = [r["id"] for r in reps if r["page_url"] not in hrefs]
            assert not missing, (url, missing, gate)
            page.close()
        browser.close()


def test_variants_do_not_depend_on_the_process() -> None:
    """Same bytes under another PYTHONHASHSEED (no str hash(), no set order leaks)."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib\n"
        "from farm.variants import generate, FAMILIES\n"
        "h = hashlib.sha256()\n"
        "for fam in FAMILIES:\n"
        "    site = generate(fam, 3)\n"
        "    h.update(repr(sorted(site.v.knobs.items(), key=str)).encode())\n"
        "    for key in sorted(site.static):\n"
        "        h.update(repr(key).encode() + site.static.get(key).body)\n"
        "print(h.hexdigest())\n"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1
