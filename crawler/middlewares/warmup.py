"""A tiny 200 where a page should be (a WAF that wants the home page seen first): fetch the
home page, then ask once more (portals.md §4.2)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

logger = logging.getLogger(__name__)


class WarmUpMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.tiny = crawler.settings.getint("NIANBAO_WARMUP_BELOW_BYTES")

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def _applies(self, request: Request, response: Response) -> bool:
        return (
            not request.meta.get("browser_subrequest")
            and response.status == 200
            and len(response.body) < self.tiny
            and isinstance(response, TextResponse)
            and not request.meta.get("warmed_up")
            and request.meta.get("kind") not in ("home", "api", "script")
            and urlsplit(request.url).path != "/robots.txt"  # robots.txt is tiny by nature
        )

    async def process_response(self, request: Request, response: Response):
        if not self._applies(request, response):
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
