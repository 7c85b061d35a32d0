"""A live progress line on the terminal: ``portals 3/13 · reports 57 · 12.4 pages/s · ETA 2 min``.

``ProgressLine`` is a Scrapy extension. ``NIANBAO_PROGRESS`` decides whether it runs: ``"auto"``
(the default) — only when stderr is a terminal; true — always (on whatever stderr is); false —
never. Cron, systemd and the tests' subprocess pipes are not terminals: with ``auto`` the
extension is not even built there (``NotConfigured``), so nothing of it reaches their logs.
Every ``NIANBAO_PROGRESS_INTERVAL`` seconds it rewrites one stderr line (``\\r`` + clear to the
end of the line); when the spider closes it writes a last line and a newline. A terminal that
goes away (a closed SSH session) ends the line, never the crawl.

What the numbers are:

- **portals done / total** — the registry's portals (``spider.portals``). The ledger
  (``spiders/ledger.py``) knows how a portal ended but not *when* it ended, so a portal counts
  as done when its home page has been answered or has failed (``ledger.home`` is no longer
  ``"pending"``) and no request of it (``meta["portal"]``) is left in the engine: none waiting
  in the scheduler, none being downloaded, none whose response is still in its callback. The
  scheduler's requests are counted as they come and go (``request_scheduled`` −
  ``request_dropped`` − the scheduler's ``next_request``); the rest is the engine's set of
  requests in progress. Once done, a portal stays done (its finishing time is what the ETA
  averages). Should a Scrapy version no longer have that set, no portal counts done before the
  crawl closes: the line still shows reports and pages/s.
- **reports** — the stat ``nianbao/reports_archived``.
- **pages/s** — ``downloader/response_count`` over the last ``WINDOW`` seconds (a sliding
  window: what the crawl does now, not its average since the start).
- **ETA** — portals left × the average time per finished portal (elapsed time ÷ portals done:
  portals run side by side, so this is the pace at which they finish); ``ETA —`` until one is.

Log lines. With ``LOG_LEVEL`` INFO the crawl's log records go to the same terminal. While the
line is shown, a ``logging.Filter`` on every root handler that writes to our stream clears the
line (``\\r\\x1b[K``) just before a record is written, so a record never starts in the middle of
the progress line; the next tick draws the line again below it. The line is thus shown at every
log level.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter, deque
from typing import TextIO

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

CLEAR = "\r\x1b[K"  # back to the start of the line, erase to its end
WINDOW = 30.0  # seconds of responses that pages/s is measured over


def format_eta(seconds: float) -> str:
    if seconds < 60:
        return f"{max(0, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_line(
    done: int, total: int, reports: int, pages_per_s: float | None, eta_s: float | None
) -> str:
    """The progress line's text (no control characters)."""
    rate = "—" if pages_per_s is None else f"{pages_per_s:.1f}"
    eta = "—" if eta_s is None else format_eta(eta_s)
    return f"portals {done}/{total} · reports {reports} · {rate} pages/s · ETA {eta}"


class Pace:
    """Pages per second over a sliding window and the ETA from finished portals.

    Pure arithmetic on the times it is given (``time.monotonic()`` in a crawl, fake times in
    the tests).
    """

    def __init__(self, total: int, started: float, window: float = WINDOW):
        self.total = total
        self.started = started
        self.window = window
        self.finished: dict[str, float] = {}  # portal code → when it was first seen done
        self.samples: deque[tuple[float, int]] = deque([(started, 0)])

    def pages(self, now: float, count: int) -> None:
        """The response count at ``now``."""
        self.samples.append((now, count))
        # keep one sample at or before the window's start: the base of the rate
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.window:
            self.samples.popleft()

    def pages_per_s(self) -> float | None:
        (t0, c0), (t1, c1) = self.samples[0], self.samples[-1]
        if t1 <= t0:
            return None
        return (c1 - c0) / (t1 - t0)

    def finish(self, code: str, now: float) -> None:
        self.finished.setdefault(code, now)

    @property
    def done(self) -> int:
        return len(self.finished)

    def eta_s(self, now: float) -> float | None:
        if not self.finished:
            return None
        per_portal = (now - self.started) / len(self.finished)
        return max(0, self.total - len(self.finished)) * per_portal


def progress_mode(value) -> bool | str:
    """``NIANBAO_PROGRESS`` → True, False or ``"auto"``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "auto"):
            return "auto"
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"NIANBAO_PROGRESS must be auto, true or false, not {value!r}")
    return bool(value)


def is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class _ClearBeforeRecord(logging.Filter):
    """Erases the progress line just before a log record is written on the same stream."""

    def __init__(self, line: ProgressLine):
        super().__init__()
        self.line = line

    def filter(self, record: logging.LogRecord) -> bool:
        self.line.clear()
        return True


class ProgressLine:
    def __init__(self, crawler: Crawler, stream: TextIO, interval: float, clock=time.monotonic):
        self.crawler = crawler
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.pace: Pace | None = None
        self.shown = False  # the line is on the terminal now
        self.broken = False  # the terminal went away (a closed SSH session): draw no more
        self.queued: Counter[str] = Counter()  # portal → requests waiting in the scheduler
        self.loop = None
        self.filter = _ClearBeforeRecord(self)
        self.handlers: list[logging.Handler] = []
        self.scheduler = None
        self.engine = None  # the crawl's engine, from spider_opened on
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        mode = progress_mode(crawler.settings.get("NIANBAO_PROGRESS", "auto"))
        stream = sys.stderr
        if mode is False:
            raise NotConfigured("NIANBAO_PROGRESS is off")
        if mode == "auto" and not is_terminal(stream):
            raise NotConfigured("stderr is not a terminal")
        return cls(crawler, stream, crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 2.0))

    # --- what is left of each portal -------------------------------------------------------------

    def request_scheduled(self, request: Request, spider: Spider | None = None) -> None:
        self.queued[request.meta.get("portal", "")] += 1

    def request_dropped(self, request: Request, spider: Spider | None = None) -> None:
        self.queued[request.meta.get("portal", "")] -= 1

    def _count_dequeued(self, scheduler) -> None:
        """Wrap the scheduler's ``next_request`` to know which portal's request left it."""
        next_request = scheduler.next_request

        def counted():
            request = next_request()
            if request is not None:
                self.queued[request.meta.get("portal", "")] -= 1
            return request

        scheduler.next_request = counted
        self.scheduler = scheduler

    def busy_portals(self) -> set[str] | None:
        """Portals with a request in the engine, or None when that cannot be known."""
        busy = {code for code, n in self.queued.items() if n > 0}
        if self.engine is None:
            return busy  # no engine (yet): nothing of any portal is in progress
        inprogress = getattr(getattr(self.engine, "_slot", None), "inprogress", None)
        if inprogress is None:
            return None
        return busy | {r.meta.get("portal", "") for r in list(inprogress)}

    # --- the line ----------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.pace = Pace(len(getattr(spider, "portals", ())), self.clock())
        self.engine = self.crawler.engine
        slot = getattr(self.engine, "_slot", None)
        if getattr(slot, "scheduler", None) is not None:
            self._count_dequeued(slot.scheduler)
        root = logging.getLogger()
        self.handlers = [h for h in root.handlers if getattr(h, "stream", None) is self.stream]
        for handler in self.handlers:
            handler.addFilter(self.filter)
        from twisted.internet import task

        self.loop = task.LoopingCall(self.tick, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str = "") -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick(spider)
        self._write("\n")
        self.shown = False
        for handler in self.handlers:
            handler.removeFilter(self.filter)
        self.handlers = []
        if self.scheduler is not None:
            self.scheduler.__dict__.pop("next_request", None)  # the class's method again

    def _write(self, text: str) -> None:
        """Write, or give up for good: a lost terminal must not stop the crawl or its logging."""
        if self.broken:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # EIO, a broken pipe, a closed stream
            self.broken = True

    def clear(self) -> None:
        if self.shown:
            self._write(CLEAR)
            self.shown = False

    def tick(self, spider: Spider | None = None) -> None:
        """Bring the numbers up to date and draw the line."""
        spider = spider or self.crawler.spider
        portals = list(getattr(spider, "portals", ()))
        now = self.clock()
        if self.pace is None:
            self.pace = Pace(len(portals), now)
        stats = self.crawler.stats
        self.pace.pages(now, stats.get_value("downloader/response_count", 0))
        busy = self.busy_portals()
        ledger = getattr(spider, "ledger", {})
        for portal in portals if busy is not None else ():
            entry = ledger.get(portal.code)
            if entry is not None and entry.home != "pending" and portal.code not in busy:
                self.pace.finish(portal.code, now)
        text = format_line(
            self.pace.done,
            len(portals),
            stats.get_value("nianbao/reports_archived", 0),
            self.pace.pages_per_s(),
            self.pace.eta_s(now),
        )
        self._write(CLEAR + text)
        self.shown = not self.broken
