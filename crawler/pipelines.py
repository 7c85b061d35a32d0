"""Items → document store → parser → archive. Nothing else happens here.

Parsing is slow (OCR takes seconds a page) and SQLite wants one writer, so every item is
handed to one worker thread that owns the archive connection; the reactor keeps crawling. The
parse itself runs in a forked, time- and memory-bounded child (parsers.guard), so a hostile
document cannot take the crawl down.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from scrapy.crawler import Crawler

from .archive.ingest import ParseLimits, ingest, ingest_pictures
from .archive.store import sha256
from .items import DocumentItem, Fetched, FetchFailure, ImageReportItem
from .registry import parse_years
from .state import CrawlState

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler: Crawler):
        s = crawler.settings
        self.state = CrawlState.of(crawler)
        self.limits = ParseLimits(
            timeout=s.getfloat("NIANBAO_PARSE_TIMEOUT"),
            memory_mb=s.getint("NIANBAO_PARSE_MEMORY_MB") or None,
            ocr=s.getbool("NIANBAO_OCR"),
        )
        self.years = parse_years(s.get("NIANBAO_YEARS"))
        self.stats = crawler.stats
        # One thread: it owns the SQLite connection (connections are per-thread).
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.pool.submit(lambda: self.state.archive).result()

    def close_spider(self) -> None:
        self.pool.submit(self.state.close_archive).result()
        self.pool.shutdown(wait=True)

    async def process_item(self, item):
        # The asyncio reactor runs this coroutine on asyncio's loop: hand the work to our thread.
        await asyncio.get_running_loop().run_in_executor(self.pool, self._process, item)
        return item

    def _process(self, item) -> None:
        if isinstance(item, FetchFailure):
            self.state.archive.record_fetch(
                url=item.url,
                fetched_at=item.fetched_at,
                status=item.status,
                error=item.error,
                portal_code=item.portal_code,
                crawl_run=self.state.run_id,
                referer=item.page_url,
            )
        elif isinstance(item, ImageReportItem):
            self._pictures(item)
        elif isinstance(item, DocumentItem):
            self._document(item)

    def _record(self, f: Fetched, item, digest: str | None, **extra) -> None:
        self.state.archive.record_fetch(
            url=f.url,
            fetched_at=item.listing.fetched_at,
            status=f.status,
            etag=f.etag,
            last_modified=f.last_modified,
            tls_verified=f.tls_verified,
            sha256=digest,
            portal_code=item.listing.portal_code,
            crawl_run=self.state.run_id,
            **extra,
        )

    def _pictures(self, item: ImageReportItem) -> None:
        archive = self.state.archive
        images = [(f.url, f.body) for f in item.images]
        result = ingest_pictures(archive, item.page.body, images, item.listing, limits=self.limits)
        for f in [item.page, *item.images]:
            self._record(f, item, sha256(f.body), referer=item.page.url)
        if result.report_id is not None:
            self.stats.inc_value("nianbao/reports_archived")

    def _document(self, item: DocumentItem) -> None:
        f = item.fetched
        result = ingest(
            self.state.archive,
            f.body,
            item.filename or "",
            item.listing,
            limits=self.limits,
            years=self.years,
        )
        self._record(f, item, result.sha256, content_type=item.content_type, referer=item.referer)
        if result.report_id is not None:
            self.stats.inc_value("nianbao/reports_archived")
        elif result.parsed is not None and not result.parsed.get("is_annual_report"):
            self.stats.inc_value("nianbao/not_a_report")
            logger.info("not an annual report (by its content): %s", f.url)
        if result.parsed is None:
            self.stats.inc_value("nianbao/unchanged")
