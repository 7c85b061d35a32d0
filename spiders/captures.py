"""Lists read out of whatever a page loads: any JSON, any HTML fragment, no schema assumed.

A rendered page's scripts fetch their lists from an endpoint (crawler/browser.py keeps what they
fetched). Whatever its field names, a list of reports is a JSON array of objects that each carry
a title-like text and a URL-like string (often a date, sometimes attachments): the walker finds
every such array anywhere in the answer. HTML fragments are read like pages. The request that
brought a list is kept as an :class:`Endpoint`, with its paging parameter, so the next pages —
and the next crawl — call it directly, without the browser.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from . import links as L
from .platforms.base import Entry

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_KEY = re.compile(r"title|name|bt|subject|topic|caption|label|text|mc|biaoti", re.I)
_URL_KEY = re.compile(r"url|link|href|path|src|puburl|addr|file|dz", re.I)
_DATE_KEY = re.compile(r"date|time|pub|fbrq|rq|created|day|publish", re.I)
_URLISH = re.compile(
    r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|jsp|aspx?|php|do|pdf|docx?|wps|ofd|xlsx?|zip)"
    r"(?:[?#]|$)",
    re.I,
)
_PAGE_KEY = re.compile(
    r"^(?:page|pageno|pagenum|pagenumber|pageindex|page_no|page_num|currentpage|curpage|cur|"
    r"pn|p|pageindex|index)$",
    re.I,
)
_OFFSET_KEY = re.compile(r"^(?:start|offset|begin|from|startrow|first)$", re.I)
_TOTAL_PAGES = re.compile(r"^(?:pagecount|totalpage|totalpages|pages|pagetotal|page_count)$", re.I)
_TOTAL_ITEMS = re.compile(r"^(?:total|totalcount|count|recordcount|totalrecord|totalsize)$", re.I)


@dataclass
class Endpoint:
    """A request that answered a list, and how to ask it for the next page."""

    url: str
    method: str = "GET"
    body: str | None = None  # form-encoded or JSON, as the page sent it
    content_type: str | None = None  # of the body
    param: str | None = None  # the paging parameter's name …
    where: str = "query"  # … and where it sits: query | form | json
    value: int = 1  # its value in this request
    step: int = 1  # 1 for page numbers, the page size for offsets
    pages: int | None = None  # how many pages the answer says there are

    def at(self, value: int) -> Endpoint:
        """The same request for another value of its paging parameter."""
        if self.param is None:
            return self
        url, body = self.url, self.body
        if self.where == "query":
            parts = urlsplit(url)
            query = [(k, str(value) if k == self.param else v) for k, v in parse_qsl(parts.query)]
            url = urlunsplit(parts._replace(query=urlencode(query)))
        elif self.where == "form" and body is not None:
            pairs = [(k, str(value) if k == self.param else v) for k, v in parse_qsl(body)]
            body = urlencode(pairs)
        elif self.where == "json" and body is not None:
            data = json.loads(body)
            data[self.param] = value
            body = json.dumps(data, ensure_ascii=False)
        return replace(self, url=url, body=body, value=value)

    def next(self, entries: int) -> Endpoint | None:
        """The next page, unless this one was the last (as far as the answer says)."""
        if self.param is None or entries == 0:
            return None
        if self.step == 1 and self.pages is not None and self.value >= self.pages:
            return None
        return self.at(self.value + (self.step if self.step > 1 else 1))

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Mined:
    """Each list found, with the endpoint that answered it (None: not one to call again)."""

    lists: list[tuple[Endpoint | None, list[Entry]]] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [e for _, entries in self.lists for e in entries]


# --- JSON ----------------------------------------------------------------------------------


def text_of(body: bytes) -> str:
    """Bytes of an answer as text: UTF-8, else GB18030 (GBK endpoints are common)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", "replace")


def _loads(body: bytes | str) -> object | None:
    text = text_of(body) if isinstance(body, bytes) else body
    text = text.strip().lstrip("\ufeff")
    if not text:
        return None
    m = re.match(r"^[\w$.]+\s*\(\s*(.*)\s*\)\s*;?\s*$", text, re.S)  # JSONP
    if m and not text.startswith(("{", "[")):
        text = m.group(1)
    try:
        return json.loads(text)
    except ValueError:
        return None


def _flat(item: dict) -> dict[str, object]:
    """An object with its nested objects' fields brought up one level (``{doc: {title}}``)."""
    out: dict[str, object] = {}
    for k, v in item.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                out.setdefault(f"{k}.{k2}", v2)
        else:
            out[k] = v
    return out


def _title(item: dict[str, object]) -> str | None:
    best = None
    for k, v in item.items():
        if not isinstance(v, str) or len(_CJK.findall(v)) < 4 or len(v) > 200 or "<" in v[:1]:
            continue
        score = (bool(_TITLE_KEY.search(k.rsplit(".", 1)[-1])), len(v))
        if best is None or score > best[0]:
            best = (score, v)
    return L.clean(re.sub(r"<[^>]+>", "", best[1])) if best else None


def _url(item: dict[str, object]) -> str | None:
    best = None
    for k, v in item.items():
        if not isinstance(v, str) or not _URLISH.search(v.strip()) or " " in v.strip():
            continue
        # a path beats a bare file name ("年报.pdf" is the name of /upload/9.pdf)
        path = "/" in v
        score = (path, bool(_URL_KEY.search(k.rsplit(".", 1)[-1])), not L.is_attachment(v))
        if best is None or score > best[0]:
            best = (score, v.strip())
    return best[1] if best else None


def _date(item: dict[str, object]) -> str | None:
    for k, v in item.items():
        if isinstance(v, str) and (m := L.DATE.search(v)):
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
        if isinstance(v, int | float) and _DATE_KEY.search(k) and 9e11 < v < 5e12:
            return datetime.fromtimestamp(v / 1000, UTC).strftime("%Y-%m-%d")  # epoch ms
    return None


def _attachments(item: dict, base: str) -> tuple[tuple[str, str], ...]:
    out = []
    for v in item.values():
        if isinstance(v, list):
            for f in v:
                if isinstance(f, dict) and (url := _url(_flat(f))) and L.is_attachment(url):
                    names = [x for x in f.values() if isinstance(x, str) and _CJK.search(x)]
                    out.append((urljoin(base, url), L.clean(names[0] if names else "")))
    return tuple(out)


def _as_entries(objects: list[dict], base: str) -> list[Entry] | None:
    """The objects as list entries, if most of them carry a title and a URL."""
    found = []
    for item in objects:
        flat = _flat(item)
        title, url = _title(flat), _url(flat)
        if title and url:
            full = urljoin(base, url)
            files = _attachments(item, base)
            found.append(Entry(full, title, _date(flat), L.is_attachment(full), files))
    return found if found and len(found) >= len(objects) / 2 else None


def json_entries(data: object, base: str, depth: int = 0) -> list[Entry]:
    """List entries out of any JSON: every array whose objects carry a title and a URL (its
    objects' own arrays — attachments — are theirs, not more entries), and HTML kept in JSON
    strings (``{"html": "<li><a …>"}``), read like a page."""
    if depth > 10:
        return []
    if isinstance(data, str):
        return html_entries(data, base) if "<a " in data or "<A " in data else []
    if isinstance(data, dict):
        return [e for v in data.values() for e in json_entries(v, base, depth + 1)]
    if not isinstance(data, list):
        return []
    objects = [x for x in data if isinstance(x, dict)]
    if objects and (found := _as_entries(objects, base)) is not None:
        return found
    return [e for v in data for e in json_entries(v, base, depth + 1)]


def _totals(data: object) -> tuple[int | None, int | None]:
    """(pages, items) when the answer says how many there are."""
    pages = items = None
    if isinstance(data, dict):
        stack = [data]
        while stack:
            d = stack.pop()
            for k, v in d.items():
                if isinstance(v, dict):
                    stack.append(v)
                elif isinstance(v, int | str) and str(v).isdigit():
                    if _TOTAL_PAGES.match(k) and pages is None:
                        pages = int(v)
                    elif _TOTAL_ITEMS.match(k) and items is None:
                        items = int(v)
    return pages, items


# --- HTML ----------------------------------------------------------------------------------


def html_entries(text: str, base: str) -> list[Entry]:
    sel = Selector(text=text)
    return [
        Entry(x.url, x.text, x.date, L.is_attachment(x.url))
        for x in L.links(sel, base)
        if len(x.text) >= 6
    ]


# --- paging --------------------------------------------------------------------------------


def _paging(url: str, method: str, body: str | None) -> tuple[str, str, int] | None:
    """(parameter, where, value) of the paging parameter of a request, if it has one."""
    spots: list[tuple[str, str, str]] = [(k, "query", v) for k, v in parse_qsl(urlsplit(url).query)]
    if body:
        data = _loads(body)
        if isinstance(data, dict):
            spots += [(k, "json", str(v)) for k, v in data.items() if isinstance(v, int | str)]
        else:
            spots += [(k, "form", v) for k, v in parse_qsl(body)]
    for pattern in (_PAGE_KEY, _OFFSET_KEY):
        for k, where, v in spots:
            if pattern.match(k) and v.isdigit() and int(v) < 10_000:
                return k, where, int(v)
    return None


def endpoint(capture: dict, entries: int, data: object) -> Endpoint:
    body = capture.get("post_data")
    method = capture.get("method") or "GET"
    base = Endpoint(capture["url"], method, body, capture.get("request_content_type"))
    found = _paging(capture["url"], method, body)
    pages, items = _totals(data)
    if found is None:
        return replace(base, pages=pages)
    param, where, value = found
    offset = bool(_OFFSET_KEY.match(param))
    if pages is None and items and entries:
        pages = math.ceil(items / entries)
    step = max(entries, 1) if offset else 1
    return replace(base, param=param, where=where, value=value, step=step, pages=pages)


def mine(captures: list[dict], base: str) -> Mined:
    """Entries out of everything a rendered page fetched, and the endpoints that gave them."""
    out = Mined()
    for c in captures:
        if not (200 <= (c.get("status") or 0) < 300):
            continue
        data = _loads(c["body"])
        if data is not None:
            entries = json_entries(data, c["url"])
        elif b"<a" in c["body"][:200_000] or b"<A" in c["body"][:200_000]:
            data = None
            entries = html_entries(text_of(c["body"]), c["url"])
        else:
            continue
        if entries:
            callable_again = c.get("type") in ("xhr", "fetch", "other", "script")
            ep = endpoint(c, len(entries), data) if callable_again else None
            out.lists.append((ep, entries))
    return out


def answer(body: bytes, url: str) -> tuple[list[Entry], int | None]:
    """An endpoint called directly: its entries, and how many pages it says it has."""
    data = _loads(body)
    if data is not None:
        return json_entries(data, url), _totals(data)[0]
    return html_entries(text_of(body), url), None
