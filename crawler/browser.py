"""Chromium as a renderer only: every request a rendered page makes goes through Scrapy.

A page that lists its reports only once its scripts have run is opened in Chromium
(scrapy-playwright's handler, subclassed here). Chromium itself never touches the network:
each request the page makes is intercepted and either aborted — pictures, fonts, media,
stylesheets, and any host that is not one of the portal's own — or fetched by Scrapy's
downloader and handed back to the page. So everything the crawl promises holds inside the
browser too: one request at a time per host with the host's gap and Crawl-delay (Scrapy's
slots and our throttle), robots.txt, the allowed hosts, the proxy variables, retries, the
request log of a farm. The browser is launched with a proxy that leads nowhere, so traffic of
its own (updates, metrics) cannot leave either.

While a page renders, the JSON and HTML its scripts fetch are kept (``render_captures`` in the
response's meta): the spider reads lists out of them and calls their endpoints directly, without
the browser, for the next pages and the next crawls. A cookie a page's script sets (a script
stub that sets a cookie and reloads) is handed to Scrapy's cookie jar with the next request,
so later plain requests carry it.

The render request itself runs in a download slot of its own (``render:<host>``), so that it
does not hold the host's slot while the page's requests wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from parsers.html import detect_encoding

from .state import CrawlState
from .tls import VerifyingContextFactory

logger = logging.getLogger(__name__)

# What no list page needs to show its links: never fetched for the browser.
SKIPPED_TYPES = {"image", "media", "font", "stylesheet", "websocket", "manifest", "texttrack"}
CAPTURED_TYPES = {"xhr", "fetch", "document", "script", "other"}
MAX_CAPTURE = 2_000_000  # bytes of one captured response kept for the spider
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}
_FORWARDED_HEADERS = {"accept", "content-type", "referer", "x-requested-with", "origin"}


def render_meta(url: str, hosts: set[str], *, body: bytes | None = None, **extra) -> dict:
    """Meta for a request to be rendered: the hosts its page may load from, the bytes of the
    page already fetched (so that it is not asked for twice), and its own download slot."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
        "download_slot": f"render:{urlsplit(url).hostname or ''}",
        "render": {"hosts": sorted(hosts), "body": body, **extra},
    }


@dataclass
class Render:
    """One page being rendered: what it may load, and what it loaded."""

    url: str
    hosts: frozenset[str]
    body: bytes | None
    meta: dict  # passed on to every request of the page (portal, robots override)
    spec: dict = field(default_factory=dict)  # what to do on the page (clicks)
    captures: list[dict] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)  # the page after each click
    requests: int = 0  # fetched for it by Scrapy
    seen: int = 0  # every request it made, aborted ones too

    @classmethod
    def of(cls, request: Request) -> Render:
        spec = request.meta.get("render") or {}
        hosts = set(spec.get("hosts") or ()) | {urlsplit(request.url).hostname or ""}
        keep = {k: request.meta[k] for k in ("portal", "dont_obey_robotstxt") if k in request.meta}
        return cls(request.url, frozenset(h.lower() for h in hosts), spec.get("body"), keep, spec)


# Marks the innermost visible element whose own text matches (a person clicks the words they
# see, and the handler sits on the innermost element that carries them).
_MARK = """(pattern) => {
  const re = new RegExp(pattern);
  for (const e of document.querySelectorAll('[data-nianbao-click]'))
    e.removeAttribute('data-nianbao-click');
  const all = [...document.querySelectorAll('a, button, li, span, div, td, dd, p, input')];
  const text = e => (e.innerText || e.value || '').replace(/\\s+/g, '');
  const hits = all.filter(e => { const t = text(e); return t.length > 0 && t.length <= 24 &&
      re.test(t) && e.offsetParent !== null && !e.closest('.disabled, [disabled]'); });
  const inner = hits.filter(e => !hits.some(o => o !== e && e.contains(o)));
  if (!inner.length) return false;
  inner[0].setAttribute('data-nianbao-click', '1');
  return true;
}"""
NEXT_PAGE = r"^(下一页|下页|后一页|下一頁|next|>|»|›|>>)$"


async def _settle(page, timeout_ms: int = 30_000) -> None:
    # A page that never goes quiet is read as it is.
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)


async def quiet(page, render: Render, rounds: int = 6) -> None:
    """Wait until the page asks for nothing more. "networkidle" alone is not enough: a script
    may start its request a moment later (a timer, a slow machine), so the page must also stay
    without a new request for a further second."""
    for _ in range(rounds):
        before = render.seen
        await asyncio.sleep(1.0)
        await _settle(page)
        if render.seen == before:
            return


async def _click(page, pattern: str, render: Render) -> bool:
    """Click what a person would: the element showing text that matches ``pattern``."""
    try:
        if not await page.evaluate(_MARK, pattern):
            return False
        await page.click("[data-nianbao-click]", timeout=10_000)
    except Exception:
        return False
    await _settle(page)
    await quiet(page, render)
    return True


async def interact(page, render: Render) -> None:
    """Click the item named in the spec, then turn pages with 下一页, keeping each state."""
    pattern = render.spec.get("click")
    if pattern and await _click(page, pattern, render):
        render.snapshots.append(await page.content())
    seen = {await page.content()}
    for n in range(1, int(render.spec.get("next_clicks") or 0) + 1):
        # 下一页, or a pager of numbers only: the next number
        if not (await _click(page, NEXT_PAGE, render) or await _click(page, f"^{n + 1}$", render)):
            break
        content = await page.content()
        if content in seen:
            break
        seen.add(content)
        render.snapshots.append(content)


def _repair_charset(headers: dict[str, str], body: bytes) -> None:
    """A GBK page declared UTF-8 (or not declared) is handed to the page with the charset that
    really decodes it, as EncodingRepairMiddleware does for the plain requests."""
    key = next((k for k in headers if k.lower() == "content-type"), "Content-Type")
    ctype = headers.get(key, "")
    if not re.match(r"\s*(text/|application/(x-)?javascript|application/json)", ctype, re.I):
        return
    m = re.search(r"charset=([\w-]+)", ctype, re.I)
    actual = detect_encoding(body, m.group(1) if m else None)
    if actual and (not m or actual.replace("-", "").lower() != m.group(1).replace("-", "").lower()):
        base = re.sub(r";\s*charset=[\w-]+", "", ctype, flags=re.I)
        headers[key] = f"{base}; charset={actual}"


def _cookies(header: str | None) -> dict[str, str]:
    if not header:
        return {}
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header: send none rather than fail the page
        return {}
    return {k: m.value for k, m in jar.items()}


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # TLS verified by the crawl's policy (crawler/tls.py), for plain and rendered requests.
        self._contextFactory = build_from_crawler(VerifyingContextFactory, crawler)
        self.crawler = crawler
        self.state = CrawlState.of(crawler)
        self.renders: dict[object, Render] = {}  # Playwright page → its render
        self.cache: OrderedDict[str, tuple[int, dict, bytes]] = OrderedDict()  # scripts
        self.cache_size = crawler.settings.getint("NIANBAO_BROWSER_CACHE_ENTRIES")

    async def _create_page(self, request, spider):
        page = await super()._create_page(request, spider)
        self.renders[page] = Render.of(request)
        page.on("close", lambda p: self.renders.pop(p, None))
        return page

    async def _download_request_with_page(self, request, page, spider):
        render = self.renders.get(page)
        response = await super()._download_request_with_page(request, page, spider)
        if render is not None:
            request.meta["render_captures"] = render.captures
            request.meta["render_snapshots"] = render.snapshots
            request.meta["render_requests"] = render.requests
        return response

    async def _apply_page_methods(self, page, request, spider) -> None:
        await super()._apply_page_methods(page, request, spider)
        render = self.renders.get(page)
        if render is None:
            return
        await quiet(page, render)
        if render.spec.get("click") or render.spec.get("next_clicks"):
            await interact(page, render)

    def _make_request_handler(self, context_name, method, url, headers, body, encoding, **kw):
        async def handler(route, playwright_request) -> None:
            try:
                page = playwright_request.frame.page
            except Exception:  # a frame detached while its request was on the way
                await route.abort()
                return
            await self._route(route, playwright_request, self.renders.get(page))

        return handler

    async def _route(self, route, req, render: Render | None) -> None:
        host = (urlsplit(req.url).hostname or "").lower()
        if render is not None:
            render.seen += 1
        if (
            render is None
            or req.resource_type in SKIPPED_TYPES
            or urlsplit(req.url).scheme not in ("http", "https")
            or host not in render.hosts
            or not self.state.host_allowed(host)
        ):
            self.crawler.stats.inc_value("nianbao/browser/aborted")
            await route.abort()
            return
        same_page = req.url.split("#")[0] == render.url.split("#")[0]
        if render.body is not None and req.is_navigation_request() and same_page:
            body, render.body = render.body, None  # the page as fetched already: not asked twice
            await route.fulfill(status=200, body=body, content_type="text/html")
            return
        cached = self.cache.get(req.url) if req.resource_type == "script" else None
        if cached is not None:
            status, headers, body = cached
            await route.fulfill(status=status, headers=headers, body=body)
            return
        await self._fetch(route, req, render)

    async def _fetch(self, route, req, render: Render) -> None:
        sent = await req.all_headers()
        host = urlsplit(req.url).hostname or ""
        request = Request(
            req.url,
            method=req.method,
            body=req.post_data_buffer or b"",
            headers={k: v for k, v in sent.items() if k.lower() in _FORWARDED_HEADERS},
            # site-wide, as a script's document.cookie with path=/ is: one cookie, not one
            # per folder of the pages that sent it
            cookies=[
                {"name": k, "value": v, "domain": host, "path": "/"}
                for k, v in _cookies(sent.get("cookie")).items()
            ],
            meta={
                **render.meta,
                "kind": "browser",
                "browser_subrequest": True,
                "dont_redirect": True,  # the page follows redirects itself
                "handle_httpstatus_all": True,
            },
            dont_filter=True,
            priority=40,
        )
        render.requests += 1
        self.crawler.stats.inc_value("nianbao/browser/requests")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            logger.debug("browser request %s failed: %s", req.url, exc)
            await route.abort()
            return
        headers: dict[str, str] = {}
        for name, values in response.headers.items():
            key = name.decode("latin-1")
            if key.lower() in _DROPPED_HEADERS:
                continue
            headers[key] = "\n".join(v.decode("latin-1") for v in values)
        _repair_charset(headers, response.body)
        await route.fulfill(status=response.status, headers=headers, body=response.body)
        if req.resource_type == "script" and response.status == 200:
            self._remember(req.url, (response.status, headers, response.body))
        if req.resource_type in CAPTURED_TYPES and (
            not req.is_navigation_request() or req.frame.parent_frame is not None
        ):
            render.captures.append(
                {
                    "url": response.url,
                    "method": req.method,
                    "post_data": req.post_data,
                    "request_content_type": sent.get("content-type"),
                    "status": response.status,
                    "type": req.resource_type,
                    "content_type": headers.get("Content-Type") or headers.get("content-type"),
                    "body": response.body[:MAX_CAPTURE],
                }
            )

    def _remember(self, url: str, entry: tuple) -> None:
        self.cache[url] = entry
        self.cache.move_to_end(url)
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
