"""The farm's HTTP server: forward proxy, CONNECT with TLS termination, Host-header vhosts.

One asyncio server on 127.0.0.1 answers three kinds of requests:

* proxy requests with an absolute URI (``GET http://www.x.gov.cn.test/a HTTP/1.1``) — what Scrapy,
  urllib, httpx and Chromium send for http URLs when a proxy is configured;
* ``CONNECT host:443`` — answered ``200 Connection established``, then TLS is terminated with the
  farm's self-signed certificate and the tunnel carries ordinary requests for that host (or, per
  host, a TLS handshake-failure alert, or an immediate close);
* origin-form requests with a ``Host`` header (virtual hosting, e.g. ``curl --resolve``).

A request for a host no site serves is answered by closing the connection without a response,
which is what a client sees for a refused or unreachable origin. The wire-level faults the
sites ask for happen here: delayed first byte, never answering, resets, a body shorter than its
Content-Length, streamed huge bodies. Every request is appended to the request log.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .http import REASONS, Request, Response, http_date
from .sites.base import TLS_BROKEN, TLS_HANDSHAKE_FAILURE, TLS_SERVED, FarmState, Site
from .tls import HANDSHAKE_FAILURE_ALERT

CONTROL_HOST = "farm.test"
MAX_HEAD = 64 * 1024
MAX_BODY = 8 * 1024 * 1024


class RequestLog:
    """Thread-safe list of request records, mirrored to a JSONL file when a path is given."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self._ids = itertools.count(1)
        self.path = path
        self._fh = path.open("a", encoding="utf-8") if path else None

    def open(self, entry: dict) -> dict:
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)
        return entry

    def close(self, entry: dict) -> None:
        with self._lock:
            if self._fh and not entry.get("_written"):
                entry["_written"] = True
                record = {k: v for k, v in entry.items() if not k.startswith("_")}
                self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._fh.flush()

    def entries(self) -> list[dict]:
        with self._lock:
            return [{k: v for k, v in e.items() if not k.startswith("_")} for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def shutdown(self) -> None:
        with self._lock:
            for e in self._entries:
                if self._fh and not e.get("_written"):
                    record = {k: v for k, v in e.items() if not k.startswith("_")}
                    self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    e["_written"] = True
            if self._fh:
                self._fh.close()
                self._fh = None


def _split_host(hostport: str, scheme: str) -> str:
    """Lower-case host; keep the port only when it is not the scheme's default."""
    h = hostport.strip().lower()
    default = ":443" if scheme == "https" else ":80"
    return h[: -len(default)] if h.endswith(default) else h


class FarmServer:
    def __init__(
        self,
        state: FarmState,
        log: RequestLog,
        ssl_ctx: ssl.SSLContext,
        control: Callable[[Request], Response] | None = None,
        broken_ctx: ssl.SSLContext | None = None,
    ) -> None:
        self.state = state
        self.log = log
        self.ssl_ctx = ssl_ctx
        self.broken_ctx = broken_ctx or ssl_ctx  # for TLS_BROKEN hosts
        self.control = control
        self.hosts: dict[str, Site] = {}
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self._conn_ids = itertools.count(1)
        self.port = 0

    def set_sites(self, sites: list[Site]) -> None:
        hosts: dict[str, Site] = {}
        for site in sites:
            for name in site.hosts:
                hosts[name] = site
        self.hosts = hosts  # one reference swap: the loop thread sees old or new, never half

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._client, host, port, limit=MAX_HEAD)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    # ---- connections --------------------------------------------------------------------

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        conn = next(self._conn_ids)
        tunnel: str | None = None
        scheme = "http"
        try:
            while True:
                head = await self._read_head(reader)
                if head is None:
                    break
                method, target, version, headers = head
                body = await self._read_body(reader, headers)
                if method == "CONNECT":
                    result = await self._connect(reader, writer, target, headers, conn)
                    if result is None:
                        break
                    tunnel, scheme = result
                    continue
                keep = await self._serve(
                    reader, writer, conn, method, target, version, headers, body, tunnel, scheme
                )
                if not keep:
                    break
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ssl.SSLError,
            TimeoutError,
        ):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_head(self, reader: asyncio.StreamReader):
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        method, target, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return method.upper(), target, version, headers

    async def _read_body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            out = bytearray()
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    return bytes(out)
                out += await reader.readexactly(size)
                await reader.readexactly(2)
                if len(out) > MAX_BODY:
                    raise ConnectionError("request body too large")
        length = int(headers.get("content-length", "0") or 0)
        if length > MAX_BODY:
            raise ConnectionError("request body too large")
        return await reader.readexactly(length) if length else b""

    async def _connect(self, reader, writer, target: str, headers, conn: int):
        port = target.rsplit(":", 1)[1] if ":" in target else "443"
        host_only = target.rsplit(":", 1)[0].lower()
        scheme = "https" if port == "443" else "http"
        host = host_only if port in ("443", "80") else f"{host_only}:{port}"
        entry = self.log.open(
            self._entry(conn, "CONNECT", scheme, host, target, headers, "connect")
        )
        site = self.hosts.get(host)
        cfg = site.hosts.get(host) if site else None
        try:
            if cfg is None or (
                scheme == "https" and cfg.tls not in (*TLS_SERVED, TLS_HANDSHAKE_FAILURE)
            ):
                entry.update(status=None, error="refused")
                writer.transport.abort()
                return None
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            entry.update(status=200)
            if scheme == "http":
                return host, "http"
            if cfg.tls == TLS_HANDSHAKE_FAILURE:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(reader.read(4096), 5)  # the ClientHello
                writer.write(HANDSHAKE_FAILURE_ALERT)
                with contextlib.suppress(Exception):
                    await writer.drain()
                entry.update(error="tls-handshake-failure")
                writer.close()
                return None
            await writer.start_tls(self.broken_ctx if cfg.tls == TLS_BROKEN else self.ssl_ctx)
            return host, "https"
        finally:
            entry["t_end"] = time.time()
            self.log.close(entry)

    @staticmethod
    def _entry(conn, method, scheme, host, path, headers, via) -> dict:
        return {
            "t": time.time(),
            "t_end": None,
            "conn": conn,
            "method": method,
            "scheme": scheme,
            "host": host,
            "path": path,
            "url": f"{scheme}://{host}{path}" if method != "CONNECT" else f"{host}",
            "via": via,
            "user_agent": headers.get("user-agent"),
            "referer": headers.get("referer"),
            "if_none_match": headers.get("if-none-match"),
            "if_modified_since": headers.get("if-modified-since"),
            "cookie": headers.get("cookie"),
            "headers": dict(headers),
            "status": None,
            "bytes": 0,
            "error": None,
        }

    async def _serve(
        self, reader, writer, conn, method, target, version, headers, body, tunnel, scheme
    ) -> bool:
        if target.startswith(("http://", "https://")):
            u = urlsplit(target)
            req_scheme = u.scheme
            host = _split_host(u.netloc, req_scheme)
            origin = (u.path or "/") + (f"?{u.query}" if u.query else "")
            via = "proxy"
        else:
            req_scheme = scheme
            host = tunnel or _split_host(headers.get("host", ""), scheme)
            origin = target
            via = "tunnel" if tunnel else "direct"
        if host == CONTROL_HOST and self.control is not None:
            resp = self.control(Request(method, req_scheme, host, origin, headers, body, conn))
            await self._write(writer, method, resp, None)
            return True
        entry = self.log.open(self._entry(conn, method, req_scheme, host, origin, headers, via))
        try:
            site = self.hosts.get(host)
            if site is None:
                entry["error"] = "unreachable"
                writer.transport.abort()
                return False
            req = Request(method, req_scheme, host, origin, headers, body, conn)
            resp = await site.handle(req)
            if resp.action == "abort":
                entry["error"] = "reset"
                writer.transport.abort()
                return False
            if resp.action == "hang":
                entry["error"] = "no-response"
                with contextlib.suppress(Exception):
                    await reader.read()  # until the client gives up (or the farm stops)
                return False
            if resp.delay:
                await asyncio.sleep(resp.delay * self.state.time_scale)
            entry["status"] = resp.status
            close = (
                resp.action == "close"
                or headers.get("connection", "").lower() == "close"
                or (version == "HTTP/1.0" and "keep-alive" not in headers.get("connection", ""))
            )
            await self._write(writer, method, resp, entry, close)
            return not close
        finally:
            entry["t_end"] = time.time()
            self.log.close(entry)

    async def _write(self, writer, method: str, resp: Response, entry, close: bool = False) -> None:
        status = resp.status
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}".encode()]
        names = {h[0].lower() for h in resp.headers}
        for name, value in resp.headers:
            raw = value if isinstance(value, bytes) else value.encode("latin-1")
            lines.append(name.encode() + b": " + raw)
        if "date" not in names:
            lines.append(b"Date: " + http_date_now().encode())
        no_body = status == 304 or method == "HEAD" or 100 <= status < 200 or status == 204
        length = resp.content_length if resp.content_length is not None else len(resp.body)
        if status != 304:
            lines.append(f"Content-Length: {length}".encode())
        lines.append(b"Connection: close" if close else b"Connection: keep-alive")
        writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
        sent = 0
        if not no_body:
            if resp.stream is not None:
                async for chunk in resp.stream():
                    if writer.is_closing():
                        break  # the client hung up (a crawler refusing an oversized file)
                    writer.write(chunk)
                    sent += len(chunk)
                    try:
                        await writer.drain()
                    except ConnectionError:
                        break
                if sent < length and entry is not None:
                    # Noticed a while after the client left (TLS hides it): this t_end is ours,
                    # not the client's.
                    entry["error"] = "client hung up"
            else:
                writer.write(resp.body)
                sent = len(resp.body)
        await writer.drain()
        if entry is not None:
            entry["bytes"] = sent
        if resp.action == "close":
            writer.close()


def http_date_now() -> str:
    import datetime as dt

    return http_date(dt.datetime.now(dt.UTC))


class _ClientGone(logging.Filter):
    """A crawler hanging up on an oversized file is expected here: asyncio's warning for each
    write to the dead socket (behind TLS the server notices late) is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "socket.send() raised exception."


logging.getLogger("asyncio").addFilter(_ClientGone())

__all__ = ["CONTROL_HOST", "FarmServer", "Request", "RequestLog", "Response"]
