"""Portals whose lists are JavaScript templates filled from a JSON API (portals.md §1.5, §4.6).

Fujian's TRS-backed platform answers ``POST /fjdzapp/search`` (``channelid``, ``page``,
``prepage``) with ``{pageCount, data: [{doctitle, docpuburl, docreltime, files}]}``. The endpoint
and channel are found in the page or in the page's own scripts; a JSON endpoint is always
preferred to rendering. Only when none is found is the page rendered in a browser.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from .. import links as L
from .base import Entry, Follow, ListResult
from .generic import Generic

_TEMPLATE = re.compile(r"ms-controller|ms-repeat|ms-for|<\?=|v-for=|\{\{\s*\w+", re.I)
_ENDPOINT = re.compile(r"""['"]((?:https?://[^'"]+)?/fjdzapp/(?:search|data)[^'"]*)['"]""")
_CHANNEL = re.compile(r"""channelid['"]?\s*[:=]\s*['"]?(\d+)""", re.I)
PER_PAGE = 100


class JsonApi(Generic):
    name = "jsonapi"

    def detect(self, response) -> bool:
        body = response.text[:200000] if hasattr(response, "text") else ""
        return "/fjdzapp/" in body or bool(_TEMPLATE.search(body) and self._few_links(response))

    @staticmethod
    def _few_links(response) -> bool:
        return len([x for x in L.links(response) if not x.in_chrome and len(x.text) >= 6]) < 3

    def list_page(self, response) -> ListResult:
        if response.meta.get("playwright"):
            return super().list_page(response)  # rendered by the browser: plain links now
        found = self._endpoint(response.text, response.url, response.meta.get("channelid"))
        if found:
            return ListResult(follow=[found])
        result = super().list_page(response)
        host = urlsplit(response.url).netloc
        for src in response.xpath("//script/@src").getall():
            url = urljoin(response.url, src)
            if urlsplit(url).netloc == host and not re.search(
                r"jquery|avalon\.|vue\.|bootstrap", url, re.I
            ):
                channel = m.group(1) if (m := _CHANNEL.search(response.text)) else None
                result.follow.append(
                    Follow(url, "script", meta={"list_url": response.url, "channelid": channel})
                )
        return result

    def script(self, response) -> ListResult:
        """A page's own JavaScript: look for the list endpoint in it."""
        found = self._endpoint(
            response.text,
            response.meta.get("list_url", response.url),
            response.meta.get("channelid"),
        )
        return ListResult(follow=[found] if found else [])

    def _endpoint(self, text: str, page_url: str, channel: str | None) -> Follow | None:
        m = _ENDPOINT.search(text)
        channel = channel or (c.group(1) if (c := _CHANNEL.search(text)) else None)
        if not m or not channel:
            return None
        return self._call(urljoin(page_url, m.group(1).split("?")[0]), channel, 1)

    def _call(self, endpoint: str, channel: str, page: int) -> Follow:
        form = {
            "channelid": channel,
            "page": str(page),
            "prepage": str(PER_PAGE),
            "sortfield": "-pubdate",
        }
        return Follow(
            endpoint,
            "api",
            method="POST",
            formdata=form,
            meta={"jsonapi": {"endpoint": endpoint, "channel": channel, "page": page}},
        )

    def api_page(self, response) -> ListResult:
        state = response.meta.get("jsonapi", {})
        try:
            data = json.loads(response.text)
        except (json.JSONDecodeError, AttributeError):
            return ListResult(losses=[f"JSON list answered something else at {response.url}"])
        result = ListResult()
        for doc in data.get("data") or []:
            url = doc.get("docpuburl") or doc.get("url")
            if not url:
                continue
            files = tuple(
                (
                    urljoin(response.url, f.get("url") or f.get("fileurl") or ""),
                    str(f.get("appdesc", "")),
                )
                for f in doc.get("files") or []
                if isinstance(f, dict) and (f.get("url") or f.get("fileurl"))
            )
            date = None
            if m := re.search(
                r"(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})", str(doc.get("docreltime", ""))
            ):
                date = "-".join(f"{int(x):02d}" for x in m.groups())
            title = L.clean(str(doc.get("doctitle", "")))
            full = urljoin(response.url, url)
            result.entries.append(Entry(full, title, date, L.is_attachment(full), files))
        page, pages = state.get("page", 1), int(data.get("pageCount") or 1)
        if page < pages:
            result.follow.append(self._call(state["endpoint"], state["channel"], page + 1))
        return result

    def needs_browser(self, response) -> bool:
        return bool(_TEMPLATE.search(response.text)) and self._few_links(response)
