"""The registry spider: from the provincial portals down to every county's, by the links each
government site keeps to its children.

``nianbao registry discover`` (or ``scrapy crawl registry -a out=registry.csv``). Provincial
portals list their prefectures' portals and prefecture portals their counties' — in footer
友情链接 blocks, ``<select>`` jump menus, 政府网站 directory pages, site maps. A link's text is
matched to a unit only among the children of the government whose page it is on (homonyms
never by name alone); each candidate is visited and kept only if it says it is that unit's
portal (``crawler/registry/identity.py``), redirects followed to the live domain. Manners are
the crawl's: robots.txt, one request at a time per host, the delays, the proxy variables.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.registry import units as U
from crawler.registry.identity import verdict
from crawler.registry.output import Found, write_registry

from . import links as L
from .failures import why
from .scripts import node_links

logger = logging.getLogger(__name__)

# Pages where a government lists other governments' sites.
_DIRECTORY = re.compile(
    r"政府网站|网站群|网站导航|网站集群|县区|区县|市县|县市|旗县|乡镇|友情链接|网站地图|站点地图|"
    r"地方政府|各地|政府门户|下级"
)


class RegistrySpider(Spider):
    name = "registry"
    # No archive: the output is the registry CSV (no pipeline, no crawl-run record).
    custom_settings: ClassVar[dict] = {
        "ITEM_PIPELINES": {"crawler.pipelines.ArchivePipeline": None},
        "EXTENSIONS": {"crawler.extensions.CrawlRecorder": None},
    }

    def __init__(
        self,
        out: str = "registry.csv",
        seeds: str | None = None,
        check: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.out = out
        provinces = [p for p in (kwargs.get("province") or "").split(",") if p]
        # check: visit a registry's portals again, instead of walking the provinces
        self.check_rows = self._rows(check) if check else []
        self.seeds = [] if check else self._seeds(seeds, provinces)
        if check:
            self.scope = [U.units()[r["code"]] for r in self.check_rows if r["code"] in U.units()]
        else:  # every county of the provinces walked
            self.scope = [u for s in self.seeds for u in U.counties(s["unit"].name)]
        self.found: dict[str, list[Found]] = {}  # code → verified candidates
        self.failed: dict[str, list[str]] = {}  # code → why candidates failed
        self.requests_made = 0
        self.directories: set[str] = set()  # directory pages asked for
        self.candidates: set[tuple[str, str]] = set()  # (unit, URL) visited

    @staticmethod
    def _rows(path: str) -> list[dict]:
        import csv

        with open(path, encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    def _seeds(self, path: str | None, provinces: list[str]) -> list[dict]:
        rows = self._rows(path) if path else U.provincial_portals()
        out = []
        for row in rows:
            unit = U.province_named(row["province"])
            if unit is None:
                raise ValueError(f"unknown province {row['province']!r} in {path or 'the seeds'}")
            if provinces and unit.name not in provinces and row["province"] not in provinces:
                continue
            out.append({"unit": unit, "url": row["url"].strip()})
        return out

    async def start(self):
        for seed in self.seeds:
            yield self._directory(seed["url"], seed["unit"], depth=0, found_on="seed")
        for row in self.check_rows:
            unit = U.units().get(row["code"])
            if unit is None or not row.get("url"):
                continue
            link = L.Link(row["url"], row.get("link_text") or unit.name)
            for req in self._candidate(unit, link, row.get("found_on") or "registry"):
                yield req

    def _directory(self, url: str, parent: U.Unit, depth: int, found_on: str) -> Request:
        self.requests_made += 1
        return Request(
            url,
            callback=self.parse_directory,
            errback=self.directory_failed,
            meta={"parent": parent.code, "depth": depth, "found_on": found_on, "kind": "nav"},
        )

    # --- a government's pages: its children's links -------------------------------------------

    def parse_directory(self, response: Response):
        if not isinstance(response, TextResponse):
            return
        parent = U.units()[response.meta["parent"]]
        yield from self._children(response, parent, response.meta["depth"])

    def _children(self, response: TextResponse, parent: U.Unit, depth: int):
        """Candidates for the parent's children, and its pages that may list more of them."""
        kids = U.children(parent)
        here = urlsplit(response.url).hostname or ""
        links = [*L.links(response), *L.menu_links(response), *node_links(response)]
        for link in links:
            unit = U.match(link.text, kids)
            host = urlsplit(link.url).hostname or ""
            if unit is not None and host and host != here:
                yield from self._candidate(unit, link, response.url)
            elif host == here and self._directory_link(link, depth):
                self.directories.add(link.url)
                yield self._directory(link.url, parent, depth + 1, response.url)

    def _directory_link(self, link: L.Link, depth: int) -> bool:
        return depth < 2 and bool(_DIRECTORY.search(link.text)) and link.url not in self.directories

    def _candidate(self, unit: U.Unit, link: L.Link, found_on: str):
        key = (unit.code, L.canonical(link.url))
        if key in self.candidates:
            return
        self.candidates.add(key)
        self.requests_made += 1
        yield Request(
            link.url,
            callback=self.parse_candidate,
            errback=self.candidate_failed,
            dont_filter=True,
            meta={
                "unit": unit.code,
                "found_on": found_on,
                "link_text": link.text,
                "link_url": link.url,
                "kind": "home",
            },
        )

    # --- a candidate: is it the unit's portal? --------------------------------------------------

    def parse_candidate(self, response: Response):
        unit = U.units()[response.meta["unit"]]
        if not isinstance(response, TextResponse):
            self._fail(unit, f"{response.url}: not an HTML page")
            return
        title = L.clean(response.xpath("//title/text()").get())
        sid = L.site_id(response)
        v = verdict(unit, title, sid)
        if not v.ok:
            self._fail(unit, f"{response.meta['link_url']}: {v.reason}")
            return
        self.found.setdefault(unit.code, []).append(
            Found(
                unit=unit,
                url=_home(response.url),
                found_on=response.meta["found_on"],
                link_text=response.meta["link_text"],
                link_url=response.meta["link_url"],
                title=title,
                site_id=sid or "",
                verified_by=v.how,
                verified_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                confidence=v.confidence,
            )
        )
        if unit.level == "prefecture":  # a prefecture's portal lists its counties
            yield from self._children(response, unit, depth=0)

    def candidate_failed(self, failure: Failure):
        unit = U.units()[failure.request.meta["unit"]]
        self._fail(unit, f"{failure.request.meta['link_url']}: {why(failure)}")

    def directory_failed(self, failure: Failure):
        logger.info("directory page %s failed: %s", failure.request.url, why(failure))

    def _fail(self, unit: U.Unit, reason: str) -> None:
        self.failed.setdefault(unit.code, []).append(reason)

    def closed(self, reason: str) -> None:
        write_registry(self.out, self.scope, self.found, self.failed)
        logger.info(
            "registry: %d of %d counties verified, %d requests; written to %s",
            sum(1 for u in self.scope if u.code in self.found),
            len(self.scope),
            self.requests_made,
            self.out,
        )


def _home(url: str) -> str:
    """The portal's address as the registry keeps it: the final URL, without a fragment."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}" + (
        f"?{parts.query}" if parts.query else ""
    )
