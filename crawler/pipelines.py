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

from .archive import Archive
from .ingest import ingest, ingest_pictures
from .items import DocumentItem, FetchFailure, ImageReportItem
from .store import sha256

logger = logging.getLogger(__name__)


def _years(spec: str) -> tuple[int, int] | None:
    """'2021-2024' → (2021, 2024); '2023' → (2023, 2023); '' → None."""
    spec = (spec or "").strip()
    if not spec:
        return None
    lo, _, hi = spec.partition("-")
    return int(lo), int(hi or lo)


class ArchivePipeline:
    def __init__(self, crawler: Crawler):
        s = crawler.settings
        self.crawler = crawler
        self.db_path = s.get("NIANBAO_DB")
        self.ocr = s.getbool("NIANBAO_OCR")
        self.years = _years(s.get("NIANBAO_YEARS"))
        self.stats = crawler.stats
        # One thread: it owns the SQLite connection (connections are per-thread).
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def _open(self) -> None:
        self.archive = Archive(self.db_path)

    def open_spider(self) -> None:
        self.pool.submit(self._open).result()

    def close_spider(self) -> None:
        self.pool.submit(lambda: self.archive and self.archive.close()).result()
        self.pool.shutdown(wait=True)

    async def process_item(self, item):
        # The asyncio reactor runs this coroutine on asyncio's loop: hand the work to our thread.
        await asyncio.get_running_loop().run_in_executor(self.pool, self._process, item)
        return item

    def _process(self, item) -> None:
        assert self.archive is not None
        run_id = getattr(self.crawler, "nianbao_run_id", None)
        if isinstance(item, FetchFailure):
            self.archive.record_fetch(
                url=item.url,
                fetched_at=item.fetched_at,
                status=item.status,
                error=item.error,
                portal_code=item.portal_code,
                crawl_run=run_id,
                referer=item.page_url,
            )
            return
        if isinstance(item, ImageReportItem):
            result = ingest_pictures(
                self.archive,
                item.page.body,
                [(f.url, f.body) for f in item.images],
                url=item.url,
                portal_code=item.portal_code,
                published=item.published,
                title=item.listed_title,
                agency=item.agency,
                year=item.year,
                fetched_at=item.fetched_at,
            )
            for f in [item.page, *item.images]:
                self.archive.record_fetch(
                    url=f.url,
                    fetched_at=item.fetched_at,
                    status=f.status,
                    etag=f.etag,
                    last_modified=f.last_modified,
                    sha256=sha256(f.body),
                    portal_code=item.portal_code,
                    crawl_run=run_id,
                    referer=item.url,
                )
            if result.report_id is not None:
                self.stats.inc_value("nianbao/reports_archived")
            return
        if not isinstance(item, DocumentItem):
            return
        result = ingest(
            self.archive,
            item.body,
            item.filename or "",
            portal_code=item.portal_code,
            page_url=item.page_url,
            document_url=item.url,
            published=item.published,
            title=item.listed_title,
            agency=item.agency,
            year=item.year,
            fetched_at=item.fetched_at,
            ocr=self.ocr,
            years=self.years,
        )
        self.archive.record_fetch(
            url=item.url,
            fetched_at=item.fetched_at,
            status=item.status,
            etag=item.etag,
            last_modified=item.last_modified,
            sha256=result.sha256,
            content_type=item.content_type,
            portal_code=item.portal_code,
            crawl_run=run_id,
            referer=item.referer,
        )
        if result.report_id is not None:
            self.stats.inc_value("nianbao/reports_archived")
        elif result.parsed is not None and not result.parsed.get("is_annual_report"):
            self.stats.inc_value("nianbao/not_a_report")
            logger.info("not an annual report (by its content): %s", item.url)
        if result.parsed is None:
            self.stats.inc_value("nianbao/unchanged")
