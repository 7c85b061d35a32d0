"""A plain long-tail portal (no recognisable platform): home → 政务公开 → 政府信息公开年报 list with
``list_N.html`` pages → article pages. Used on its own (the robots-disallowed district), behind
the challenge hosts, and for the bare-IP legacy host of the hostile county."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Decoy, Report
from ..pages import esc, page
from .base import Site
from .common import decoy_body, number_id, report_html

LIST_PAGE = 8


def add_minisite(
    site: Site,
    host: str,
    name: str,
    reports: Sequence[Report],
    decoys: Sequence[Decoy] = (),
    *,
    site_code: str = "0000000000",
    icp: str = "ICP备00000000号",
    base: str = "/zwgk/xxgknb/",
    charset: str = "utf-8",
) -> None:
    def wrap(title: str, body: str, meta: dict | None = None) -> str:
        return page(
            site=name,
            title=title,
            body=body,
            meta={"SiteName": name, "SiteIDCode": site_code, **(meta or {})},
            nav=[("首页", "/"), ("政务公开", "/zwgk/"), ("互动交流", "/hdjl/")],
            site_code=site_code,
            icp=icp,
            charset=charset,
        )

    items: list[tuple[str, Report | Decoy]] = []
    for rep in reports:
        path = f"{base}{rep.published:%Y%m}/{number_id(rep.id, 10000, 99999)}.html"
        doc = wrap(
            rep.title,
            f'<h1 class="article-title">{esc(rep.title)}</h1>'
            f'<div class="article-info">发布时间：{rep.published} '
            f"来源：{esc(rep.agency.name)}</div>"
            f'<div class="article-content">{report_html(rep)}</div>',
            {"ArticleTitle": rep.title, "PubDate": f"{rep.published} 09:00"},
        )
        site.register_report_page(
            rep, site.add(host, path, doc, last_modified=rep.published, charset=charset)
        )
        items.append((path, rep))
    for d in decoys:
        path = f"{base}{d.published:%Y%m}/{number_id(d.title, 10000, 99999)}.html"
        doc = wrap(
            d.title,
            f'<h1 class="article-title">{esc(d.title)}</h1>'
            f'<div class="article-content">{decoy_body(d, site.portal)}</div>',
            {"ArticleTitle": d.title},
        )
        site.register_decoy(
            d, site.add(host, path, doc, last_modified=d.published, charset=charset)
        )
        items.append((path, d))
    items.sort(key=lambda x: (x[1].published, x[1].title), reverse=True)
    n_pages = max(1, -(-len(items) // LIST_PAGE))
    for n in range(n_pages):
        chunk = items[n * LIST_PAGE : (n + 1) * LIST_PAGE]
        lis = "".join(
            f'<li><a href="{p}" target="_blank">{esc(it.title)}</a><span>{it.published}</span></li>'
            for p, it in chunk
        )
        links = " ".join(
            f'<a href="{base}{"index" if k == 0 else f"list_{k + 1}"}.html">{k + 1}</a>'
            for k in range(n_pages)
        )
        doc = wrap(
            "政府信息公开年报",
            f'<h2 class="list-title">政府信息公开年报</h2><div class="list"><ul>{lis}</ul></div>'
            f'<div class="pages">{links}</div>',
            {"ColumnName": "政府信息公开年报"},
        )
        newest = chunk[0][1].published if chunk else None
        target = f"{base}index.html" if n == 0 else f"{base}list_{n + 1}.html"
        site.add(host, target, doc, last_modified=newest, charset=charset)
        if n == 0:
            site.add(host, base, doc, last_modified=newest, charset=charset)
    site.add(
        host,
        "/zwgk/",
        wrap(
            "政务公开",
            f'<ul><li><a href="{base}">政府信息公开年报</a></li>'
            '<li><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></li></ul>',
        ),
        charset=charset,
    )
    site.add(host, "/zwgk/zfxxgkzn/", wrap("政府信息公开指南", "<p>指南正在更新。</p>"))
    site.add(
        host,
        "/",
        wrap(name, '<div class="entry"><a href="/zwgk/">政务公开</a></div>'),
        charset=charset,
    )
