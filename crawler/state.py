"""What one crawl's components share: its archive, its run, its throttle, the hosts it may contact.

Scrapy builds every component from the crawler (``from_crawler``); each finds its crawl's one
state here, typed, instead of on improvised attributes of the crawler or spider or in a module
global. SQLite connections belong to the thread that opened them, so the archive is opened once
per thread that asks for it (the reactor's, the pipeline's writer thread).
"""

from __future__ import annotations

import fnmatch
import threading
import weakref
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.crawler import Crawler

from .tls import TlsPolicy

if TYPE_CHECKING:
    from .archive import Archive
    from .throttle import PoliteThrottle

_STATES: weakref.WeakKeyDictionary[Crawler, CrawlState] = weakref.WeakKeyDictionary()


def host_patterns(raw: str | list | None) -> list[str]:
    """NIANBAO_ALLOWED_HOSTS ("*.test,192.0.2.10" or a list) → fnmatch patterns."""
    items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
    return [p.strip().lower() for p in items if p and p.strip()]


class CrawlState:
    def __init__(self, crawler: Crawler) -> None:
        self.db_path: str = crawler.settings.get("NIANBAO_DB")
        # Empty: anything the registry leads to. Tests and the demo set "*.test".
        self.allowed_hosts: list[str] = host_patterns(crawler.settings.get("NIANBAO_ALLOWED_HOSTS"))
        self.tls = TlsPolicy.from_settings(crawler.settings)  # crawler/tls.py
        self.run_id: int | None = None  # set when the spider opens (crawler.extensions)
        self.throttle: PoliteThrottle | None = None  # set by the throttle when enabled
        # What the last crawl learned per portal (set when the spider opens): where to start.
        self.learned: dict[str, dict] = {}
        self._local = threading.local()
        crawler.signals.connect(self._engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlState:
        """The state of this crawler (made on first use)."""
        state = _STATES.get(crawler)
        if state is None:
            state = _STATES[crawler] = cls(crawler)
        return state

    def host_allowed(self, host: str) -> bool:
        if not self.allowed_hosts:
            return True
        host = host.lower()
        return any(fnmatch.fnmatch(host, p) for p in self.allowed_hosts)

    @property
    def archive(self) -> Archive:
        """This thread's connection to the crawl's archive (opened on first use)."""
        archive = getattr(self._local, "archive", None)
        if archive is None:
            from .archive import Archive

            archive = self._local.archive = Archive(self.db_path)
        return archive

    def close_archive(self) -> None:
        """Close this thread's connection, if it has one."""
        archive = getattr(self._local, "archive", None)
        if archive is not None:
            archive.close()
            self._local.archive = None

    def _engine_stopped(self) -> None:
        self.close_archive()  # the reactor thread's; the writer thread closes its own
