"""Refuse any request whose host is outside NIANBAO_ALLOWED_HOSTS (when that is set).

The same rule holds inside Chromium (crawler/browser.py): both read the crawl's state.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from ..state import CrawlState

logger = logging.getLogger(__name__)


class HostNotAllowed(IgnoreRequest):
    pass


class AllowedHostsMiddleware:
    def __init__(self, state: CrawlState):
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        state = CrawlState.of(crawler)
        if not state.allowed_hosts:
            raise NotConfigured
        return cls(state)

    def process_request(self, request: Request):
        host = urlsplit(request.url).hostname or ""
        if not self.state.host_allowed(host):
            logger.error(
                "refused %s: host %s is not allowed (NIANBAO_ALLOWED_HOSTS)", request.url, host
            )
            raise HostNotAllowed(f"host {host} not allowed")
        return None
