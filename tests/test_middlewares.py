"""Each downloader middleware on its own, built the Scrapy way (get_crawler + build_from_crawler).

The end-to-end crawls (test_crawl.py) show they work together against the farm; these show each
rule in milliseconds: what it does to a request or a response, and what it leaves alone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.archive import Archive
from crawler.middlewares import AlreadyStored, Blocked, HostNotAllowed
from crawler.middlewares.challenge import ChallengeMiddleware
from crawler.middlewares.conditional import ConditionalRequestMiddleware
from crawler.middlewares.cookies import is_public_domain
from crawler.middlewares.encoding import EncodingRepairMiddleware
from crawler.middlewares.hosts import AllowedHostsMiddleware
from crawler.middlewares.redirects import CookieGateMiddleware, JsRedirectMiddleware
from crawler.middlewares.retry import BackoffRetryMiddleware, retry_after
from crawler.middlewares.stored import StoredDocumentsMiddleware
from crawler.state import CrawlState


def crawler_with(tmp_path=None, **settings):
    base = {k: getattr(project, k) for k in dir(project) if k.startswith("NIANBAO_")}
    if tmp_path is not None:
        base["NIANBAO_DB"] = str(tmp_path / "archive.db")
    return get_crawler(settings_dict={**base, **settings})


def build(cls, crawler):
    return build_from_crawler(cls, crawler)


def html(url: str, body: bytes | str, status: int = 200, **kw) -> HtmlResponse:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HtmlResponse(url, status=status, body=body, request=Request(url), **kw)


# --- hosts ---------------------------------------------------------------------------------------


def test_allowed_hosts_refuse_everything_else():
    mw = build(AllowedHostsMiddleware, crawler_with(NIANBAO_ALLOWED_HOSTS="*.test, 192.0.2.10"))
    assert mw.process_request(Request("http://www.qingxi.gov.cn.test/")) is None
    assert mw.process_request(Request("http://192.0.2.10/xxgk/")) is None
    for url in ("https://www.gov.cn/", "http://update.googleapis.com/", "http://test/"):
        with pytest.raises(HostNotAllowed):
            mw.process_request(Request(url))


def test_allowed_hosts_is_off_without_patterns():
    with pytest.raises(NotConfigured):
        build(AllowedHostsMiddleware, crawler_with(NIANBAO_ALLOWED_HOSTS=""))


def test_the_browser_sees_the_same_host_rule():
    state = CrawlState.of(crawler_with(NIANBAO_ALLOWED_HOSTS="*.test"))
    assert state.host_allowed("WWW.HUAXI.GOV.CN.TEST")
    assert not state.host_allowed("hm.baidu.com")


# --- stored documents ----------------------------------------------------------------------------


def _stored(tmp_path, url: str, when: str = "2026-01-01T00:00:00Z") -> int:
    """A document fetched and stored by a crawl run; returns the run's id."""
    archive = Archive(tmp_path / "archive.db")
    run_id = archive.start_run("registry.csv", {})
    sha = archive.add_document(b"%PDF-1.4 stored", "application/pdf")
    archive.record_fetch(url=url, fetched_at=when, status=200, sha256=sha, crawl_run=run_id)
    archive.close()
    return run_id


def test_a_document_stored_in_this_run_is_not_asked_again(tmp_path):
    url = "http://x.gov.cn.test/a.pdf"
    run_id = _stored(tmp_path, url)
    crawler = crawler_with(tmp_path, NIANBAO_REVALIDATE_DAYS=0)
    mw = build(StoredDocumentsMiddleware, crawler)
    CrawlState.of(crawler).run_id = run_id
    with pytest.raises(AlreadyStored):
        mw.process_request(Request(url, meta={"document": True}))
    # other documents, pages that are not documents, and retries go on
    assert (
        mw.process_request(Request("http://x.gov.cn.test/b.pdf", meta={"document": True})) is None
    )
    assert mw.process_request(Request(url)) is None
    assert mw.process_request(Request(url, meta={"document": True, "retry_times": 1})) is None
    # the same document in another run, fetched long ago: asked again (conditionally)
    CrawlState.of(crawler).run_id = run_id + 1
    assert mw.process_request(Request(url, meta={"document": True})) is None


def test_a_recently_stored_document_is_not_asked_again(tmp_path):
    url = "http://x.gov.cn.test/a.pdf"
    recent = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _stored(tmp_path, url, when=recent)
    mw = build(StoredDocumentsMiddleware, crawler_with(tmp_path, NIANBAO_REVALIDATE_DAYS=7))
    with pytest.raises(AlreadyStored):
        mw.process_request(Request(url, meta={"document": True}))
    stale = build(StoredDocumentsMiddleware, crawler_with(tmp_path, NIANBAO_REVALIDATE_DAYS=0.5))
    assert stale.process_request(Request(url, meta={"document": True})) is None


# --- retries -------------------------------------------------------------------------------------


class _Throttle:
    def __init__(self):
        self.floors = {}

    def raise_floor(self, host, delay):
        self.floors[host] = delay


def test_retry_after_in_seconds_and_as_a_date():
    def response(value: str) -> Response:
        return Response("http://x.test/", status=429, headers={"Retry-After": value})

    assert retry_after(response("7")) == 7.0
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after(response(when)) <= 31
    assert retry_after(response("soon")) is None
    assert retry_after(Response("http://x.test/", status=429)) is None


def test_server_errors_are_retried_with_backoff_then_given_up():
    crawler = crawler_with(NIANBAO_BACKOFF_BASE=0.001, NIANBAO_RETRY_TIMES=2)
    mw = build(BackoffRetryMiddleware, crawler)
    request = Request("http://x.test/list.html")
    first = asyncio.run(mw.process_response(request, Response(request.url, status=503)))
    assert isinstance(first, Request) and first.meta["retry_times"] == 1 and first.dont_filter
    second = asyncio.run(mw.process_response(first, Response(request.url, status=503)))
    assert second.meta["retry_times"] == 2
    final = Response(request.url, status=503)
    assert asyncio.run(mw.process_response(second, final)) is final  # the errback decides
    not_found = Response(request.url, status=404)
    assert asyncio.run(mw.process_response(request, not_found)) is not_found


def test_a_429_raises_the_host_floor_for_the_rest_of_the_crawl():
    crawler = crawler_with(NIANBAO_BACKOFF_BASE=0.001)
    throttle = CrawlState.of(crawler).throttle = _Throttle()
    mw = build(BackoffRetryMiddleware, crawler)
    request = Request("http://slow.gov.cn.test/a")
    answer = Response(request.url, status=429, headers={"Retry-After": "0"})
    assert isinstance(asyncio.run(mw.process_response(request, answer)), Request)
    assert throttle.floors == {"slow.gov.cn.test": 0.001}


# --- conditional requests ------------------------------------------------------------------------


def _conditional(tmp_path, url: str, body: bytes) -> ConditionalRequestMiddleware:
    archive = Archive(tmp_path / "archive.db")
    sha = archive.add_document(body, "text/html")
    archive.record_fetch(
        url=url, status=200, sha256=sha, etag='"v1"', last_modified="Mon, 03 Mar 2025 09:30:00 GMT"
    )
    archive.close()
    return build(ConditionalRequestMiddleware, crawler_with(tmp_path))


def test_a_document_we_hold_is_asked_for_conditionally_and_304_answered_from_the_store(tmp_path):
    url = "http://x.gov.cn.test/art/1.html"
    body = "<html><body>年报 正文</body></html>".encode()
    mw = _conditional(tmp_path, url, body)
    request = Request(url, meta={"document": True})
    assert mw.process_request(request) is None
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 03 Mar 2025 09:30:00 GMT"
    answer = mw.process_response(request, Response(url, status=304, request=request))
    assert answer.status == 200 and answer.body == body and "not_modified" in answer.flags
    assert isinstance(answer, HtmlResponse) and request.meta["not_modified"]
    # pages that are not documents are asked plainly
    page = Request("http://x.gov.cn.test/col/index.html")
    mw.process_request(page)
    assert b"If-None-Match" not in page.headers


def test_a_304_for_bytes_lost_from_the_store_is_asked_again_unconditionally(tmp_path):
    url = "http://x.gov.cn.test/art/2.html"
    mw = _conditional(tmp_path, url, b"<html>lost</html>")
    for f in (tmp_path / "archive-files").rglob("*.html"):
        f.unlink()
    request = Request(url, meta={"document": True})
    mw.process_request(request)
    again = mw.process_response(request, Response(url, status=304, request=request))
    assert isinstance(again, Request) and b"If-None-Match" not in again.headers


# --- challenges, shells, gates, encodings --------------------------------------------------------


def test_challenges_and_waf_pages_are_reported_blocked():
    mw = build(ChallengeMiddleware, crawler_with(NIANBAO_CHALLENGE_RETRIES=0))
    ruishu = html("http://x.test/", "<script>$_ts=window['$_ts'];</script>", status=412)
    with pytest.raises(Blocked, match="Ruishu"):
        mw.process_response(ruishu.request, ruishu)
    waf = html("http://x.test/", "<title>访问异常</title><h1>访问异常</h1>")
    with pytest.raises(Blocked, match="WAF"):
        mw.process_response(waf.request, waf)
    links = "".join(f'<a href="/a{i}">新闻{i}</a>' for i in range(20))
    page = html("http://x.test/", f"<title>某县人民政府</title>{links}<p>请进行安全验证后办理</p>")
    assert mw.process_response(page.request, page) is page  # a real page mentioning 安全验证


def test_a_tiny_javascript_shell_is_followed_a_bounded_number_of_times():
    mw = build(JsRedirectMiddleware, crawler_with())
    shell = html("http://x.test/", "<script>window.location.href='/portal/index.html'</script>")
    follow = mw.process_response(shell.request, shell)
    assert follow.url == "http://x.test/portal/index.html" and follow.meta["js_redirects"] == 1
    loop = html("http://x.test/a", "<script>location.replace('/b')</script>")
    loop.request.meta["js_redirects"] = 3
    assert mw.process_response(loop.request, loop) is loop
    big = html("http://x.test/", "<script>location.href='/x'</script>" + " " * 5000)
    assert mw.process_response(big.request, big) is big


def test_a_cookie_gate_is_asked_once_more():
    mw = CookieGateMiddleware()
    request = Request("http://x.test/col/1.html")
    gate = Response(
        request.url,
        status=302,
        headers={"Location": "/col/1.html", "Set-Cookie": "gate=1; Path=/"},
        request=request,
    )
    again = mw.process_response(request, gate)
    assert again.url == request.url and again.meta["cookie_gate"] and again.dont_filter
    assert mw.process_response(again, gate) is gate  # only once
    elsewhere = Response(request.url, status=302, headers={"Location": "/other.html"})
    assert mw.process_response(request, elsewhere) is elsewhere


def test_a_gbk_page_declared_utf8_is_read_as_gbk():
    text = "<html><head><title>政府信息公开年报</title></head><body>葭川县</body></html>"
    wrong = TextResponse(
        "http://x.test/",
        body=text.encode("gbk"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    fixed = EncodingRepairMiddleware().process_response(Request("http://x.test/"), wrong)
    assert "政府信息公开年报" in fixed.text


def test_cookie_domains_are_judged_with_the_bundled_suffix_list():
    # No network: the list that ships with tldextract decides (suffix_list_urls=()).
    assert is_public_domain("gov.cn")
    assert not is_public_domain("qingxi.gov.cn")


# --- warm-up -------------------------------------------------------------------------------------


def test_pages_answered_tiny_together_share_one_warm_up_of_their_host():
    from crawler.middlewares.warmup import WarmUpMiddleware

    crawler = crawler_with()
    mw = build(WarmUpMiddleware, crawler)
    homes = []

    class Engine:  # the home page takes a moment, as on a slow portal
        async def download_async(self, request):
            homes.append(request.url)
            await asyncio.sleep(0.05)
            return html(request.url, "<html>home</html>")

    crawler.engine = Engine()
    tiny = "<html><head><script>var _w=1;</script></head><body></body></html>"
    sent = [Request(f"https://www.yxx.gov.cn.test/art/{i}.html", meta={"kind": "article"})
            for i in range(4)]  # fmt: skip
    for request in sent:  # all four left before any warm-up
        mw.process_request(request)

    async def answers():
        first = await asyncio.gather(*(mw.process_response(r, html(r.url, tiny)) for r in sent[:3]))
        late = await mw.process_response(sent[3], html(sent[3].url, tiny))  # after the warm-up
        return [*first, late]

    again = asyncio.run(answers())
    assert homes == ["https://www.yxx.gov.cn.test/"]  # one warm-up, not four
    assert [a.url for a in again] == [r.url for r in sent]  # every page asked once more
    assert all(isinstance(a, Request) and a.meta["warmed_up"] and a.dont_filter for a in again)
    fresh = Request("https://www.yxx.gov.cn.test/art/9.html", meta={"kind": "article"})
    mw.process_request(fresh)  # sent after the warm-up: tiny again means warm up again
    asyncio.run(mw.process_response(fresh, html(fresh.url, tiny)))
    assert len(homes) == 2
