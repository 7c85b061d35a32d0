"""Retry 429/5xx and network failures a bounded number of times, waiting longer each time.

The wait is NIANBAO_BACKOFF_BASE × 2ⁿ (with jitter) or the server's Retry-After, whichever is
longer; a 429 also raises the host's minimum delay for the rest of the crawl. 4xx other than
408/429 are final. After the last attempt the failure goes to the spider's errback.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.internet.error import ConnectError, ConnectionLost, TCPTimedOutError, TimeoutError
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from ..state import CrawlState

logger = logging.getLogger(__name__)

TRANSIENT = (
    TimeoutError,
    TCPTimedOutError,
    ConnectError,
    ConnectionLost,
    ResponseNeverReceived,
    ResponseFailed,
)


def retry_after(response: Response) -> float | None:
    """Seconds the server asks us to wait (Retry-After: seconds or an HTTP date)."""
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class BackoffRetryMiddleware:
    def __init__(self, crawler: Crawler):
        s = crawler.settings
        self.state = CrawlState.of(crawler)
        self.max_times = s.getint("NIANBAO_RETRY_TIMES")
        self.codes = {int(c) for c in s.getlist("NIANBAO_RETRY_CODES")}
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
        wait = retry_after(response)
        if response.status == 429 and self.state.throttle is not None:
            self.state.throttle.raise_floor(urlsplit(request.url).hostname or "", wait or self.base)
        retry = await self._retry(request, f"http_{response.status}", wait)
        return retry or response

    async def process_exception(self, request: Request, exception: Exception):
        if request.meta.get("dont_retry") or not isinstance(exception, TRANSIENT):
            return None
        return await self._retry(request, type(exception).__name__, None)
