"""Redirects Scrapy's RedirectMiddleware does not see: JavaScript shells and cookie gates."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

_JS_REDIRECT = re.compile(
    rb"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]"""
)


class JsRedirectMiddleware:
    """Follow the tiny JavaScript shells that only redirect (portals.md §4.5)."""

    def __init__(self, max_bytes: int, max_hops: int):
        self.max_bytes = max_bytes
        self.max_hops = max_hops

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        s = crawler.settings
        return cls(s.getint("NIANBAO_JS_REDIRECT_MAX_BYTES"), s.getint("NIANBAO_JS_REDIRECT_HOPS"))

    def process_response(self, request: Request, response: Response):
        hops = request.meta.get("js_redirects", 0)
        if (
            request.meta.get("browser_subrequest")  # a rendering page runs its own scripts
            or response.status != 200
            or len(response.body) > self.max_bytes
            or not isinstance(response, TextResponse)
            or hops >= self.max_hops
        ):
            return response
        m = _JS_REDIRECT.search(response.body)
        if not m:
            return response
        target = urljoin(response.url, m.group(1).decode("utf-8", "replace"))
        if target == response.url:
            return response
        redirected = request.replace(url=target)
        redirected.meta["js_redirects"] = hops + 1
        return redirected


class CookieGateMiddleware:
    """A 302 back to the same URL that sets a cookie (portals.md §4.2): ask again, once.

    Scrapy's redirect would be dropped as a duplicate request; by the time this middleware sees
    the response, CookiesMiddleware has stored the cookie, so the second request passes.
    """

    def process_response(self, request: Request, response: Response):
        if response.status not in (301, 302, 303, 307, 308) or request.meta.get("dont_redirect"):
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
