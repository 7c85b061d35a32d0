"""Configuration kept in scripts, read as data: the column trees of app shells.

Single-page portals carry their navigation as data for the browser to draw: ``window.X = {…}``,
``var tree = […]``, JSON in ``data-`` attributes or ``<script type="application/json">``. Any
tree of ``{name|title, id, children}`` whose names say 年报 leads to its category: by the URL
the node carries, or by a URL template of the same scripts with its id filled in (``{id}``,
``${id}``, ``:id``, or a query parameter that ends a string: ``'/api/list?catId=' + id``).
No vendor's key names are assumed beyond "a name" and "an id".
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsers.jsobject import balanced, parse_object

from . import links as L

_ASSIGN = re.compile(r"(?:^|[;\s,(])(?:window\.|var\s+|let\s+|const\s+)?[\w$.]+\s*=\s*([{\[])")
_NAME_KEYS = ("name", "title", "text", "label", "chnlname", "channelname", "catname", "nodename")
_ID_KEYS = ("id", "catid", "channelid", "columnid", "nodeid", "code", "key", "cid", "value")
_URL_KEYS = ("url", "href", "link", "path", "route", "linkurl")
_PLACEHOLDER = re.compile(r"\{\{?\s*(\w+)\s*\}?\}|\$\{\s*(\w+)\s*\}|(?<=/):(\w+)")
_QUOTED = re.compile(r"""['"`]([^'"`\s]{3,300})['"`]""")
_OPEN_PARAM = re.compile(r"[?&]([\w]*(?:id|Id|ID|code|Code))=$")
_PAGE_WORDS = re.compile(r"page|pageno|pagenum|pageindex|curpage|p\b", re.I)


def _parse(literal: str) -> object | None:
    wrapped = parse_object("{_: " + literal + "}")
    return wrapped.get("_") if wrapped else None


def script_texts(response) -> list[str]:
    return response.xpath("//script[not(@src)]/text()").getall()


def config_objects(response) -> list[object]:
    """Data literals of the page: script assignments, JSON scripts and ``data-`` attributes."""
    out: list[object] = []
    for text in script_texts(response):
        for m in _ASSIGN.finditer(text):
            literal = balanced(text[: m.start(1) + 500_000], m.start(1))
            if literal and len(literal) > 2 and (value := _parse(literal)) is not None:
                out.append(value)
    for value in response.xpath("//*/@*[starts-with(name(), 'data-')]").getall():
        value = value.strip()
        if value[:1] in ("{", "[") and (parsed := _parse(value)) is not None:
            out.append(parsed)
    return out


def _field(node: dict, keys: tuple[str, ...]) -> object | None:
    lowered = {str(k).lower(): v for k, v in node.items()}
    for k in keys:
        if k in lowered and lowered[k] not in (None, ""):
            return lowered[k]
    return None


def annual_nodes(data: object, depth: int = 0) -> list[dict]:
    """Nodes of any tree whose name is a 年报 column's."""
    if depth > 12:
        return []
    found: list[dict] = []
    if isinstance(data, dict):
        name = _field(data, _NAME_KEYS)
        if isinstance(name, str) and L.is_annual_column(L.clean(name)):
            found.append(data)
        for v in data.values():
            found += annual_nodes(v, depth + 1)
    elif isinstance(data, list):
        for v in data:
            found += annual_nodes(v, depth + 1)
    return found


def templates(response) -> list[str]:
    """URL templates in the page's scripts: a placeholder, or a query parameter left open."""
    out = []
    for text in script_texts(response):
        for s in _QUOTED.findall(text):
            if ("/" in s or "?" in s) and (_PLACEHOLDER.search(s) or _OPEN_PARAM.search(s)):
                out.append(s)
    return out


def _fill(template: str, node_id: str) -> str:
    def sub(m: re.Match) -> str:
        name = next(g for g in m.groups() if g)
        return "1" if _PAGE_WORDS.fullmatch(name) else node_id

    filled = _PLACEHOLDER.sub(sub, template)
    return filled + node_id if _OPEN_PARAM.search(filled) else filled


def category_urls(response) -> list[tuple[str, str]]:
    """(URL, name) of each 年报 category the page's configuration names."""
    out: list[tuple[str, str]] = []
    tpls = None
    for obj in config_objects(response):
        for node in annual_nodes(obj):
            name = L.clean(str(_field(node, _NAME_KEYS)))
            url = _field(node, _URL_KEYS)
            if isinstance(url, str) and not url.startswith(("javascript:", "#")):
                out.append((urljoin(response.url, url), name))
                continue
            node_id = _field(node, _ID_KEYS)
            if node_id is None:
                continue
            tpls = templates(response) if tpls is None else tpls
            out += [(urljoin(response.url, _fill(t, str(node_id))), name) for t in tpls]
    seen: dict[str, str] = {}
    for url, name in out:
        seen.setdefault(url, name)
    return list(seen.items())


def node_links(response) -> list[L.Link]:
    """Every ``{name, url}`` node of the page's script data: the links a browser would draw
    (menus, column trees) — read without running the script."""
    out: list[L.Link] = []

    def walk(data: object, depth: int) -> None:
        if depth > 12:
            return
        if isinstance(data, dict):
            name, url = _field(data, _NAME_KEYS), _field(data, _URL_KEYS)
            routable = isinstance(url, str) and (
                not url.startswith(("javascript:", "#")) or url.startswith("#/")
            )
            if isinstance(name, str) and routable:
                out.append(L.Link(urljoin(response.url, url), L.clean(name)))
            for v in data.values():
                walk(v, depth + 1)
        elif isinstance(data, list):
            for v in data:
                walk(v, depth + 1)

    for obj in config_objects(response):
        walk(obj, 0)
    return out
