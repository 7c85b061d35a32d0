"""Anti-bot challenges and WAF pages are detected and reported as ``blocked`` — not fought.

An operator may allow one try in a real browser (NIANBAO_CHALLENGE_RETRIES), which runs the
challenge's script; the spider's errback receives :class:`Blocked` and marks the portal.
"""

from __future__ import annotations

import logging
import re

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

logger = logging.getLogger(__name__)


class Blocked(IgnoreRequest):
    """An anti-bot challenge or WAF page stood between us and the content."""


# Signs of an anti-bot challenge or a WAF page (portals.md §4.2).
_CHALLENGE_MARKERS = (
    (re.compile(rb"\$_ts\s*=|\$_ts\.|_\$[a-z]{2}\(", re.I), "JS challenge (Ruishu-like)"),
    (re.compile(rb"__jsl_clearance", re.I), "cookie-setting JS challenge (jsl-like)"),
    (
        re.compile(
            "访问异常|访问被拒绝|您的访问被拦截|安全验证|请开启JavaScript|访问过于频繁"
            "|非法访问|滑动验证".encode()
        ),
        "WAF block page",
    ),
)


# A small page whose script only sets a cookie and loads the page again: what any visitor's
# browser passes at once. Not an anti-bot system to fight but a gate a browser opens: it is
# rendered once, and the cookie it set goes to Scrapy's jar for the crawl's later requests.
_COOKIE_SCRIPT = re.compile(
    rb"document\.cookie\s*=.{0,400}?(?:location\s*\.\s*(?:reload|replace|assign|href)|"
    rb"window\.location\s*=|location\s*=)",
    re.I | re.S,
)
COOKIE_SCRIPT_MAX_BYTES = 8192


def cookie_script(response: Response) -> bool:
    """A script stub that sets a cookie and reloads (passable by a real browser)."""
    return (
        response.status == 200
        and isinstance(response, TextResponse)
        and len(response.body) <= COOKIE_SCRIPT_MAX_BYTES
        and _COOKIE_SCRIPT.search(response.body) is not None
        and len(re.findall(rb"<a\s[^>]*href", response.body, re.I)) < 5
    )


def challenge_reason(response: Response, window: int = 20000) -> str | None:
    body = response.body[:window]
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
    """Detect challenges; give a real browser one go at them (if enabled), then report."""

    def __init__(self, crawler: Crawler):
        self.browser = crawler.settings.getbool("NIANBAO_BROWSER")
        self.max_tries = crawler.settings.getint("NIANBAO_CHALLENGE_RETRIES")
        self.window = crawler.settings.getint("NIANBAO_SNIFF_BYTES")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response):
        if request.meta.get("browser_subrequest"):
            return response  # the rendering page deals with it, as a browser does
        rendered = bool(request.meta.get("render"))
        if cookie_script(response) and not rendered and not request.meta.get("document"):
            if self.browser:
                self.stats.inc_value("nianbao/cookie_script")
                logger.info("a cookie-setting script at %s: rendering it once", request.url)
                return self._in_browser(request, tries=request.meta.get("challenge_tries", 0))
            raise Blocked(f"cookie-setting script at {request.url} (browser off)")
        why = challenge_reason(response, self.window)
        if why is None and rendered and cookie_script(response):
            why = "a cookie-setting script the browser did not pass"
        if why is None:
            return response
        self.stats.inc_value("nianbao/challenge")
        tries = request.meta.get("challenge_tries", 0)
        if self.browser and tries < self.max_tries and not request.meta.get("document"):
            logger.info("%s at %s: trying once in a browser", why, request.url)
            return self._in_browser(request, tries=tries + 1)
        raise Blocked(f"{why} at {request.url}")

    @staticmethod
    def _in_browser(request: Request, tries: int) -> Request:
        from ..browser import render_meta

        hosts = set((request.meta.get("render") or {}).get("hosts") or ())
        retry = request.replace(dont_filter=True)
        retry.meta.update(render_meta(request.url, hosts), challenge_tries=tries)
        return retry
