"""Any portal: list entries are the content links, paging is the 下一页 link."""

from __future__ import annotations

import re

from .. import links as L
from .base import Adapter, Entry, Follow, ListResult

_PAGE_PARAM = re.compile(r"([?&](?:page|pageNum|pageNo|currentPage|curpage|p)=)(\d+)", re.I)


class Generic(Adapter):
    name = "generic"

    def detect(self, response) -> bool:
        return True

    def list_page(self, response) -> ListResult:
        result = ListResult()
        for link in L.links(response):
            if link.in_chrome or len(link.text) < 6:
                continue
            result.entries.append(
                Entry(link.url, link.text, link.date, is_file=L.is_attachment(link.url))
            )
        nxt = L.next_page(response)
        if nxt:
            result.follow.append(Follow(nxt, "list"))
        # Numbered pagers without a 下一页 link (duplicates are dropped by the scheduler).
        result.follow += [Follow(u, "list") for u in L.numbered_pages(response) if u != nxt]
        return result

    def attachments(self, response) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        anchors = [*L.links(response), *L.script_links(response)]
        anchors = [
            L.Link(L.unviewer(x.url, response.url), x.text, x.date, x.in_chrome) for x in anchors
        ]
        found = [*anchors, *L.embedded_links(response)]
        if not any(L.is_attachment(x.url) and not x.in_chrome for x in found):
            found += L.embedded_links(response, scripts=True)
        for link in found:
            if link.in_chrome or not (L.is_attachment(link.url) or L.names_a_file(link.text)):
                continue
            if re.search(r"\.(jpe?g|png|gif)(?:$|\?)", link.url, re.I) and not link.text:
                continue  # pictures in the page, not attached files
            url = L.canonical(link.url)
            if not seen.get(url):
                seen[url] = link.text
        # (TRS links also carry OLDSRC="/protect/…": the upload path of the same file, often
        # robots-disallowed; the href is its public address, so OLDSRC is not fetched.)
        return list(seen.items())


def numbered_pages(url: str, pages: int, start: int = 1) -> list[str]:
    """page=1 … page=N style URLs from one page URL."""
    if not _PAGE_PARAM.search(url):
        return []
    return [_PAGE_PARAM.sub(rf"\g<1>{n}", url) for n in range(start, pages + 1)]
