"""Pages that fill themselves: rendered once, then read like any page, their endpoints called.

The empty-shell rule (``spiders/shells.py``) decides that a page is to be rendered; this mixin
asks for it (crawler/browser.py renders it, every request of it made by Scrapy), reads the
rendered DOM and every state a click left it in as pages, mines what its scripts fetched
(``spiders/captures.py``) and calls the endpoints it found directly for the next pages. What
worked is written into the portal's ledger (``learned``) for the next crawl.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.registry import Portal

from . import captures
from .platforms import ADAPTERS, Entry, Follow, ListResult
from .recognize import classify_title


def _reports(entries: list[Entry]) -> int:
    return sum(1 for e in entries if classify_title(e.title).is_report)


def answered_json(response: Response) -> bool:
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    head = response.body[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    return "json" in ctype or head[:1] in (b"{", b"[")


def endpoint_follow(ep: captures.Endpoint, column: str) -> Follow:
    headers = {"Content-Type": ep.content_type} if ep.content_type else None
    headers = {**(headers or {}), "X-Requested-With": "XMLHttpRequest"}
    return Follow(
        ep.url,
        "endpoint",
        method=ep.method.upper(),
        body=ep.body,
        headers=headers,
        meta={"endpoint": ep.as_dict(), "column": column},
    )


class RenderingMixin:
    """For :class:`~spiders.portal.PortalSpider`."""

    def _render(
        self,
        response: TextResponse,
        portal: Portal,
        column: str | None,
        *,
        kind: str | None = None,
        click: str | None = None,
        next_clicks: int = 0,
        why: str = "",
    ) -> Iterator[Request]:
        """Ask for this page again, rendered (once per page and purpose)."""
        ledger = self.ledger[portal.code]
        kind = kind or ("column" if response.meta.get("kind") == "column" else "list")
        if not self.browser:
            ledger.lose(f"JS-only page at {response.url} (browser off)")
            return
        key = (response.url, click, next_clicks)
        if key in self.rendered:
            return
        self.rendered.add(key)
        spec = {"click": click, "next_clicks": next_clicks}
        if not response.meta.get("not_modified") and response.status == 200:
            spec["body"] = response.body  # the shell as fetched: not asked for twice
        meta = {"column": column, "render_spec": spec, "render_why": why}
        if kind == "nav":
            meta["depth_nav"] = response.meta.get("depth_nav", 0)
        callback = self.parse_nav if kind == "nav" else self.parse_column
        follow = Follow(response.url, kind, playwright=True, meta=meta)
        if req := self._page(portal, follow, callback):
            yield req.replace(dont_filter=True)

    def _rendered(self, response: TextResponse, portal: Portal, column: str) -> ListResult:
        """What a render adds to its page: the states clicks left it in, and every list its
        scripts fetched, with the endpoints to call for more."""
        result = ListResult()
        for html in response.meta.get("render_snapshots") or ():
            snapshot = HtmlResponse(
                response.url, body=html.encode("utf-8"), encoding="utf-8", request=response.request
            )
            page = self._adapter(snapshot, portal).list_page(snapshot)
            result.entries += page.entries
        mined = captures.mine(response.meta.get("render_captures") or [], response.url)
        for ep, entries in mined.lists:
            result.entries += entries
            if ep is None or not _reports(entries):
                continue
            self.ledger[portal.code].learn("endpoints", {**ep.as_dict(), "column": column})
            if nxt := ep.next(len(entries)):
                result.follow.append(endpoint_follow(nxt, column))
        return result

    def parse_endpoint(self, response: Response):
        """A list endpoint called directly (found while a page rendered, or learned)."""
        portal = self._portal(response)
        column = response.meta.get("column") or response.url
        if response.status >= 400:
            return
        entries, pages = captures.answer(response.body, response.url)
        if "endpoint" in response.meta:
            ep = captures.Endpoint(**response.meta["endpoint"])
        else:  # a list URL that answered JSON: its own paging parameter, if it has one
            request = response.request
            body = request.body.decode("utf-8", "replace") if request.body else None
            capture = {"url": request.url, "method": request.method, "post_data": body}
            ep = captures.endpoint(capture, len(entries), None)
            if _reports(entries):
                self.ledger[portal.code].learn("endpoints", {**ep.as_dict(), "column": column})
        if pages is not None:
            ep.pages = pages
        if response.meta.get("learned_endpoint") and not _reports(entries):
            yield from self._endpoint_broke(response, portal, column)
        result = ListResult(entries=entries)
        if entries and (nxt := ep.next(len(entries))):
            result.follow.append(endpoint_follow(nxt, column))
        yield from self._take(result, response, portal, column, ADAPTERS["generic"])
