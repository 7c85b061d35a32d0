"""Downloader middlewares: what every request and response goes through.

In request order: ``AllowedHostsMiddleware`` (fail closed outside the allowed hosts: tests and
the demo can never reach a real site), ``BackoffRetryMiddleware`` (bounded retries with
exponential backoff and Retry-After), ``ConditionalRequestMiddleware`` (If-None-Match /
If-Modified-Since for documents we hold; a 304 is answered from the document store),
``ChallengeMiddleware`` (anti-bot challenges and WAF pages are detected and reported as
``blocked`` — not fought; an operator may allow one try in a real browser),
``JsRedirectMiddleware`` (tiny ``location.replace`` shells), ``CookieGateMiddleware`` (a 302 to
the same URL that sets a cookie), ``EncodingRepairMiddleware`` (a GBK page declared UTF-8).
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import random
import re
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import cookies as _cookies_mw
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from tldextract import TLDExtract
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from parsers.html import detect_encoding


class _OneLine(logging.Filter):
    """robots.txt download failures are expected (the portal's outcome records them): one line,
    not a traceback, at WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage().startswith("Error downloading"):
            record.exc_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_OneLine())

# Scrapy's cookie middleware asks tldextract whether a domain is public, and tldextract's
# default first fetches the Public Suffix List from publicsuffix.org and GitHub: a crawl must
# contact only the portals it was given. The snapshot bundled with tldextract is enough for
# telling gov.cn from a portal's own host, and needs no cache directory.
_cookies_mw._split_domain = TLDExtract(
    cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True
)

logger = logging.getLogger(__name__)

TRANSIENT = (
    TimeoutError,
    TCPTimedOutError,
    ConnectError,
    ConnectionLost,
    ResponseNeverReceived,
    ResponseFailed,
)


class Blocked(IgnoreRequest):
    """An anti-bot challenge or WAF page stood between us and the content."""


class HostNotAllowed(IgnoreRequest):
    pass


def _host(request: Request) -> str:
    return urlsplit(request.url).hostname or ""


class AllowedHostsMiddleware:
    """Refuse any request whose host is outside NIANBAO_ALLOWED_HOSTS (when that is set)."""

    def __init__(self, patterns: list[str]):
        self.patterns = patterns

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        raw = crawler.settings.get("NIANBAO_ALLOWED_HOSTS") or ""
        patterns = [p.strip() for p in str(raw).split(",") if p.strip()]
        if not patterns:
            raise NotConfigured
        from . import browser

        browser.ALLOWED[:] = patterns  # the same rule inside Chromium
        return cls(patterns)

    def process_request(self, request: Request):
        host = _host(request)
        if not any(fnmatch.fnmatch(host, p) for p in self.patterns):
            logger.error(
                "refused %s: host %s is not allowed (NIANBAO_ALLOWED_HOSTS)", request.url, host
            )
            raise HostNotAllowed(f"host {host} not allowed")
        return None


def _retry_after(response: Response) -> float | None:
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class BackoffRetryMiddleware:
    """Retry 429/5xx and network failures a bounded number of times, waiting longer each time.

    The wait is NIANBAO_BACKOFF_BASE × 2ⁿ (with jitter) or the server's Retry-After, whichever is
    longer; a 429 also raises the host's minimum delay for the rest of the crawl. 4xx other
    than 408/429 are final. After the last attempt the failure goes to the spider's errback.
    """

    def __init__(self, crawler: Crawler):
        s = crawler.settings
        self.crawler = crawler
        self.max_times = s.getint("NIANBAO_RETRY_TIMES")
        self.codes = set(s.getlist("NIANBAO_RETRY_CODES"))
        self.codes = {int(c) for c in self.codes}
        self.base = s.getfloat("NIANBAO_BACKOFF_BASE")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    async def _retry(self, request: Request, reason: str, wait: float | None) -> Request | None:
        tries = request.meta.get("retry_times", 0) + 1
        if tries > self.max_times:
            self.stats.inc_value("retry/max_reached")
            logger.warning("gave up on %s after %d attempts: %s", request.url, tries, reason)
            return None
        delay = max(wait or 0.0, self.base * 2 ** (tries - 1) * random.uniform(0.8, 1.2))
        self.stats.inc_value("retry/count")
        self.stats.inc_value(f"retry/reason_count/{reason}")
        logger.info("retrying %s in %.1f s (%s, attempt %d)", request.url, delay, reason, tries)
        await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_times"] = tries
        retry.priority = request.priority + 1
        return retry

    async def process_response(self, request: Request, response: Response):
        if request.meta.get("dont_retry") or response.status not in self.codes:
            return response
        wait = _retry_after(response)
        if response.status == 429:
            throttle = getattr(self.crawler, "nianbao_throttle", None)
            if throttle is not None:
                throttle.raise_floor(_host(request), wait or self.base)
        retry = await self._retry(request, f"http_{response.status}", wait)
        return retry or response

    async def process_exception(self, request: Request, exception: Exception):
        if request.meta.get("dont_retry") or not isinstance(exception, TRANSIENT):
            return None
        return await self._retry(request, type(exception).__name__, None)


class ConditionalRequestMiddleware:
    """Ask for documents only if they changed since the bytes we hold.

    Applies to requests with ``meta["document"]``. A 304 is turned back into a normal response
    carrying the stored bytes, flagged ``not_modified``, so the spider reads an unchanged article
    page as usual and the pipeline knows there is nothing to parse.
    """

    def __init__(self, crawler: Crawler):
        from .archive import Archive

        self.archive = Archive(crawler.settings.get("NIANBAO_DB"))
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        if not request.meta.get("document") or request.meta.get("not_modified_checked"):
            return None
        last = self.archive.last_fetch(request.url)
        request.meta["not_modified_checked"] = True
        if last is None or not self.archive.document(last["sha256"]):
            return None
        request.meta["previous_sha256"] = last["sha256"]
        if last["etag"]:
            request.headers[b"If-None-Match"] = last["etag"].encode("latin-1")
        if last["last_modified"]:
            request.headers[b"If-Modified-Since"] = last["last_modified"].encode("latin-1")
        return None

    def process_response(self, request: Request, response: Response):
        previous = request.meta.get("previous_sha256")
        if response.status != 304 or not previous:
            return response
        doc = self.archive.document(previous)
        try:
            body = self.archive.store.get(doc["path"])
        except (OSError, TypeError):
            # The stored copy is gone: ask again without conditions.
            retry = request.replace(dont_filter=True)
            retry.meta["not_modified_checked"] = True
            retry.meta.pop("previous_sha256", None)
            for h in (b"If-None-Match", b"If-Modified-Since"):
                retry.headers.pop(h, None)
            return retry
        self.stats.inc_value("nianbao/not_modified")
        request.meta["not_modified"] = True
        cls = HtmlResponse if doc["media_type"] == "text/html" else Response
        headers = {k: v for k, v in response.headers.items()}
        headers[b"Content-Type"] = doc["media_type"].encode()
        return cls(
            url=response.url,
            status=200,
            headers=headers,
            body=body,
            request=request,
            flags=["not_modified"],
        )


# Signs of an anti-bot challenge or a WAF page (portals.md §4.2).
_CHALLENGE_MARKERS = (
    (re.compile(rb"\$_ts\s*=|\$_ts\.|_\$[a-z]{2}\(", re.I), "JS challenge (Ruishu-like)"),
    (
        re.compile(rb"__jsl_clearance|document\.cookie\s*=.{0,200}location", re.I | re.S),
        "cookie-setting JS challenge",
    ),
    (
        re.compile(
            "访问异常|访问被拒绝|您的访问被拦截|安全验证|请开启JavaScript|访问过于频繁"
            "|非法访问|滑动验证".encode()
        ),
        "WAF block page",
    ),
)


def challenge_reason(response: Response) -> str | None:
    body = response.body[:20000]
    if response.status in (412, 521):
        for pattern, why in _CHALLENGE_MARKERS[:2]:
            if pattern.search(body):
                return f"HTTP {response.status} {why}"
        return f"HTTP {response.status} challenge"
    if response.status == 200 and isinstance(response, TextResponse):
        for pattern, why in _CHALLENGE_MARKERS:
            if not pattern.search(body):
                continue
            # A real page may mention 安全验证 in passing; a block page says it in its title
            # or heading and links almost nowhere.
            heading = b" ".join(
                re.findall(rb"<(?:title|h1|h2)[^>]*>(.*?)</(?:title|h1|h2)>", body, re.S)
            )
            if pattern.search(heading) or len(re.findall(rb"<a\s[^>]*href", body, re.I)) < 5:
                return why
    return None


class ChallengeMiddleware:
    """Detect challenges; give a real browser one go at them (if enabled), then report.

    The spider's errback receives :class:`Blocked` and marks the portal ``blocked``.
    """

    def __init__(self, crawler: Crawler):
        self.browser = crawler.settings.getbool("NIANBAO_BROWSER")
        self.max_tries = crawler.settings.getint("NIANBAO_CHALLENGE_RETRIES")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response):
        why = challenge_reason(response)
        if why is None:
            return response
        self.stats.inc_value("nianbao/challenge")
        tries = request.meta.get("challenge_tries", 0)
        if self.browser and tries < self.max_tries and not request.meta.get("document"):
            logger.info("%s at %s: trying once in a browser", why, request.url)
            from scrapy_playwright.page import PageMethod

            retry = request.replace(dont_filter=True)
            retry.meta.update(
                challenge_tries=tries + 1,
                playwright=True,
                playwright_page_methods=[
                    # A challenge script sets a cookie and reloads: wait until real content.
                    PageMethod("wait_for_load_state", "networkidle"),
                ],
            )
            return retry
        raise Blocked(f"{why} at {request.url}")


_JS_REDIRECT = re.compile(
    rb"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]"""
)


class JsRedirectMiddleware:
    """Follow the tiny JavaScript shells that only redirect (portals.md §4.5)."""

    MAX_BODY = 2048

    def process_response(self, request: Request, response: Response):
        if (
            response.status != 200
            or len(response.body) > self.MAX_BODY
            or not isinstance(response, TextResponse)
            or request.meta.get("js_redirects", 0) >= 3
        ):
            return response
        m = _JS_REDIRECT.search(response.body)
        if not m:
            return response
        target = urljoin(response.url, m.group(1).decode("utf-8", "replace"))
        if target == response.url:
            return response
        redirected = request.replace(url=target)
        redirected.meta["js_redirects"] = request.meta.get("js_redirects", 0) + 1
        return redirected


class WarmUpMiddleware:
    """A tiny 200 where a page should be (a WAF that wants the home page seen first): fetch
    the home page, then ask once more (portals.md §4.2)."""

    TINY = 300

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    async def process_response(self, request: Request, response: Response):
        if (
            response.status != 200
            or len(response.body) >= self.TINY
            or not isinstance(response, TextResponse)
            or request.meta.get("warmed_up")
            or request.meta.get("kind") in ("home", "api", "script")
            or urlsplit(request.url).path == "/robots.txt"  # robots.txt is tiny by nature
        ):
            return response
        parts = urlsplit(request.url)
        home = f"{parts.scheme}://{parts.netloc}/"
        logger.info(
            "tiny answer (%d bytes) at %s: warming up on %s", len(response.body), request.url, home
        )
        try:
            await self.crawler.engine.download_async(
                Request(
                    home, dont_filter=True, meta={"warmed_up": True, "dont_obey_robotstxt": True}
                )
            )
        except Exception as exc:
            logger.info("warm-up of %s failed: %s", home, exc)
            return response
        again = request.replace(dont_filter=True)
        again.meta["warmed_up"] = True
        return again


class CookieGateMiddleware:
    """A 302 back to the same URL that sets a cookie (portals.md §4.2): ask again, once.

    Scrapy's redirect would be dropped as a duplicate request; by the time this middleware sees
    the response, CookiesMiddleware has stored the cookie, so the second request passes.
    """

    def process_response(self, request: Request, response: Response):
        if response.status not in (301, 302, 303, 307, 308):
            return response
        location = response.headers.get(b"Location")
        if not location or request.meta.get("cookie_gate"):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if target != request.url or b"Set-Cookie" not in response.headers:
            return response
        again = request.replace(dont_filter=True)
        again.meta["cookie_gate"] = True
        return again


class EncodingRepairMiddleware:
    """Re-decode pages whose declared encoding is wrong (GBK served as UTF-8 and the like)."""

    def process_response(self, request: Request, response: Response):
        if not isinstance(response, TextResponse) or request.meta.get("document_binary"):
            return response
        actual = detect_encoding(response.body, response.encoding)
        if (
            actual
            and actual.replace("-", "").lower()
            != (response.encoding or "").replace("-", "").lower()
        ):
            return response.replace(encoding=actual)
        return response
