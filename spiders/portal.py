"""The one registry-driven spider: home → 信息公开 → 年报 column(s) → lists → articles → documents.

``scrapy crawl portal -a registry=FILE -a portals=CODE,CODE -a years=2021-2024`` (or ``nianbao
crawl``). Every portal is walked the same way; what differs between platform families lives in
``spiders/platforms`` and is chosen by fingerprinting each page. Every portal ends with an
outcome in ``portals.status`` (``spiders/ledger.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from scrapy import FormRequest, Request, Spider
from scrapy.http import Response, TextResponse

from crawler.browser import render_meta
from crawler.registry import Portal, load_registry, parse_years

from . import links as L
from .documents import PRIORITY_DOCUMENT, DocumentsMixin, fetched, page_pictures
from .failures import FailuresMixin
from .learning import LearningMixin
from .ledger import Ledger
from .navigation import NavigationMixin
from .platforms import ADAPTERS, Adapter, Entry, Follow, ListResult, detect
from .recognize import classify_title, place_of
from .rendering import RenderingMixin, answered_json
from .scripts import node_links
from .shells import looks_like_shell, script_pager, shell_signs

logger = logging.getLogger(__name__)

PRIORITY = {
    "document": PRIORITY_DOCUMENT,
    "article": 20,
    "api": 12,
    "endpoint": 12,
    "list": 10,
    "script": 10,
    "column": 5,
    "nav": 0,
}


class PortalSpider(
    NavigationMixin, LearningMixin, RenderingMixin, DocumentsMixin, FailuresMixin, Spider
):
    name = "portal"

    def __init__(
        self,
        registry: str | None = None,
        portals: str | None = None,
        years: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        codes = [c.strip() for c in (portals or "").split(",") if c.strip()] or None
        self.portals: list[Portal] = load_registry(registry, codes)
        self.registry_path = str(Path(registry).resolve())
        self.years_spec = years or ""
        self.years = parse_years(years)
        self.by_code = {p.code: p for p in self.portals}
        self.ledger = {p.code: Ledger(p.code, p.platform) for p in self.portals}
        self.site_hosts = {p.code: {p.host} for p in self.portals}
        self.home_print: dict[str, tuple[str, frozenset]] = {}
        self.columns: dict[str, dict] = {}  # column root → paging state
        self.script_wait: dict[str, dict] = {}  # list URL → pending script probes
        self.rendered: set[tuple] = set()  # (URL, click, next clicks) rendered already
        self.probed: dict[str, set[str]] = {}  # portal → other hosts visited to check identity
        self.pager_rendered: set[str] = set()  # columns whose script pager was turned already
        self.known_endpoints: set[str] = set()  # columns whose learned endpoint is called

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        s = crawler.settings
        kwargs.setdefault("registry", s.get("NIANBAO_REGISTRY") or None)
        kwargs.setdefault("portals", s.get("NIANBAO_PORTALS") or None)
        kwargs.setdefault("years", s.get("NIANBAO_YEARS") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = s.getint("NIANBAO_MAX_PAGES_PER_PORTAL")
        spider.max_list_pages = s.getint("NIANBAO_MAX_LIST_PAGES")
        spider.empty_to_stop = s.getint("NIANBAO_EMPTY_PAGES_TO_STOP")
        spider.nav_depth = s.getint("NIANBAO_NAV_DEPTH")
        spider.browser = s.getbool("NIANBAO_BROWSER")
        spider.max_files = s.getint("NIANBAO_MAX_FILES_PER_ARTICLE")
        spider.sniff_bytes = s.getint("NIANBAO_SNIFF_BYTES")
        return spider

    # --- requests -----------------------------------------------------------------------------

    def _meta(self, portal: Portal, kind: str, **extra) -> dict:
        meta = {"portal": portal.code, "kind": kind, **extra}
        if portal.robots == "ignore":
            meta["dont_obey_robotstxt"] = True
        if self.years:
            meta["years_range"] = range(self.years[0], self.years[1] + 1)
        return meta

    def _page(self, portal: Portal, follow: Follow, callback, **extra) -> Request | None:
        """A page request within the portal's budget (the guard against pagination traps)."""
        ledger = self.ledger[portal.code]
        if ledger.pages >= self.max_pages:
            ledger.lose(f"page budget of {self.max_pages} exhausted")
            return None
        ledger.pages += 1
        self.crawler.stats.inc_value(f"nianbao/pages/{portal.code}")
        meta = self._meta(portal, follow.kind, **follow.meta, **extra)
        column = follow.meta.get("column", follow.url)
        if portal.js and follow.kind in ("column", "list") and self.browser:
            # the registry says its lists need a browser (unless an endpoint was learned)
            follow.playwright = follow.playwright or column not in self.known_endpoints
        if follow.playwright:
            ledger.rendered += 1
            self.crawler.stats.inc_value(f"nianbao/rendered/{portal.code}")
            spec = meta.pop("render_spec", {})
            meta.update(render_meta(follow.url, self.site_hosts[portal.code], **spec))
        kwargs = {
            "callback": callback,
            "errback": self.page_failed,
            "meta": meta,
            "priority": PRIORITY.get(follow.kind, 0),
            "headers": follow.headers,
        }
        # A page's scripts are read once per list page: each page names its own channel.
        kwargs["dont_filter"] = follow.kind == "script"
        if follow.method == "POST" and follow.body is not None:
            return Request(follow.url, method="POST", body=follow.body, **kwargs)
        if follow.method == "POST":
            return FormRequest(follow.url, formdata=follow.formdata or {}, **kwargs)
        return Request(follow.url, **kwargs)

    async def start(self):
        for portal in self.portals:
            if portal.robots == "ignore":
                logger.warning("portal %s: robots.txt is ignored (registry override)", portal.code)
            yield Request(
                portal.url,
                callback=self.parse_home,
                errback=self.home_failed,
                meta=self._meta(portal, "home"),
                dont_filter=True,
                priority=-10,
            )
            for req in self._learned_requests(portal):
                yield req

    # --- home and navigation ---------------------------------------------------------------------

    def _portal(self, response_or_failure) -> Portal:
        meta = (
            response_or_failure.meta
            if hasattr(response_or_failure, "meta")
            else (response_or_failure.request.meta)
        )
        return self.by_code[meta["portal"]]

    def _adapter(self, response: Response, portal: Portal) -> Adapter:
        adapter = ADAPTERS.get(portal.platform) if portal.platform else None
        adapter = adapter or detect(response)
        ledger = self.ledger[portal.code]
        if adapter.name != "generic" and ledger.platform in ("", "generic"):
            ledger.platform = adapter.name
        return adapter

    # --- columns and lists -----------------------------------------------------------------------

    def parse_column(self, response: Response):
        portal = self._portal(response)
        if not isinstance(response, TextResponse) or self._soft_404(response, portal):
            return
        ledger = self.ledger[portal.code]
        column = response.meta.get("column") or response.url
        ledger.columns.add(column)
        if answered_json(response):  # a list URL that answers JSON: read like any endpoint
            yield from self.parse_endpoint(response)
            return
        adapter = self._adapter(response, portal)
        result = adapter.list_page(response)
        rendered = bool(response.meta.get("render"))
        if rendered:
            more = self._rendered(response, portal, column)
            result.entries += more.entries
            result.follow += more.follow
        else:
            result.follow += [
                Follow(x.url, "list", meta={"column": column})
                for x in L.menu_links(response)
                if self._on_site(x.url, portal) and x.url != response.url  # a framed list
            ]
        reports = any(classify_title(e.title).is_report for e in result.entries)
        if not reports and not rendered:
            yield from self._empty_list(response, portal, column, adapter, result)
        elif reports and self._script_paged(response, column, result):
            # Later pages only a script can reach (a javascript: pager, a pager a script
            # writes): once per column, turn them in the browser.
            self.pager_rendered.add(column)
            clicks = self.max_list_pages
            yield from self._render(response, portal, column, next_clicks=clicks, why="pager")
        yield from self._take(result, response, portal, column, adapter)
        if response.meta.get("kind") == "column":
            for link in [*L.links(response), *L.script_nav_links(response), *node_links(response)]:
                if (
                    self._on_site(link.url, portal)
                    and (L.is_subcolumn(link.text) or L.is_annual_column(link.text))
                    and not L.is_attachment(link.url)
                ):
                    follow = Follow(link.url, "column", meta={"column": link.url})
                    if req := self._page(portal, follow, self.parse_column):
                        yield req

    def _script_paged(self, response, column: str, result: ListResult) -> bool:
        """No page link in the markup, but a pager that scripts run (not turned yet)."""
        if column in self.pager_rendered or (response.meta.get("render") or {}).get("next_clicks"):
            return False
        if any(f.kind in ("list", "api", "endpoint") for f in result.follow):
            return False
        return script_pager(response)

    def _empty_list(self, response, portal: Portal, column: str, adapter: Adapter, result):
        """A list page that lists no report: an API the adapter knows, a script that names one,
        or — whatever the family — a shell that fills itself: rendered (the empty-shell rule)."""
        api = [f for f in result.follow if f.kind in ("api", "endpoint")]
        if api:
            return
        if adapter.name == "jsonapi":
            scripts = [f for f in result.follow if f.kind == "script"]
            if scripts:  # the fast path: the endpoint named in the page's own scripts
                self.script_wait[response.url] = {
                    "pending": len(scripts),
                    "found": False,
                    "column": column,
                }
                return
        if column in self.known_endpoints:
            return  # its learned endpoint is called directly
        if looks_like_shell(response):
            why = "; ".join(shell_signs(response))
            yield from self._render(response, portal, column, why=why)

    def parse_script(self, response: Response):
        portal = self._portal(response)
        list_url = response.meta.get("list_url", "")
        wait = self.script_wait.get(list_url)
        result = (
            ADAPTERS["jsonapi"].script(response)
            if isinstance(response, TextResponse)
            else ListResult()
        )
        if wait is not None:
            wait["pending"] -= 1
            wait["found"] = wait["found"] or bool(result.follow)
        yield from self._take(
            result, response, portal, response.meta.get("column") or list_url, ADAPTERS["jsonapi"]
        )
        if wait is not None and wait["pending"] <= 0 and not wait["found"]:
            wait["found"] = True  # once
            follow = Follow(list_url, "list", playwright=True, meta={"column": wait["column"]})
            if self.browser and (req := self._page(portal, follow, self.parse_column)):
                yield req.replace(dont_filter=True)

    def parse_api(self, response: Response):
        portal = self._portal(response)
        adapter = ADAPTERS[response.meta.get("adapter", "generic")]
        yield from self._take(
            adapter.api_page(response),
            response,
            portal,
            response.meta.get("column") or response.url,
            adapter,
        )

    def _take(self, result: ListResult, response, portal: Portal, column: str, adapter: Adapter):
        ledger = self.ledger[portal.code]
        for loss in result.losses:
            ledger.lose(loss)
        state = self.columns.setdefault(column, {"pages": 0, "streak": 0})
        new = yield from self._entries(result.entries, response, portal, column)
        self._learn_from(response, portal, column, new)
        if response.meta.get("kind") != "script":  # a script probe is not a page of the list
            state["pages"] += 1
            state["streak"] = 0 if new else state["streak"] + 1
        for follow in result.follow:
            if follow.kind in ("list", "api", "endpoint"):
                if state["pages"] >= self.max_list_pages:
                    ledger.lose(f"column {column} stopped after {self.max_list_pages} pages")
                    break
                if state["streak"] >= self.empty_to_stop and not follow.playwright:
                    break  # several pages without a new report: the end, or a trap
            callback = {
                "api": self.parse_api,
                "endpoint": self.parse_endpoint,
                "script": self.parse_script,
                "column": self.parse_column,
                "nav": self.parse_nav,
            }.get(follow.kind, self.parse_column)
            follow.meta.setdefault("column", column)
            extra = {"adapter": adapter.name} if follow.kind in ("api", "script") else {}
            if req := self._page(portal, follow, callback, **extra):
                yield req

    def _entries(self, entries: Iterable[Entry], response, portal: Portal, column: str | None):
        """Report candidates among list entries → article or document requests.

        Returns (via ``yield from``) how many new candidates were found.
        """
        ledger = self.ledger[portal.code]
        new = 0
        for entry in entries:
            cand = classify_title(entry.title)
            if not cand.is_report:
                continue
            if place_of(cand.agency, portal.name, portal.prefecture, portal.province) != "own":
                logger.debug("not this county's report: %s", entry.title)
                continue
            if self.years and cand.year and not self.years[0] <= cand.year <= self.years[1]:
                continue
            url = L.canonical(entry.url)
            if not entry.is_file and not self._on_site(url, portal):
                logger.debug("report link off the portal (mirror?): %s", url)
                continue
            if url in ledger.candidates:
                continue
            ledger.candidates.add(url)
            new += 1
            hints = {
                "listed_title": entry.title,
                "agency": cand.agency,
                "year": cand.year,
                "published": entry.date,
            }
            if entry.is_file:
                yield from self._document(portal, url, entry.title, response.url, hints)
            else:
                # An article page may be the report itself: ask for it conditionally, like a
                # document (a 304 is answered from the store and parsed as usual).
                meta = {"hints": hints, "files": entry.attachments, "document": True}
                follow = Follow(url, "article", meta=meta)
                if req := self._page(portal, follow, self.parse_article):
                    yield req
        return new

    # --- articles and documents ------------------------------------------------------------------

    def parse_article(self, response: Response):
        portal = self._portal(response)
        hints = response.meta.get("hints", {})
        if not isinstance(response, TextResponse):
            # The "article" link was a file after all (extension-less download URL).
            yield self._item(
                response, portal, hints, page_url=response.request.headers.get("Referer")
            )
            return
        yield from self._columns_named(response, portal)
        adapter = self._adapter(response, portal)
        listed = [
            e for e in adapter.list_page(response).entries if classify_title(e.title).is_report
        ]
        markers = L.report_markers(" ".join(response.xpath("//body//text()").getall()))
        if len({e.url for e in listed}) >= 2 and markers < 3:
            # A "report" link that leads to a list of reports (往年年报 → an old channel).
            follow = Follow(response.url, "column", meta={"column": response.url})
            if req := self._page(portal, follow, self.parse_column):
                yield req.replace(dont_filter=True)
            return
        files = dict(response.meta.get("files") or ())
        files.update(dict(adapter.attachments(response)))
        files = {u: n for u, n in files.items() if not classify_title(n).reason.startswith("decoy")}
        pictures = page_pictures(response) if not files and markers == 0 else []
        if pictures:
            # 图片版: the report is the pictures of its pages. Fetch them in order, one at a time.
            yield self._picture_request(
                portal, hints, response.url, fetched(response), pictures, []
            )
            return
        if markers >= 3 or not files:
            # The page is the report (or, with no attachment, the only candidate for one).
            yield self._item(response, portal, hints, page_url=response.url)
        for url, name in list(files.items())[: self.max_files]:
            yield from self._document(portal, L.canonical(url), name, response.url, hints)
