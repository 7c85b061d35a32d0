"""Run a parse in a child process with a time and memory bound.

A hostile document (a decompression bomb, a PDF whose content stream loops pdfminer for minutes,
a 2 GB scan) must not hang or kill the caller — the CLI, a crawl, a reparse of 700,000
documents. The child is forked (cheap: it inherits the imported modules), gets an address-space
limit, and is killed at the deadline; the parent always gets a JSON-able answer.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


class Aborted(Exception):
    """The child died, ran out of time or memory; the message says which."""


def run_isolated(
    fn: Callable[..., Any], *args: Any, timeout: float, memory_mb: int | None = None
) -> Any:
    """Run ``fn(*args)`` in a forked child; ``memory_mb`` is the memory it may add."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        status = 0
        try:
            if memory_mb:
                # Headroom above what the child inherited: RLIMIT_AS counts the whole address
                # space, and a fork starts with its parent's (a crawl may already map GBs).
                limit = _address_space() + memory_mb * 1024 * 1024
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            payload = json.dumps({"ok": fn(*args)}, ensure_ascii=False).encode()
        except MemoryError:
            payload, status = (
                json.dumps({"error": f"over the {memory_mb} MB memory limit"}).encode(),
                1,
            )
        except BaseException as exc:
            payload, status = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode(), 1
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
        finally:
            os._exit(status)

    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise Aborted(f"gave up after {timeout:.0f} s")
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    raw = b"".join(chunks)
    if not raw:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        why = f"killed by signal {sig}" if sig else f"exit status {os.WEXITSTATUS(status)}"
        if sig == signal.SIGKILL or sig == signal.SIGSEGV:
            why += " (out of memory?)" if memory_mb else ""
        raise Aborted(f"the parser process died: {why}")
    answer = json.loads(raw)
    if "error" in answer:
        raise Aborted(answer["error"])
    return answer["ok"]
