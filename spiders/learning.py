"""What a portal taught stays: the next crawl starts where the last one found its reports.

At the end of a crawl each portal's ledger holds the columns that gave reports, the endpoints
that answered their lists, the other hosts that proved to be the same government's and the
pages that needed a browser (``Ledger.learned``); the crawl records them with the portal
(``portals.learned``). The next crawl asks for those first — an endpoint directly, without
rendering its page again — and still walks the portal from its home page, so a learned path
that broke is found again and reported (``portals.learned_broken``).
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy import Request

from crawler.registry import Portal
from crawler.state import CrawlState

from . import captures
from .platforms import Follow
from .rendering import endpoint_follow


class LearningMixin:
    """For :class:`~spiders.portal.PortalSpider`."""

    def _learned(self, portal: Portal) -> dict:
        return CrawlState.of(self.crawler).learned.get(portal.code, {})

    def _learned_requests(self, portal: Portal) -> Iterator[Request]:
        learned = self._learned(portal)
        self.site_hosts[portal.code].update(learned.get("hosts", ()))
        for host in learned.get("hosts", ()):
            self.ledger[portal.code].learn("hosts", host)
        for ep in learned.get("endpoints", ()):
            column = ep.get("column") or ep["url"]
            self.known_endpoints.add(column)
            fields = {k: v for k, v in ep.items() if k != "column"}
            follow = endpoint_follow(captures.Endpoint(**fields), column)
            follow.meta["learned_endpoint"] = ep
            if req := self._page(portal, follow, self.parse_endpoint):
                yield req
        render = set(learned.get("render", ()))
        for column in learned.get("columns", ()):
            if column in self.known_endpoints:
                continue
            follow = Follow(column, "column", playwright=column in render, meta={"column": column})
            if req := self._page(portal, follow, self.parse_column):
                yield req

    def _learn_from(self, response, portal: Portal, column: str | None, new_reports: int) -> None:
        """A page that gave new reports: its column (and its endpoint, if it was one) worked."""
        if not new_reports or column is None:
            return
        ledger = self.ledger[portal.code]
        ledger.learn("columns", column)
        if ep := response.meta.get("learned_endpoint"):
            ledger.learn("endpoints", ep)
        if response.meta.get("render") and not response.meta.get("render_captures"):
            ledger.learn("render", column)  # its reports came from the rendered DOM only

    def _endpoint_broke(self, response, portal: Portal, column: str) -> Iterator[Request]:
        """A learned endpoint that lists nothing now: its column is walked (and rendered) anew."""
        self.known_endpoints.discard(column)
        follow = Follow(column, "column", meta={"column": column})
        if req := self._page(portal, follow, self.parse_column):
            yield req.replace(dont_filter=True)
