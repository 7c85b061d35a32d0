"""``nianbao registry discover`` and ``check``: the registry found by the crawler itself.

The rules on their own (matching link texts under the right parent, judging a site's identity),
then a discovery over the farm's directory world (farm/directory.py): provincial and prefecture
portals whose links lead to every county portal of three prefectures, with the traps real
directories have.
"""

from __future__ import annotations

import csv
import itertools
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import farm
from crawler.registry import units as U
from crawler.registry.identity import verdict
from farm import directory

ROOT = Path(__file__).resolve().parent.parent


def unit(name: str, prefecture: str | None = None) -> U.Unit:
    return next(
        u
        for u in U.units().values()
        if u.name == name and (prefecture is None or u.prefecture == prefecture)
    )


# --- names ---------------------------------------------------------------------------------------


def test_a_link_text_names_a_unit_only_among_one_parents_children():
    fuzhou = U.children(unit("福州市"))
    nanjing = U.children(unit("南京市"))
    assert U.match("鼓楼区人民政府", fuzhou).code == "350102"
    assert U.match("鼓楼区政府门户网站", nanjing).code == "320106"
    assert U.match("晋安", fuzhou).code == "350111"
    assert U.match("鼓楼区教育局", fuzhou) is None  # a department, not the district
    assert U.match("福州市", fuzhou) is None  # the parent itself


def test_autonomous_units_by_their_short_names():
    haidong = U.children(unit("海东市"))
    assert U.match("互助县", haidong).name == "互助土族自治县"
    assert U.match("互助土族自治县人民政府", haidong).name == "互助土族自治县"
    qiandongnan = unit("黔东南苗族侗族自治州")
    assert U.match("黔东南州", U.children(U.province_named("贵州"))) == qiandongnan


def test_a_name_two_units_share_is_never_guessed():
    shanxi = U.children(U.province_named("山西省"))  # 城区 in 阳泉, 长治, 晋城 …
    assert sum(1 for u in shanxi if u.name == "城区") > 1
    assert U.match("城区", shanxi) is None


# --- identity ------------------------------------------------------------------------------------


def test_a_site_is_the_units_portal_only_if_it_says_so():
    gulou = unit("鼓楼区", "福州市")
    assert verdict(gulou, "首页_福州市鼓楼区人民政府", "3501020012").confidence == "high"
    assert verdict(gulou, "鼓楼区人民政府门户网站", None).confidence == "medium"
    assert not verdict(gulou, "首页_鼓楼区人民政府", "3201060012").ok  # 南京's 鼓楼区
    assert "department" in verdict(gulou, "首页_鼓楼区教育局", "3501020099").reason
    assert not verdict(gulou, "福州市人民政府", "3501000001").ok  # the city's own portal


# --- a discovery over the farm -------------------------------------------------------------------


@pytest.fixture(scope="module")
def discovered(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("registry")
    out = tmp / "registry.csv"
    with farm.start(time_scale=0.05, sample=False, directory=True, workdir=tmp / "farm") as f:
        env = {**__import__("os").environ, **f.env()}
        argv = [
            sys.executable, "-m", "crawler", "registry", "discover",
            "--seeds", str(f.directory_seeds_path), "--out", str(out), "--delay", "0.1",
            "-s", f"NIANBAO_ALLOWED_HOSTS={f.allowed_hosts},198.51.100.*",
        ]  # fmt: skip
        proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        log = [r for r in f.requests() if r["host"] != "farm.test"]
        check = subprocess.run(
            [sys.executable, "-m", "crawler", "registry", "check", str(out), "--delay", "0.1",
             "-s", f"NIANBAO_ALLOWED_HOSTS={f.allowed_hosts},198.51.100.*"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    with open(out, encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    return {"rows": rows, "log": log, "stderr": proc.stderr, "check": check}


def host(url: str | None) -> str | None:
    return urlsplit(url).netloc if url else None


@pytest.mark.e2e
def test_every_county_found_with_the_right_url_and_none_wrong(discovered):
    rows, truth = discovered["rows"], directory.truth()
    right = [c for c, url in truth.items() if url and host(rows[c]["url"]) == host(url)]
    wrong = [c for c, url in truth.items() if rows[c]["url"] and host(rows[c]["url"]) != host(url)]
    reachable = [c for c, url in truth.items() if url]
    assert wrong == []
    assert len(right) >= 0.95 * len(reachable), [rows[c] for c in reachable if c not in right]
    assert all(rows[c]["site_id"].startswith(c) for c in right)  # verified by 网站标识码


@pytest.mark.e2e
def test_the_traps(discovered):
    rows = discovered["rows"]
    gulou = {rows[c]["url"] for c in ("350102", "320106", "320302")}
    assert len(gulou) == 3  # three 鼓楼区, each its own portal
    assert "jajyj" not in rows["350111"]["url"]  # the department's site is not 晋安区's portal
    assert "xuanwu-old" in rows["320102"]["link_url"] and "xuanwu-old" not in rows["320102"]["url"]
    assert host(rows["320104"]["url"]) == "198.51.100.61"  # a bare-IP host
    assert host(rows["350104"]["url"]) == "cangshan.fuzhou.gov.cn.test"  # on the city's platform
    assert (
        rows["350128"]["url"] and "fujian" in rows["350128"]["found_on"]
    )  # listed by the province
    assert rows["350105"]["url"] == "" and "nowhere-mawei" in rows["350105"]["reason"]  # dead


@pytest.mark.e2e
def test_every_unit_of_the_provinces_has_a_row(discovered):
    rows = discovered["rows"]
    expected = {u.code for p in ("福建省", "江苏省") for u in U.counties(p)}
    assert set(rows) == expected
    assert all(r["url"] or r["reason"] for r in rows.values())
    assert not any("教育局" in r["title"] for r in rows.values() if r["url"])


@pytest.mark.e2e
def test_discovery_keeps_the_manners(discovered):
    log = [e for e in discovered["log"] if e["method"] != "CONNECT"]
    assert log and all("nianbao/" in e["user_agent"] for e in log)
    by_host: dict[str, list] = {}
    for e in log:
        by_host.setdefault(e["host"], []).append(e)
    for h, reqs in by_host.items():
        reqs.sort(key=lambda e: e["t"])
        for a, b in itertools.pairwise(reqs):
            assert b["t"] >= (a["t_end"] or a["t"]) - 0.05, h  # one at a time per host
        assert reqs[0]["path"] == "/robots.txt" or any(r["path"] == "/robots.txt" for r in reqs), h


@pytest.mark.e2e
def test_check_finds_nothing_changed(discovered):
    check = discovered["check"]
    assert check.returncode == 0, check.stderr[-2000:]
    assert "0 of " in check.stderr
