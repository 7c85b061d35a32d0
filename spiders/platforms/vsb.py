"""VSB (博达) style sites (portals.md §1.7).

Lists page through ``span.p_next`` links whose numbers count down (``zfxxgknb/313.htm`` is page
two of 314); following the pager is enough. Attachments hide behind extension-less
``/system/_content/download.jsp?…wbfileid=…`` URLs that answer an HTML error page unless the
Referer is the article — the spider always sends it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .base import Follow, ListResult
from .generic import Generic


class Vsb(Generic):
    name = "vsb"

    def detect(self, response) -> bool:
        body = response.text[:200000] if hasattr(response, "text") else ""
        return bool(
            "_showDynClickBatch" in body
            or "/system/_content/download.jsp" in body
            or "p_next" in body
            or re.search(r"href=['\"][^'\"]*info/\d+/\d+\.htm", body)
        )

    def list_page(self, response) -> ListResult:
        result = super().list_page(response)
        nxt = response.css("span.p_next a::attr(href), a.Next::attr(href)").get()
        if nxt and not result.follow:
            result.follow.append(Follow(urljoin(response.url, nxt), "list"))
        return result
