"""Guangdong 政府信息公开目录管理平台 (gkmlpt, portals.md §1.6).

``/gkmlpt/index`` is a single-page app: its shell holds ``window._CONFIG = {SID, TREE}``; the
lists come from ``/gkmlpt/api/all/{category}?page=N&sid=SID`` (stop on an empty page, a 404 or
the total). Departments and towns run the same app under a path prefix on the same host
(``/xxbm/gkmlpt/…``). Article pages embed the report as escaped HTML in
``window._CONFIG.DETAIL`` — the parser reads it from there — with attachments beside it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from parsers.jsobject import find_object, parse_object

from .. import links as L
from .base import Entry, Follow, ListResult
from .generic import Generic

_SID = re.compile(r"SID\s*:\s*['\"]([^'\"]+)['\"]")


def _prefix(url: str) -> str:
    path = urlsplit(url).path
    return path[: path.find("/gkmlpt/")] if "/gkmlpt/" in path else ""


def _walk(nodes, out: list[dict]) -> None:
    for node in nodes or []:
        if isinstance(node, dict):
            out.append(node)
            _walk(node.get("children"), out)


def _date(value) -> str | None:
    if isinstance(value, int | float) and value > 1e8:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
    if isinstance(value, str) and (m := L.DATE.search(value)):
        return "-".join(f"{int(x):02d}" for x in m.groups())
    return None


class Gkmlpt(Generic):
    name = "gkmlpt"

    def detect(self, response) -> bool:
        body = response.text[:200000] if hasattr(response, "text") else ""
        return "/gkmlpt/" in response.url or ("window._CONFIG" in body and "SID" in body)

    def entry_points(self, response) -> list[Follow]:
        return [
            Follow(link.url, "column")
            for link in L.links(response)
            if re.search(r"/gkmlpt/index(?:\.html?)?(?:#.*)?$", link.url.split("?")[0])
        ]

    def list_page(self, response) -> ListResult:
        config = find_object(response.text, "window._CONFIG")
        data = parse_object(config) if config else None
        if data is None:
            return super().list_page(response)
        sid = str(data.get("SID") or (m.group(1) if (m := _SID.search(config)) else ""))
        nodes: list[dict] = []
        _walk(data.get("TREE"), nodes)
        parts = urlsplit(response.url)
        base = f"{parts.scheme}://{parts.netloc}{_prefix(response.url)}"
        result = ListResult()
        for node in nodes:
            name = L.clean(str(node.get("name", "")))
            if node.get("jump_url") and L.is_annual_column(name):
                result.follow.append(Follow(urljoin(response.url, node["jump_url"]), "column"))
            elif L.is_annual_column(name):
                # The category and its per-year children: "all/{id}" may or may not include
                # descendants, so ask each (entries are de-duplicated by URL).
                result.follow.append(self._api(base, node.get("id"), sid, 1))
                for child in node.get("children") or []:
                    result.follow.append(self._api(base, child.get("id"), sid, 1))
        return result

    def _api(self, base: str, cat, sid: str, page: int) -> Follow:
        return Follow(
            f"{base}/gkmlpt/api/all/{cat}?page={page}&sid={sid}",
            "api",
            meta={"gkmlpt": {"base": base, "cat": cat, "sid": sid, "page": page}},
        )

    def api_page(self, response) -> ListResult:
        state = response.meta.get("gkmlpt", {})
        try:
            data = json.loads(response.text)
        except (json.JSONDecodeError, AttributeError):
            return ListResult(losses=[f"gkmlpt list answered non-JSON at {response.url}"])
        result = ListResult()
        articles = data.get("articles") or []
        for art in articles:
            url = art.get("url") or art.get("post_url")
            if not url:
                continue
            files = tuple(
                (urljoin(response.url, a.get("url") or a.get("link") or ""), str(a.get("name", "")))
                for a in (art.get("attachment") or [])
                if isinstance(a, dict) and (a.get("url") or a.get("link"))
            )
            date = _date(
                art.get("display_publish_time") or art.get("date") or art.get("created_at")
            )
            result.entries.append(
                Entry(
                    urljoin(response.url, url),
                    L.clean(str(art.get("title", ""))),
                    date,
                    False,
                    files,
                )
            )
        total = data.get("total")
        page = state.get("page", 1)
        seen = (page - 1) * max(len(articles), 1) + len(articles)
        if articles and (total is None or seen < int(total)):
            result.follow.append(self._api(state["base"], state["cat"], state["sid"], page + 1))
        return result

    def attachments(self, response) -> list[tuple[str, str]]:
        found = dict(super().attachments(response))
        config = find_object(response.text, "window._CONFIG")
        data = parse_object(config) if config else None
        detail = (data or {}).get("DETAIL") or {}
        for a in detail.get("attachment") or []:
            if isinstance(a, dict) and (href := a.get("url") or a.get("link")):
                found.setdefault(urljoin(response.url, href), str(a.get("name", "")))
        return list(found.items())
