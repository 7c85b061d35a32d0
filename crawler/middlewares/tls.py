"""Mark each https request verified or not, and fall back once per host whose certificate is
broken (crawler/tls.py): the request is asked again unverified, recorded, counted, warned.

Placed after the retry middleware's number so that its ``process_exception`` sees a failed
verification first: a broken certificate does not mend between retries.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from ..state import CrawlState
from ..tls import certificate_failed

logger = logging.getLogger(__name__)


class TlsFallbackMiddleware:
    def __init__(self, crawler: Crawler):
        self.policy = CrawlState.of(crawler).tls
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        parts = urlsplit(request.url)
        if parts.scheme == "https":
            request.meta["tls_verified"] = int(self.policy.verifies(parts.hostname or ""))
        else:
            request.meta.pop("tls_verified", None)  # a redirect from https to http
        return None

    def process_response(self, request: Request, response: Response):
        if request.meta.get("tls_verified") == 0:
            self.stats.inc_value("nianbao/tls_unverified")
            self.policy.unverified_fetches[request.meta.get("portal") or ""] += 1
        return response

    def process_exception(self, request: Request, exception: BaseException):
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not self.policy.verifies(host):
            return None
        why = certificate_failed(exception)
        if why is None:
            return None
        if not self.policy.fallback:
            logger.error("certificate of %s failed verification (%s): not fetched", host, why)
            return None
        self.policy.unverified_hosts.add(host)
        self.stats.inc_value("nianbao/tls_fallback_hosts")
        logger.warning(
            "certificate of %s failed verification (%s): fetching it unverified, "
            "recorded per fetch (fetches.tls_verified = 0)",
            host,
            why,
        )
        return request.replace(dont_filter=True)
