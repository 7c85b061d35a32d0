"""What the browser may fetch while it renders a JS-only page.

Requests a page makes inside Chromium (scripts, XHR, images, the browser's own background
traffic) never pass through Scrapy's downloader middlewares, so the allowed-hosts rule is
applied here too (scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST), and pictures, fonts and media
— which no list page needs to show its links — are not downloaded at all.
"""

from __future__ import annotations

import fnmatch
from urllib.parse import urlsplit

ALLOWED: list[str] = []  # set by crawler.middlewares.AllowedHostsMiddleware at crawl start
SKIPPED_TYPES = {"image", "media", "font"}


def abort_request(request) -> bool:
    if request.resource_type in SKIPPED_TYPES:
        return True
    if not ALLOWED:
        return False
    host = urlsplit(request.url).hostname or ""
    return not any(fnmatch.fnmatch(host, p) for p in ALLOWED)
