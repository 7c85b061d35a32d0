"""Chromium through scrapy-playwright, held to the crawl's rules.

Requests a page makes inside Chromium (scripts, XHR, the browser's own background traffic)
never pass through Scrapy's downloader middlewares, so the allowed-hosts rule of the crawl's
state is applied here too, and pictures, fonts and media — which no list page needs to show its
links — are not downloaded at all. The handler is scrapy-playwright's, built per crawler so it
reads that crawler's state (DOWNLOAD_HANDLERS in crawler/settings.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from .state import CrawlState

SKIPPED_TYPES = {"image", "media", "font"}


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.state = CrawlState.of(crawler)
        self.abort_request = self._abort

    def _abort(self, request) -> bool:
        if request.resource_type in SKIPPED_TYPES:
            return True
        return not self.state.host_allowed(urlsplit(request.url).hostname or "")
