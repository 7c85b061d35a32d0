"""From the home page to the 年报 columns: every way a person navigates a portal.

Links whose text names 信息公开 are followed as navigation and links that name a 年报 column as
columns (link text beats URL tokens, portals.md §3); the site map (网站地图) is a navigation
source like any menu, and so are ``<select>`` jump menus and framed pages. A link to another
host counts as the portal's own only when that host says it is the same government: its
网站标识码 starts with the portal's 行政区划代码, or its title names the county. A page that offers
nothing onward and fills itself with scripts is rendered first (the empty-shell rule).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawler.registry import Portal

from . import links as L
from .platforms import Entry, Follow
from .recognize import classify_title
from .scripts import category_urls, node_links
from .shells import looks_like_shell, shell_signs


class NavigationMixin:
    """For :class:`~spiders.portal.PortalSpider`."""

    @staticmethod
    def _fingerprint(response: TextResponse) -> tuple[str, frozenset]:
        title = L.clean(response.xpath("//title/text()").get())
        return title, frozenset(link.url for link in L.links(response)[:60])

    def _soft_404(self, response: TextResponse, portal: Portal) -> bool:
        """A portal that answers unknown paths with its home page (portals.md §4.5)."""
        home = self.home_print.get(portal.code)
        if home is None or response.url.rstrip("/") == portal.url.rstrip("/"):
            return False
        title, urls = self._fingerprint(response)
        return title == home[0] and len(urls & home[1]) >= 0.9 * max(len(home[1]), 1)

    def parse_home(self, response: Response):
        portal = self._portal(response)
        ledger = self.ledger[portal.code]
        if not isinstance(response, TextResponse):
            ledger.home, ledger.home_error = "failed", "the home page is not an HTML page"
            return
        ledger.home = "ok"
        self.site_hosts[portal.code].add(urlsplit(response.url).hostname or "")
        self.home_print[portal.code] = self._fingerprint(response)
        yield from self._discover(response, portal, depth=0)

    def parse_nav(self, response: Response):
        portal = self._portal(response)
        if not isinstance(response, TextResponse) or self._soft_404(response, portal):
            return
        if response.meta.get("probe"):
            if not self._same_government(response, portal):
                return  # another government's site (the city's, a neighbour's)
            host = urlsplit(response.url).hostname or ""
            self.site_hosts[portal.code].add(host)
            self.ledger[portal.code].learn("hosts", host)
        yield from self._discover(response, portal, depth=response.meta.get("depth_nav", 0))

    def _discover(self, response: TextResponse, portal: Portal, depth: int) -> Iterator:
        """Follow 年报 links as columns and 信息公开 links as navigation (portals.md §3.2); a
        page that offers neither and fills itself with scripts is rendered first."""
        onward = list(self._onward(response, portal, depth))
        yield from onward
        if not onward and not response.meta.get("render") and looks_like_shell(response):
            why = "; ".join(shell_signs(response))
            yield from self._render(response, portal, None, kind="nav", why=why)

    def _onward(self, response: TextResponse, portal: Portal, depth: int) -> Iterator:
        adapter = self._adapter(response, portal)
        for follow in adapter.entry_points(response):
            if self._on_site(follow.url, portal):
                follow.meta.setdefault("column", follow.url)
                if req := self._page(portal, follow, self.parse_column):
                    yield req
        if response.meta.get("render"):
            yield from self._take(
                self._rendered(response, portal, response.url),
                response,
                portal,
                response.url,
                adapter,
            )
        for url, _name in category_urls(response):
            if self._on_site(url, portal):
                # A route inside an app shell (#/…) exists only once the app runs.
                follow = Follow(url, "column", playwright="#" in url, meta={"column": url})
                if req := self._page(portal, follow, self.parse_column):
                    yield req.replace(dont_filter=True) if follow.playwright else req
        direct: list[Entry] = []
        links = [*L.links(response), *L.script_nav_links(response), *L.menu_links(response)]
        for link in [*links, *node_links(response)]:
            self._maybe_add_ip_host(link.url, portal)
            if not self._on_site(link.url, portal):
                yield from self._probe(link, portal, depth)
                continue
            annual = L.is_annual_column(link.text) or (
                L.is_annual_path(link.url) and not classify_title(link.text).is_report
            )
            if annual and not L.is_attachment(link.url):
                follow = Follow(link.url, "column", meta={"column": link.url})
                if req := self._page(portal, follow, self.parse_column):
                    yield req
            elif (L.is_disclosure(link.text) or L.is_sitemap(link.text)) and depth < self.nav_depth:
                follow = Follow(link.url, "nav", meta={"depth_nav": depth + 1})
                if req := self._page(portal, follow, self.parse_nav):
                    yield req
            elif classify_title(link.text).is_report:
                direct.append(Entry(link.url, link.text, link.date, L.is_attachment(link.url)))
        yield from self._entries(direct, response, portal, column=None)

    def _columns_named(self, response: TextResponse, portal: Portal) -> Iterator:
        """年报 columns an article names in passing (its breadcrumb, a 相关栏目 box): a person
        who reads one report clicks up to its column to find the others."""
        for link in L.links(response):
            if (
                L.is_annual_column(link.text)
                and self._on_site(link.url, portal)
                and not L.is_attachment(link.url)
            ):
                follow = Follow(link.url, "column", meta={"column": link.url})
                if req := self._page(portal, follow, self.parse_column):
                    yield req

    def _probe(self, link: L.Link, portal: Portal, depth: int) -> Iterator:
        """A 信息公开 link to another host: visited once, kept only if it is the same
        government's site (``parse_nav`` checks its identity)."""
        host = urlsplit(link.url).hostname or ""
        wanted = L.is_disclosure(link.text) or L.is_annual_column(link.text)
        if not wanted or host in self.probed.setdefault(portal.code, set()):
            return
        if urlsplit(link.url).scheme not in ("http", "https") or depth >= self.nav_depth:
            return
        self.probed[portal.code].add(host)
        follow = Follow(link.url, "nav", meta={"depth_nav": depth + 1, "probe": link.text})
        if req := self._page(portal, follow, self.parse_nav):
            yield req

    def _same_government(self, response: TextResponse, portal: Portal) -> bool:
        """The site's 网站标识码 starts with the portal's code, or its title names the county."""
        code = L.site_id(response)
        if code:
            return code[:6] == portal.code
        return portal.name in L.clean(response.xpath("//title/text()").get())

    def _on_site(self, url: str, portal: Portal) -> bool:
        return urlsplit(url).scheme in ("http", "https") and L.same_site(
            url, self.site_hosts[portal.code]
        )

    def _maybe_add_ip_host(self, url: str, portal: Portal) -> None:
        """Portals link to their own legacy hosts by bare IP (portals.md §3.1); accept those."""
        host = urlsplit(url).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return
        self.site_hosts[portal.code].add(host)
