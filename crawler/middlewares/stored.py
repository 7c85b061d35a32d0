"""Documents stored earlier in this (resumed) run, or recently enough, are not asked for again.

Applies to requests with ``meta["document"]`` (attachments, and article pages that may be the
report). The spider's errback receives :class:`AlreadyStored` and counts the document as found.
This is the crawl's "already fetched" rule in one place, read from the archive's fetch ledger,
so the spider never opens the archive.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from ..state import CrawlState


class AlreadyStored(IgnoreRequest):
    """The document was stored in this run, or within NIANBAO_REVALIDATE_DAYS."""


class StoredDocumentsMiddleware:
    def __init__(self, state: CrawlState, revalidate_days: float, stats):
        self.state = state
        self.fresh_since = (
            (datetime.now(UTC) - timedelta(days=revalidate_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
            if revalidate_days > 0
            else None
        )
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(
            CrawlState.of(crawler),
            crawler.settings.getfloat("NIANBAO_REVALIDATE_DAYS"),
            crawler.stats,
        )

    def stored(self, url: str) -> bool:
        archive = self.state.archive
        run_id = self.state.run_id
        if run_id is not None and archive.fetched_in_run(url, run_id):
            return True
        return self.fresh_since is not None and archive.fetched_since(url, self.fresh_since)

    def process_request(self, request: Request):
        if not request.meta.get("document") or request.meta.get("retry_times"):
            return None
        if self.stored(request.url):
            self.stats.inc_value("nianbao/already_stored")
            raise AlreadyStored(f"stored before: {request.url}")
        return None
