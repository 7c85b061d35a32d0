"""The archive's lock for a crawl's whole life, however it was started.

``nianbao crawl`` takes the lock before Scrapy starts (so it can wait or refuse with status 2);
``scrapy crawl portal`` comes here only. The lock is re-entrant within a process, so both may
ask. A second crawl of a held archive stops before it writes anything, naming the holder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from scrapy import signals
from scrapy.crawler import Crawler

from .archive.lock import ArchiveBusy, hold

logger = logging.getLogger(__name__)


def this_command() -> str:
    """This process's command line as the holder's message shows it."""
    name = os.path.basename(sys.argv[0]) if sys.argv else "scrapy"
    args = sys.argv[1:]
    if name in ("__main__.py", "-m", "-c", "scrapy"):
        name = "scrapy"
        if args[:1] != ["crawl"]:  # Scrapy's command line has taken its command out of argv
            args = ["crawl", *args]
    return " ".join([name, *args])[:300]


class CrawlLock:
    def __init__(self, crawler: Crawler) -> None:
        db = crawler.settings.get("NIANBAO_DB")
        self._held = contextlib.ExitStack()
        try:
            self._held.enter_context(hold(db, this_command()))
        except ArchiveBusy as exc:
            logger.error("not crawling: %s", exc)
            raise
        crawler.signals.connect(self.release, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlLock:
        return cls(crawler)

    def release(self) -> None:
        self._held.close()
