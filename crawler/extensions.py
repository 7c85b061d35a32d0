"""Record each crawl in the archive: the run, and every portal's outcome.

The spider keeps a per-portal ledger (``spider.ledger``); when the crawl closes, each portal's
outcome (ok, partial, disallowed, blocked, unreachable, no-column-found) and the reason go to
``portals``, and the run's Scrapy stats to ``crawl_runs``.
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from .archive.health import record_portal_run
from .state import CrawlState

logger = logging.getLogger(__name__)


class CrawlRecorder:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.state = CrawlState.of(crawler)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        archive = self.state.archive
        portals = getattr(spider, "portals", [])
        archive.upsert_portals(p.as_row() for p in portals)
        resume = self.crawler.settings.getbool("NIANBAO_RESUME")
        run_id = archive.unfinished_run(spider.registry_path) if resume else None
        if run_id is None:
            args = {"portals": [p.code for p in portals], "years": spider.years_spec}
            run_id = archive.start_run(spider.registry_path, args)
        else:
            logger.info("resuming unfinished crawl run %d", run_id)
        self.state.run_id = run_id
        self.state.learned = archive.learned(p.code for p in portals)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        archive = self.state.archive
        for code, entry in getattr(spider, "ledger", {}).items():
            status, why = entry.outcome()
            broken = entry.broken_paths(self.state.learned.get(code, {}))
            if broken:
                why += f"; learned path(s) broke, found again from the home page: {broken[0]}"
                self.crawler.stats.inc_value("nianbao/learned_broken", len(broken))
            archive.set_portal_status(
                code,
                status,
                why,
                self.state.run_id,
                entry.platform,
                # what worked this time, or what worked before if this crawl never got there
                learned=entry.learned or self.state.learned.get(code),
                learned_broken=broken,
                pages=entry.pages,
                rendered=entry.rendered,
            )
            with archive.db.atomic():  # its history: what `nianbao status` compares
                record_portal_run(
                    archive.db.conn,
                    self.state.run_id,
                    code,
                    {
                        "status": status,
                        "reason": why,
                        "report_links": len(entry.candidates),
                        "documents": entry.documents,
                        "pages": entry.pages,
                        "rendered": entry.rendered,
                        "learned_broken": broken,
                        "tls_fallback": self.state.tls.unverified_fetches.get(code, 0),
                    },
                )
            logger.info(
                "portal %s: %s (%s) — %d pages, %d rendered",
                code,
                status,
                why,
                entry.pages,
                entry.rendered,
            )
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        if reason == "finished":
            archive.finish_run(self.state.run_id, stats)
        else:
            archive.update_run_stats(self.state.run_id, stats)  # left unfinished: resumable


class _OneLine(logging.Filter):
    """robots.txt download failures are expected (the portal's outcome records them): one line,
    not a traceback, at WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage().startswith("Error downloading"):
            record.exc_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietLogs:
    """Log policy for expected failures, installed for the crawl's life."""

    LOGGER = "scrapy.downloadermiddlewares.robotstxt"

    def __init__(self, crawler: Crawler):
        self.filter = _OneLine()
        logging.getLogger(self.LOGGER).addFilter(self.filter)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def engine_stopped(self) -> None:
        logging.getLogger(self.LOGGER).removeFilter(self.filter)
