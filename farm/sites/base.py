"""The base of every simulated portal: hosts, a static route table, dynamic handlers, robots.txt.

A site is built once from its :class:`~farm.model.Portal` (pages rendered up front, so a request
costs a dict lookup) and rebuilt when a mutation changes its content. Handlers get a
:class:`~farm.http.Request` and return a :class:`~farm.http.Response`; the server does the
wire work (timing, truncation, TLS, logging).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..content import ContentStore
from ..http import Request, Resource, Response, html, redirect, serve_resource
from ..model import Decoy, Portal, Report
from ..pages import not_found_page

Handler = Callable[[Request], Response | Awaitable[Response]]

TLS_OK = "ok"  # CONNECT answered, TLS with the farm's self-signed certificate
TLS_HANDSHAKE_FAILURE = "handshake-failure"  # CONNECT answered, then a TLS alert 40
TLS_REFUSED = "refused"  # the connection is closed (as if port 443 refused)
TLS_BROKEN = "broken-certificate"  # CONNECT answered, TLS with an expired self-signed certificate
TLS_SERVED = (TLS_OK, TLS_BROKEN)  # hosts whose https URLs answer


@dataclass
class HostConfig:
    name: str  # host as in URLs, lower-case, with ":port" when not default
    tls: str = TLS_REFUSED
    robots: str | None = None  # None = 404
    charset: str = "utf-8"


class Site:
    """Subclasses fill ``self.static`` / ``self.dynamic`` in :meth:`build`."""

    server_header = "nginx"

    def __init__(self, portal: Portal, content: ContentStore, state: FarmState) -> None:
        self.portal = portal
        self.content = content
        self.state = state
        self.hosts: dict[str, HostConfig] = {}
        self.static: dict[tuple[str, str], Resource] = {}
        self.dynamic: list[tuple[str, re.Pattern[str], Handler, tuple[str, ...]]] = []
        self.build()

    # ---- building -------------------------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def add_host(self, name: str, **kw) -> HostConfig:
        cfg = HostConfig(name=name, **kw)
        self.hosts[name] = cfg
        return cfg

    def add(
        self,
        host: str,
        target: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        last_modified: dt.datetime | dt.date | None = None,
        *,
        etag: bool = True,
        headers: list | None = None,
        charset: str = "utf-8",
    ) -> str:
        """Register a static resource; returns its absolute URL."""
        if isinstance(body, str):
            body = body.encode(charset)
        if isinstance(last_modified, dt.date) and not isinstance(last_modified, dt.datetime):
            last_modified = dt.datetime.combine(last_modified, dt.time(9, 30))
        self.static[(host, target)] = Resource(
            body, content_type, last_modified or FARM_EPOCH, etag, list(headers or [])
        )
        return self.url(host, target)

    def route(self, host: str, pattern: str, handler: Handler, methods=("GET", "HEAD")) -> None:
        self.dynamic.append((host, re.compile(pattern), handler, tuple(methods)))

    def url(self, host: str, target: str) -> str:
        served = self.hosts[host].tls in TLS_SERVED
        scheme = "https" if served and self.prefers_https(host) else "http"
        return f"{scheme}://{host}{target}"

    def prefers_https(self, host: str) -> bool:
        """Whether the canonical URLs of this host are https (the http side redirects)."""
        return False

    # ---- serving --------------------------------------------------------------------

    async def handle(self, req: Request) -> Response:
        resp = self.before(req)
        if resp is None:
            resp = await self.dispatch(req)
        return self.after(req, resp)

    def before(self, req: Request) -> Response | None:
        """Hook for host-wide behaviour (challenges, rate guards, cookie gates)."""
        return None

    def after(self, req: Request, resp: Response) -> Response:
        if not any(h[0].lower() == "server" for h in resp.headers):
            resp.headers.append(("Server", self.server_header))
        return resp

    async def dispatch(self, req: Request) -> Response:
        cfg = self.hosts.get(req.host)
        if cfg is None:
            return html(not_found_page(self.portal.name), 404)
        if req.path == "/robots.txt" and not self._has_route(req):
            if cfg.robots is None:
                return html(not_found_page(self.portal.name), 404)
            return Response(200, [("Content-Type", "text/plain")], cfg.robots.encode())
        if req.path in COMMON_ASSETS and (req.host, req.path) not in self.static:
            ctype, body = COMMON_ASSETS[req.path]
            return serve_resource(req, Resource(body, ctype, FARM_EPOCH))
        for host, pattern, handler, methods in self.dynamic:
            if host == req.host and pattern.fullmatch(req.path):
                if req.method not in methods:
                    return html("<h1>405 Method Not Allowed</h1>", 405)
                result = handler(req)
                if not isinstance(result, Response):
                    result = await result
                return result
        res = self.static.get((req.host, req.target)) or self.static.get((req.host, req.path))
        if res is not None:
            if req.method not in ("GET", "HEAD", "POST"):
                return html("<h1>405 Method Not Allowed</h1>", 405)
            return serve_resource(req, res)
        if not req.path.endswith("/") and (req.host, req.path + "/") in self.static:
            return redirect(self.url(req.host, req.path + "/"), 301)
        return self.not_found(req)

    def _has_route(self, req: Request) -> bool:
        return (req.host, req.path) in self.static

    def not_found(self, req: Request) -> Response:
        return html(not_found_page(self.portal.name), 404)

    # ---- helpers for subclasses --------------------------------------------------------

    def document(self, name: str) -> bytes:
        return self.content.get(name)

    def register_report_page(self, rep: Report, url: str) -> None:
        if not rep.page_url:
            rep.page_url = url
        elif url not in rep.twin_urls and url != rep.page_url:
            rep.twin_urls.append(url)

    @staticmethod
    def register_decoy(decoy: Decoy, url: str) -> None:
        if url not in decoy.urls:
            decoy.urls.append(url)


# what every page's chrome references (a browser fetches them; a crawler need not)
COMMON_ASSETS = {
    "/css/style.css": (
        "text/css",
        b".w1200{width:1200px;margin:0 auto}.nav ul{list-style:none;display:flex}"
        b".nav li a{padding:8px 20px;display:block}.footer{background:#333;color:#bbb}",
    ),
    "/exposure/jiucuo.js": (
        "application/javascript",
        b"/* site-census error-report widget (placeholder) */",
    ),
    "/favicon.ico": ("image/x-icon", b""),
}

# the date the farm's unchanging pages claim as Last-Modified when they have no better one
FARM_EPOCH = dt.datetime(2025, 3, 31, 18, 0, 0)


class FarmState:
    """Mutable state shared by all sites of one running farm (per-URL hit counters, warm-ups,
    cookies issued, applied mutations, the time scale)."""

    def __init__(self, time_scale: float = 1.0) -> None:
        self.time_scale = time_scale
        self.hits: dict[str, int] = {}
        self.flags: dict[str, object] = {}
        self.mutations: list[str] = []

    def hit(self, key: str) -> int:
        """Count a hit on ``key``; returns how many hits it has had including this one."""
        self.hits[key] = self.hits.get(key, 0) + 1
        return self.hits[key]
