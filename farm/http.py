"""Request, response and static-resource types shared by the server and the simulated sites."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

REASONS = {
    200: "OK",
    206: "Partial Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    521: "Web Server Is Down",
}


@dataclass
class Request:
    method: str
    scheme: str  # "http" or "https" (inside a CONNECT tunnel)
    host: str  # lower-case, with ":port" only when not the scheme's default
    target: str  # path + query, as sent
    headers: dict[str, str]  # lower-case names; header bytes decoded as latin-1
    body: bytes = b""
    conn_id: int = 0

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query_string(self) -> str:
        return urlsplit(self.target).query

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.query_string, keep_blank_values=True).items()}

    @property
    def form(self) -> dict[str, str]:
        text = self.body.decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}

    @property
    def params(self) -> dict[str, str]:
        """Query and form fields together (the JSP endpoints accept either)."""
        return {**self.query, **(self.form if self.method == "POST" else {})}

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is ignored, as servers do
            return {}
        return {k: m.value for k, m in jar.items()}

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.target}"

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


Header = tuple[str, str | bytes]


@dataclass
class Response:
    status: int = 200
    headers: list[Header] = field(default_factory=list)
    body: bytes = b""
    # a body produced piece by piece (huge files); ``content_length`` is then required
    stream: Callable[[], AsyncIterator[bytes]] | None = None
    content_length: int | None = None  # declared length when it is not len(body) (truncation)
    delay: float = 0.0  # seconds before the first byte, multiplied by the farm's time scale
    action: str = ""  # "" | "hang" (never answer) | "abort" (reset, no answer) | "close"


@dataclass
class Resource:
    """A static document: served with ETag/Last-Modified and answered 304 when unchanged."""

    body: bytes
    content_type: str
    last_modified: dt.datetime | None = None
    etag: bool = True
    headers: list[Header] = field(default_factory=list)
    status: int = 200

    @property
    def etag_value(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


def http_date(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))  # portals run on CST
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def parse_http_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def serve_resource(req: Request, res: Resource) -> Response:
    """The resource, or 304 when the request's validators still match (RFC 9110 §13.2.2)."""
    headers: list[Header] = [("Content-Type", res.content_type), *res.headers]
    if res.etag:
        headers.append(("ETag", res.etag_value))
    if res.last_modified:
        headers.append(("Last-Modified", http_date(res.last_modified)))
    if res.status == 200 and req.method in ("GET", "HEAD"):
        inm = req.header("if-none-match")
        if inm and res.etag:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            if res.etag_value in tags or "*" in tags:
                return Response(304, [h for h in headers if h[0] != "Content-Type"])
        elif inm == "" and res.last_modified:
            since = parse_http_date(req.header("if-modified-since"))
            lm = res.last_modified
            if lm.tzinfo is None:
                lm = lm.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
            if since and lm.replace(microsecond=0) <= since:
                return Response(304, [h for h in headers if h[0] != "Content-Type"])
    return Response(res.status, headers, res.body)


def html(body: str | bytes, status: int = 200, charset: str | None = "utf-8", **kw) -> Response:
    data = body.encode(charset or "utf-8") if isinstance(body, str) else body
    ctype = f"text/html; charset={charset}" if charset else "text/html"
    return Response(status, [("Content-Type", ctype), *kw.pop("headers", [])], data, **kw)


def json_response(obj: object, status: int = 200) -> Response:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, [("Content-Type", "application/json;charset=UTF-8")], data)


def redirect(location: str, status: int = 302, headers: list[Header] | None = None) -> Response:
    body = f'<html><body>Moved: <a href="{location}">{location}</a></body></html>'.encode()
    return Response(
        status, [("Location", location), ("Content-Type", "text/html"), *(headers or [])], body
    )
