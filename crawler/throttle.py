"""AutoThrottle that never goes below a host's own floor.

Scrapy's AutoThrottle adapts each host's delay to its latency, but only ever floors it at the
global DOWNLOAD_DELAY; it would undo a robots.txt ``Crawl-delay: 10`` after one fast response
(and Scrapy does not apply Crawl-delay at all). Floors here come from robots.txt and from 429
answers (Retry-After), and hold for the rest of the crawl.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

from .state import CrawlState

logger = logging.getLogger(__name__)


class PoliteThrottle(AutoThrottle):
    def __init__(self, crawler: Crawler):
        # Not super().__init__: that one refuses to run unless AUTOTHROTTLE_ENABLED, and we are
        # its replacement (AUTOTHROTTLE_ENABLED stays False so the stock one does not run too).
        if not crawler.settings.getbool("NIANBAO_THROTTLE"):
            raise NotConfigured
        self.crawler = crawler
        self.debug = crawler.settings.getbool("AUTOTHROTTLE_DEBUG")
        self.target_concurrency = crawler.settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY")
        crawler.signals.connect(self._spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)
        self.floors: dict[str, float] = {}
        self.max_floor = crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY")
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)
        CrawlState.of(crawler).throttle = self  # BackoffRetryMiddleware raises floors on 429

    def raise_floor(self, host: str, delay: float) -> None:
        delay = min(delay, self.max_floor)
        if delay <= self.floors.get(host, 0):
            return
        # Delays are jittered by ±DOWNLOAD_DELAY_JITTER; the floor must hold for every gap.
        jitter = min(self.crawler.settings.getfloat("DOWNLOAD_DELAY_JITTER"), 0.9)
        delay = delay / (1 - jitter)
        self.floors[host] = delay
        logger.info("%s: %.2f s between requests on average from now on", host, delay)
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings.setdefault(host, {})["delay"] = delay
        if (slot := downloader.slots.get(host)) is not None:
            slot.delay = max(slot.delay, delay)

    def _robots_parsed(self, robotparser, request: Request) -> None:
        ua = self.crawler.settings.get("USER_AGENT")
        delay = getattr(robotparser, "crawl_delay", lambda _ua: None)(ua)
        if delay:
            self.raise_floor(urlsplit(request.url).hostname or "", float(delay))

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("render"):
            return  # a render's time is its page's requests, each paced in the host's own slot
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None and key in self.floors:
            slot.delay = max(slot.delay, self.floors[key])
