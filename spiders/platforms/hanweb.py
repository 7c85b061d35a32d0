"""Hanweb (大汉) JCMS "jpage" columns (portals.md §1.1–1.2).

A column page carries its first records inside ``<script type="text/xml"><datastore>``; the
rest come from ``dataproxy.jsp``: the newer POST form (``startrecord``/``endrecord`` plus the
column's ``webid``/``unitid`` read from a ``param_…`` script) or the older GET ``?page=N`` found
in ``<nextgroup>``. Records come as CDATA or entity-escaped HTML, hrefs sometimes relative
without a leading slash. Some sites encrypt the parameters and answer an empty body: then only
the first page is dependable, and the portal is reported ``partial``.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector

from .. import links as L
from .base import Entry, Follow, ListResult
from .generic import Generic

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(
    r"<nextgroup>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.S | re.I
)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_TOTALPAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_PARAM = re.compile(r"var\s+param_\w+\s*=\s*\{(.*?)\}", re.S)
_KV = re.compile(r"(\w+)\s*:\s*['\"]?([^,'\"}]*)['\"]?")
_LOOSE = re.compile(r"(webid|unitid|columnid)\s*[:=]\s*['\"]?(\d+)", re.I)
CHUNK = 60  # records per dataproxy request


def _records(text: str, base: str) -> list[Entry]:
    # Record hrefs without a leading slash ("art/2024/…") are relative to the site root, not
    # to the column page: the jpage script prefixes them with "/" (portals.md §1.1).
    parts = urlsplit(base)
    root = f"{parts.scheme}://{parts.netloc}/"
    out: list[Entry] = []
    for cdata, escaped in _RECORD.findall(text):
        fragment = cdata or htmllib.unescape(escaped)
        sel = Selector(text=f"<div>{fragment}</div>")
        for link in L.links(sel, root):
            if len(link.text) >= 4:
                out.append(Entry(link.url, link.text, link.date, is_file=L.is_attachment(link.url)))
    return out


def _params(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    m = _PARAM.search(text)
    if m:
        found.update({k: v.strip() for k, v in _KV.findall(m.group(1))})
    for k, v in _LOOSE.findall(text):
        found.setdefault(k.lower(), v)
    return found


class Hanweb(Generic):
    name = "hanweb"

    def detect(self, response) -> bool:
        body = response.text[:200000] if hasattr(response, "text") else ""
        return (
            "/col/col" in response.url
            or "<datastore>" in body
            or "dataproxy.jsp" in body
            or "/module/download/downfile.jsp" in body
            or bool(re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", body))
        )

    def entry_points(self, response) -> list[Follow]:
        # The xxgk module renders any unit's report for any year (portals.md §1.2).
        out = []
        for link in L.links(response):
            if "xxgkAnnualReport.jsp" in link.url:
                out.append(Follow(link.url, "list"))
        return out

    def list_page(self, response) -> ListResult:
        text = response.text
        result = ListResult()
        store = _DATASTORE.search(text)
        if "xxgkAnnualReport.jsp" in response.url and "area=" not in response.url:
            return self._annual_report_units(response)
        if store is None:
            return super().list_page(response)
        result.entries = _records(store.group(1), response.url)
        # Visible items outside the datastore (some themes print the first page twice).
        result.entries += [
            e for e in super().list_page(response).entries if not e.url.endswith("#")
        ]
        params = _params(text)
        nextgroup = _NEXTGROUP.search(store.group(1))
        total = int(m.group(1)) if (m := _TOTAL.search(store.group(1))) else None
        got = len(_records(store.group(1), response.url))
        if total is not None and got >= total:
            return result
        if params.get("webid") and params.get("columnid"):
            result.follow.append(self._post(response.url, params, got + 1))
        elif nextgroup:
            href = (
                Selector(text=nextgroup.group(1) or htmllib.unescape(nextgroup.group(2)))
                .xpath("//a/@href")
                .get()
            )
            if href:
                result.follow.append(
                    Follow(urljoin(response.url, href), "api", meta={"hanweb": {"mode": "get"}})
                )
        return result

    def _post(self, page_url: str, params: dict[str, str], start: int) -> Follow:
        parts = urlsplit(page_url)
        query = urlencode({"startrecord": start, "endrecord": start + CHUNK - 1, "perpage": 20})
        form = {
            "col": params.get("col", "1"),
            "appid": params.get("appid", "1"),
            "webid": params["webid"],
            "path": params.get("path", "/"),
            "columnid": params["columnid"],
            "sourceContentType": "1",
            "unitid": params.get("unitid", ""),
            "webname": params.get("webname", ""),
            "permissiontype": "0",
        }
        return Follow(
            f"{parts.scheme}://{parts.netloc}/module/web/jpage/dataproxy.jsp?{query}",
            "api",
            method="POST",
            formdata=form,
            meta={
                "hanweb": {"mode": "post", "start": start, "params": params, "page_url": page_url}
            },
        )

    def api_page(self, response) -> ListResult:
        text = response.text
        state = response.meta.get("hanweb", {})
        result = ListResult(entries=_records(text, response.url))
        if not result.entries:
            if len(response.body) < 200:
                result.losses.append(
                    "Hanweb paging answered an empty body (encrypted parameters?): "
                    "only the records of the first page were read"
                )
            return result
        total = int(m.group(1)) if (m := _TOTAL.search(text)) else None
        if state.get("mode") == "post":
            nxt = state["start"] + CHUNK
            if total is None or nxt <= total:
                result.follow.append(self._post(state["page_url"], state["params"], nxt))
        else:
            pages = int(m.group(1)) if (m := _TOTALPAGE.search(text)) else None
            page = int(m.group(1)) if (m := re.search(r"[?&]page=(\d+)", response.url)) else 1
            if pages is None or page < pages:
                url = re.sub(r"([?&]page=)\d+", lambda mm: f"{mm.group(1)}{page + 1}", response.url)
                result.follow.append(Follow(url, "api", meta={"hanweb": {"mode": "get"}}))
        return result

    def _annual_report_units(self, response) -> ListResult:
        """The unit list of xxgkAnnualReport.jsp: every unit × year is a generated report."""
        result = ListResult()
        years = response.meta.get("years_range") or range(2019, 2025)
        for opt in response.xpath("//select/option[@value!='']"):
            area, unit = (
                opt.attrib.get("value", ""),
                L.clean(" ".join(opt.xpath(".//text()").getall())),
            )
            if not area or not unit:
                continue
            for year in years:
                url = urljoin(response.url, f"xxgkAnnualReport.jsp?area={area}&fbtime={year}")
                result.entries.append(Entry(url, f"{unit}{year}年政府信息公开工作年度报告"))
        return result
