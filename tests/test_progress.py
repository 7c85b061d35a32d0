"""The live progress line: its text, its arithmetic, and that only a terminal ever sees it."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.progress import CLEAR, Pace, ProgressLine, format_eta, format_line
from spiders.ledger import Ledger

ROOT = Path(__file__).resolve().parent.parent


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def fake_spider(**homes: str):
    """Portals (code → ledger.home): a spider as far as the progress line looks at one."""
    ledger = {}
    for code, home in homes.items():
        ledger[code] = Ledger(code)
        ledger[code].home = home
    return SimpleNamespace(portals=[SimpleNamespace(code=c) for c in homes], ledger=ledger)


def last_line(stream) -> str:
    return stream.getvalue().rsplit(CLEAR, 1)[-1]


def built(monkeypatch, stream, progress):
    monkeypatch.setattr(sys, "stderr", stream)
    return ProgressLine.from_crawler(get_crawler(settings_dict={"NIANBAO_PROGRESS": progress}))


# --- the text and the arithmetic ---------------------------------------------------------------


def test_the_line_reads_as_a_person_expects():
    assert format_line(3, 13, 57, 12.44, 120) == (
        "portals 3/13 · reports 57 · 12.4 pages/s · ETA 2 min"
    )
    before = format_line(0, 13, 0, None, None)
    assert before.startswith("portals 0/13 · reports 0 · ")
    assert before.endswith("ETA —")
    assert "— pages/s" in before


def test_eta_units():
    assert format_eta(45) == "45 s"
    assert format_eta(400) == "7 min"
    assert format_eta(3900) == "1 h 05 min"


def test_pages_per_second_is_the_last_window_not_the_average():
    pace = Pace(total=13, started=100.0, window=30.0)
    assert pace.pages_per_s() is None  # nothing measured yet
    pace.pages(130.0, 0)  # half a minute of nothing (robots.txt, slow home pages)
    pace.pages(145.0, 150)
    pace.pages(160.0, 300)
    # 300 responses in the last 30 s: 10/s (since the start it would be 5/s)
    assert pace.pages_per_s() == pytest.approx(10.0)
    pace.pages(190.0, 330)  # it slowed down: 30 in the last 30 s
    assert pace.pages_per_s() == pytest.approx(1.0)


def test_eta_comes_from_finished_portals():
    pace = Pace(total=13, started=0.0)
    assert pace.eta_s(50.0) is None  # no portal done: no ETA
    pace.finish("A", 60.0)
    assert pace.done == 1
    assert pace.eta_s(60.0) == pytest.approx(12 * 60.0)
    pace.finish("B", 120.0)
    pace.finish("C", 120.0)
    pace.finish("A", 125.0)  # once done, done: its time stays the first one
    assert pace.done == 3
    assert pace.eta_s(120.0) == pytest.approx(10 * 40.0)  # 10 left, one every 40 s
    assert format_line(pace.done, 13, 0, None, pace.eta_s(120.0)).endswith("ETA 7 min")
    for code in "DEFGHIJKLM":
        pace.finish(code, 200.0)
    assert pace.eta_s(200.0) == 0


# --- the extension, built the Scrapy way -------------------------------------------------------


def test_auto_stays_quiet_when_stderr_is_not_a_terminal(monkeypatch):
    with pytest.raises(NotConfigured):
        built(monkeypatch, io.StringIO(), "auto")


def test_off_is_off_even_on_a_terminal(monkeypatch):
    with pytest.raises(NotConfigured):
        built(monkeypatch, FakeTTY(), False)
    with pytest.raises(NotConfigured):
        built(monkeypatch, FakeTTY(), "false")


def test_a_tick_on_a_terminal_writes_the_line(monkeypatch):
    tty = FakeTTY()
    line = built(monkeypatch, tty, "auto")
    line.tick(fake_spider(a="ok", b="pending"))
    out = tty.getvalue()
    assert out.startswith("\r\x1b[K")
    assert "portals 1/2" in out
    assert "\n" not in out  # one line, rewritten in place


def test_forced_on_writes_even_to_a_pipe(monkeypatch):
    stream = io.StringIO()
    line = built(monkeypatch, stream, True)
    line.tick(fake_spider(a="failed", b="ok"))
    assert "portals 2/2" in stream.getvalue()


def test_a_portal_with_requests_left_is_not_done(monkeypatch):
    tty = FakeTTY()
    line = built(monkeypatch, tty, True)
    spider = fake_spider(a="ok", b="ok")
    waiting = Request("http://a.test/list", meta={"portal": "a"})
    line.request_scheduled(waiting)
    line.tick(spider)
    assert last_line(tty).startswith("portals 1/2")  # b is done, a still has a list to read
    line.request_dropped(waiting)  # the scheduler refused it (a duplicate): nothing left
    line.tick(spider)
    assert last_line(tty).startswith("portals 2/2")


def test_log_records_do_not_start_inside_the_line(monkeypatch):
    tty = FakeTTY()
    line = built(monkeypatch, tty, True)
    handler = logging.StreamHandler(tty)
    handler.addFilter(line.filter)
    log = logging.getLogger("test_progress.interleave")
    log.addHandler(handler)
    log.propagate = False
    try:
        line.tick(fake_spider(a="ok"))
        log.warning("portal a: ok")
        log.warning("a second record")  # the line is gone already: nothing more to clear
    finally:
        log.removeHandler(handler)
    text = "portals 1/1 · reports 0 · — pages/s · ETA 0 s"
    assert tty.getvalue() == CLEAR + text + CLEAR + "portal a: ok\na second record\n"


def test_closing_ends_the_line(monkeypatch):
    tty = FakeTTY()
    line = built(monkeypatch, tty, True)
    line.spider_closed(fake_spider(a="ok"), "finished")
    assert tty.getvalue().endswith("portals 1/1 · reports 0 · — pages/s · ETA 0 s\n")


# --- a real terminal ---------------------------------------------------------------------------

SCRIPT = textwrap.dedent(
    """
    import sys
    from types import SimpleNamespace
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler
    from crawler.progress import ProgressLine
    from spiders.ledger import Ledger

    crawler = get_crawler(settings_dict={"NIANBAO_PROGRESS": "auto"})
    crawler.stats.set_value("nianbao/reports_archived", 4)
    try:
        line = ProgressLine.from_crawler(crawler)
    except NotConfigured:
        print("not configured")
        sys.exit(0)
    done, pending = Ledger("a"), Ledger("b")
    done.home = "ok"
    spider = SimpleNamespace(
        portals=[SimpleNamespace(code="a"), SimpleNamespace(code="b")],
        ledger={"a": done, "b": pending},
    )
    line.tick(spider)
    print("ticked")
    """
)


def run_on_a_terminal(args: list[str]) -> bytes:
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
        proc.wait(timeout=60)
    assert proc.returncode == 0, out
    return out


def test_a_real_terminal_shows_the_line():
    out = run_on_a_terminal([sys.executable, "-c", SCRIPT]).decode()
    assert "\r\x1b[Kportals 1/2 · reports 4 · " in out
    assert "ticked" in out


def test_a_pipe_gets_nothing():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "not configured"
    assert "portals" not in proc.stderr
    assert "\x1b[K" not in proc.stderr


def test_requests_are_followed_through_the_scheduler_and_the_engine(monkeypatch):
    tty = FakeTTY()
    line = built(monkeypatch, tty, True)
    spider = fake_spider(a="ok")

    class Scheduler:  # what the engine asks for its next request
        def __init__(self):
            self.queue: list[Request] = []

        def next_request(self):
            return self.queue.pop(0) if self.queue else None

    scheduler = Scheduler()
    line._count_dequeued(scheduler)
    request = Request("http://a.test/list", meta={"portal": "a"})
    line.request_scheduled(request)
    scheduler.queue.append(request)
    line.tick(spider)
    assert last_line(tty).startswith("portals 0/1")  # waiting in the scheduler
    slot = SimpleNamespace(inprogress=set())
    line.engine = SimpleNamespace(_slot=slot)
    slot.inprogress.add(scheduler.next_request())
    line.tick(spider)
    assert last_line(tty).startswith("portals 0/1")  # out of it, being downloaded
    slot.inprogress.clear()  # answered, and its callback is through
    line.tick(spider)
    assert last_line(tty).startswith("portals 1/1")
    line.spider_closed(spider, "finished")
    assert "next_request" not in vars(scheduler)  # the scheduler's own method again


@pytest.mark.parametrize(
    ("flags", "expected"), [([], "auto"), (["--progress"], True), (["--no-progress"], False)]
)
def test_the_crawl_command_maps_its_flag_to_the_setting(monkeypatch, tmp_path, flags, expected):
    from click.testing import CliRunner

    from crawler.cli import cli
    from crawler.cli import crawl as crawl_cli

    registry = tmp_path / "registry.csv"
    registry.write_text(
        "code,name,province,prefecture,url\n990401,华溪县,某省,某市,http://www.huaxi.gov.cn.test/\n",
        encoding="utf-8",
    )
    seen = {}

    def run_crawl(settings, *args):
        seen["progress"] = settings.get("NIANBAO_PROGRESS")
        raise KeyboardInterrupt  # stop before the outcomes are printed

    monkeypatch.setattr(crawl_cli, "run_crawl", run_crawl)
    argv = ["crawl", "--registry", str(registry), "--db", str(tmp_path / "a.db"), *flags]
    CliRunner().invoke(cli, argv)
    assert seen == {"progress": expected}


def test_a_lost_terminal_stops_the_line_not_the_crawl(monkeypatch):
    class Gone(FakeTTY):
        def write(self, text):
            raise OSError(5, "Input/output error")  # what a closed pty answers

    line = built(monkeypatch, Gone(), True)
    line.tick(fake_spider(a="ok"))  # no exception
    assert line.broken
    line.clear()
    line.spider_closed(fake_spider(a="ok"), "finished")
