"""A tiny 200 where a page should be (a WAF that wants the home page seen first): fetch the
home page, then ask once more (portals.md §4.2).

One warm-up per host at a time: the pages already on their way when the first tiny answer came
back come back tiny too, and each asking for its own home page would hit the home page of a
portal that is already suspicious of us several times in a row. A tiny answer waits for the
warm-up in flight, and one sent before a warm-up finished is simply asked again.
"""

from __future__ import annotations

import asyncio
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
        self.warming: dict[str, asyncio.Future] = {}  # host → its warm-up in flight
        self.warmed: dict[str, int] = {}  # host → warm-ups finished so far

    def process_request(self, request: Request):
        # how many warm-ups of its host had finished when the request left
        request.meta["warm_generation"] = self.warmed.get(urlsplit(request.url).netloc, 0)
        return None

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
        host = parts.netloc
        if request.meta.get("warm_generation", 0) >= self.warmed.get(host, 0):
            warming = self.warming.get(host)
            if warming is None:
                warming = self.warming[host] = asyncio.ensure_future(
                    self._warm_up(f"{parts.scheme}://{host}/", request, len(response.body))
                )
            if not await asyncio.shield(warming):
                return response
        again = request.replace(dont_filter=True)
        again.meta["warmed_up"] = True
        return again

    async def _warm_up(self, home: str, request: Request, size: int) -> bool:
        host = urlsplit(home).netloc
        logger.info("tiny answer (%d bytes) at %s: warming up on %s", size, request.url, home)
        try:
            await self.crawler.engine.download_async(
                Request(
                    home, dont_filter=True, meta={"warmed_up": True, "dont_obey_robotstxt": True}
                )
            )
            return True
        except Exception as exc:
            logger.info("warm-up of %s failed: %s", home, exc)
            return False
        finally:
            self.warmed[host] = self.warmed.get(host, 0) + 1
            self.warming.pop(host, None)
