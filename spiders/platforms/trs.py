"""TRS WCM static publishing (portals.md §1.4).

Pages are ``index.html``, ``index_1.html`` … whose count comes from ``var countPage = N`` or a
``createPageHTML(…)`` call (two signatures: ``(pages, cur, prefix, ext)`` and ``(records,
pages, cur, prefix, ext)``); some columns hold every item on page one and slice it with JS.
Attachments are ``./P0….pdf`` links, sometimes only inside a script (``var att = '<a …>'``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .base import Follow, ListResult
from .generic import Generic

_COUNT = re.compile(r"countPage\s*=\s*(\d+)")
_CREATE = re.compile(r"createPageHTML\(([^)]*)\)")


def page_urls(url: str, pages: int, prefix: str = "index", ext: str | None = None) -> list[str]:
    """index_1 … index_{pages-1} next to ``url`` (page 0 is index.<ext>)."""
    m = re.search(r"/(?:index(?:_\d+)?)?\.(s?html?)$", url)
    ext = ext or (m.group(1) if m else "html")
    return [urljoin(url, f"{prefix}_{n}.{ext}") for n in range(1, pages)]


class Trs(Generic):
    name = "trs"

    def detect(self, response) -> bool:
        body = response.text[:200000] if hasattr(response, "text") else ""
        return bool(
            "createPageHTML" in body
            or _COUNT.search(body)
            or "TRS_Editor" in body
            or re.search(r"\./\d{6}/t\d{8}_\d+", body)
        )

    def list_page(self, response) -> ListResult:
        result = super().list_page(response)
        if re.search(r"index_\d+\.s?html?$", response.url):
            result.follow = []  # the root page scheduled every page already
            return result
        text = response.text
        pages, prefix, ext = None, "index", None
        if m := _CREATE.search(text):
            args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
            ints = [int(a) for a in args if a.isdigit()]
            strs = [a for a in args if a and not a.isdigit()]
            if len(ints) >= 3:
                pages = ints[1]
            elif ints:
                pages = ints[0]
            if len(strs) >= 2:
                prefix, ext = strs[0], strs[1]
        elif m := _COUNT.search(text):
            pages = int(m.group(1))
        if pages and pages > 1:
            result.follow = [Follow(u, "list") for u in page_urls(response.url, pages, prefix, ext)]
        return result
