"""Archetype 5: a long-tail VSB (博达)-style county, GBK throughout, per-year sub-columns
(portals.md §1.7, §1.9, §2.3, §2.4, §4.4, §4.7, §5.2 archetype 5).

* ``/xxgk/zfxxgknb.htm`` (newest items + year sub-columns) and ``/xxgk/zfxxgknb/{Y}.htm``; later
  pages are ``…/{N}.htm`` with **N counting down** (page 2 = total−1, last page = ``1.htm``),
  pager spans ``p_no_d`` / ``p_next p_fun`` / ``p_last p_fun`` / ``p_t``.
* Articles ``/info/{col}/{id}.htm`` with the 索引号/发文字号/发布机构/成文日期/发布日期 table,
  ``.v_news_content``, ``_showDynClickBatch(…,"wbnews",…)`` and 【下载Word】【下载PDF】 links under
  ``/system/resource/`` (disallowed by robots.txt).
* Attachments ``/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=&wbfileid=``:
  no extension; without a Referer naming the article → 200 + a ~5 KB HTML error page; with it →
  the file (DOCX, WPS = OLE bytes, OFD = zip, a scanned PDF, a PDF sent as ``text/html``),
  Content-Disposition with raw GBK bytes, Last-Modified but no ETag.
* A 图片版 report that is only ``<img>`` slices, and a report linked from the list straight to a
  PDF under ``/__local/``.
* Titles with abbreviated agencies (县政府办…), the 政务信息公开年度报告 variant; decoys
  住房公积金 / 法治政府建设 / 整体支出绩效评价报告 / 编制通知 in the same columns.
* GBK pages (``<meta charset=gbk>``, header without charset); robots.txt with ``Crawl-delay: 2``
  (× time scale) and ``Disallow: /system/resource/``.
"""

from __future__ import annotations

import datetime as dt

from ..content import ContentStore
from ..http import Request, Resource, Response, html, serve_resource
from ..model import Decoy, Portal, Report
from ..pages import esc, page
from .base import TLS_REFUSED, FarmState, Site
from .common import (
    decoy,
    decoy_body,
    finish,
    make_agencies,
    make_reports,
    number_id,
    report_html,
    short_hex,
)

HOST = "www.jiachuan.gov.cn.test"
SITE_CODE = "6108990001"
ROOT_PER_PAGE = 10
YEAR_PER_PAGE = 5
CHARSET = "gbk"
DOWNLOAD = "/system/_content/download.jsp"


def jiachuan(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990501",
        name="葭川县",
        province="陕西省",
        prefecture="榆林市",
        url=f"http://{HOST}/",
        archetype="vsb",
        outcome="ok",
        reason="VSB-style GBK site: count-down pagination, per-year sub-columns, Referer-gated "
        "extension-less downloads",
        hosts=[HOST],
        section="portals.md §1.7, §4.4, §4.7, §5.2 archetype 5",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "葭川县人民政府", "government", "葭川县"),
            ("office", "葭川县人民政府办公室", "office", "县政府办"),
            ("jyj", "葭川县教育局", "department", "县教育局"),
            ("wjj", "葭川县卫生健康局", "department", "县卫健局"),
            ("zjj", "葭川县住房和城乡建设局", "department", "县住建局"),
            ("ckz", "葭川县川口镇人民政府", "township", "川口镇"),
            ("swz", "葭川县石湾镇人民政府", "township", "石湾镇"),
        ],
    )
    make_reports(
        p,
        {
            "gov": range(2019, 2025),
            "office": range(2019, 2025),
            "jyj": range(2020, 2025),
            "wjj": range(2021, 2025),
            "zjj": range(2022, 2025),
            "ckz": range(2021, 2025),
            "swz": range(2022, 2025),
        },
        shapes={"office": "c", "jyj": "b", "wjj": "e", "ckz": "a", "swz": "c"},
        printed={"gov": "葭川县", "office": "县政府办", "wjj": "县卫健局", "ckz": "川口镇"},
    )
    for key, year, fmt, carrier in (
        ("gov", 2023, "pdf", "file-link"),
        ("office", 2023, "docx", "attachment"),
        ("jyj", 2022, "wps", "attachment"),
        ("wjj", 2023, "ofd", "attachment"),
        ("zjj", 2023, "scan_pdf", "attachment"),
        ("ckz", 2024, "pdf", "attachment"),
    ):
        r = p.report(key, year)
        r.fmt, r.carrier = fmt, carrier
    g = p.report("gov", 2022)
    g.fmt, g.carrier = "images", "images"
    g.title += "（图片版）"
    g.note = "图片版: the article is only <img> page slices"
    p.report("office", 2023).errors = ("t4_block_sum",)
    p.report("ckz", 2024).note = "download.jsp answers the PDF with Content-Type: text/html"
    p.decoys += [
        decoy(p, "housing_fund", 2023, dt.date(2024, 3, 20)),
        decoy(p, "rule_of_law", 2023, dt.date(2024, 3, 27)),
        decoy(p, "performance", 2023, dt.date(2024, 5, 15)),
        decoy(p, "notice", 2024, dt.date(2024, 12, 26)),
    ]
    return finish(p)


FORMAT_FILE = {
    "pdf": (".pdf", "pdf"),
    "docx": (".docx", "docx"),
    "wps": (".wps", "wps"),
    "ofd": (".ofd", "ofd"),
    "scan_pdf": (".scan.pdf", "pdf"),
}


class VsbSite(Site):
    server_header = "VWebServer"

    def build(self) -> None:
        delay = 2 * self.state.time_scale
        self.add_host(
            HOST,
            tls=TLS_REFUSED,
            robots=f"User-agent: *\nCrawl-delay: {delay:g}\nDisallow: /system/resource/\n",
            charset=CHARSET,
        )
        # wbfileid → (content name, display name, Content-Type, date, article path)
        self.downloads: dict[str, tuple[str, str, str, dt.date, str]] = {}
        items: list[tuple[str, Report | Decoy]] = []
        for rep in self.portal.reports:
            items.append((self._article(rep), rep))
        for d in self.portal.decoys:
            items.append((self._decoy_article(d), d))
        items.sort(key=lambda x: (x[1].published, x[1].title), reverse=True)
        years = sorted({_data_year(it) for _, it in items}, reverse=True)
        self.year_items = {y: [x for x in items if _data_year(x[1]) == y] for y in years}
        self._list("/xxgk/zfxxgknb", items, ROOT_PER_PAGE, "政府信息公开年报")
        for y, its in self.year_items.items():
            self._list(f"/xxgk/zfxxgknb/{y}", its, YEAR_PER_PAGE, f"{y}年")
        self._static()
        self.route(HOST, DOWNLOAD, self.download)
        self.route(
            HOST,
            r"/system/resource/.*",
            lambda req: html("导出失败，请稍后再试。".encode(CHARSET), charset=None),
        )

    def _page(self, title: str, body: str, meta: dict | None = None) -> bytes:
        m = {"SiteName": "葭川县人民政府", "SiteIDCode": SITE_CODE}
        m.update(meta or {})
        doc = page(
            site="葭川县人民政府",
            title=title,
            body=body,
            meta=m,
            nav=[
                ("首页", "/index.htm"),
                ("信息公开", "/xxgk.htm"),
                ("政务服务", "/zwfw.htm"),
                ("互动交流", "/hdjl.htm"),
            ],
            site_code=SITE_CODE,
            icp="陕ICP备99000006号",
            charset_meta='<META http-equiv="Content-Type" content="text/html; charset=GBK">',
        )
        return doc.encode(CHARSET)

    def _add(self, target: str, body: bytes, day: dt.date | None = None) -> str:
        return self.add(HOST, target, body, "text/html", last_modified=day)

    def _static(self) -> None:
        home = self._page(
            "葭川县人民政府",
            '<div class="xxgk-entry"><a href="/xxgk.htm">信息公开</a> '
            '<a href="/xxgk/zfxxgknb.htm">政府信息公开年报</a></div>',
        )
        self._add("/", home)
        self._add("/index.htm", home)
        self._add(
            "/xxgk.htm",
            self._page(
                "信息公开",
                '<div class="left-nav"><ul>'
                '<li><a href="xxgk/zfxxgkzn.htm">政府信息公开指南</a></li>'
                '<li><a href="xxgk/zfxxgkzd.htm">政府信息公开制度</a></li>'
                '<li><a href="xxgk/fdzdgknr.htm">法定主动公开内容</a></li>'
                '<li><a href="xxgk/zfxxgknb.htm">政府信息公开年报</a></li></ul></div>',
                {"ColumnName": "信息公开"},
            ),
        )
        for sub, name in (
            ("zfxxgkzn", "政府信息公开指南"),
            ("zfxxgkzd", "政府信息公开制度"),
            ("fdzdgknr", "法定主动公开内容"),
        ):
            self._add(f"/xxgk/{sub}.htm", self._page(name, "<ul></ul>", {"ColumnName": name}))

    def _pager(self, base: str, total: int, n_pages: int, cur: int) -> str:
        """VSB pager: page 1 = base.htm, page k>1 = base/{n_pages-k+1}.htm (counting down)."""
        name = base.rsplit("/", 1)[1]

        def href(k: int) -> str:
            # relative to the page being rendered (page 1 lives one directory up)
            if k == 1:
                return f"{name}.htm" if cur == 1 else f"../{name}.htm"
            return f"{name}/{n_pages - k + 1}.htm" if cur == 1 else f"{n_pages - k + 1}.htm"

        parts = [
            f'<span class="p_t">共{total}条</span>',
            f'<span class="p_t">{cur}/{n_pages}</span>',
        ]
        parts.append(
            '<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>'
            if cur == 1
            else f'<span class="p_first p_fun"><a href="{href(1)}">首页</a></span>'
            f'<span class="p_prev p_fun"><a href="{href(cur - 1)}">上页</a></span>'
        )
        for k in range(1, n_pages + 1):
            parts.append(
                f'<span class="p_no_d">{k}</span>'
                if k == cur
                else f'<span class="p_no"><a href="{href(k)}">{k}</a></span>'
            )
        if cur < n_pages:
            parts.append(f'<span class="p_next p_fun"><a href="{href(cur + 1)}">下页</a></span>')
            parts.append(f'<span class="p_last p_fun"><a href="{href(n_pages)}">尾页</a></span>')
        else:
            parts.append(
                '<span class="p_next_d p_fun_d">下页</span>'
                '<span class="p_last_d p_fun_d">尾页</span>'
            )
        return f'<table class="pager"><tr><td>{"".join(parts)}</td></tr></table>'

    def _list(self, base: str, items: list, per_page: int, title: str) -> None:
        n_pages = max(1, -(-len(items) // per_page))
        subs = "".join(
            f'<li><a href="/xxgk/zfxxgknb/{y}.htm">{y}年</a></li>' for y in self.year_items
        )
        ids = []
        for k in range(1, n_pages + 1):
            chunk = items[(k - 1) * per_page : k * per_page]
            rows = ""
            for href, it in chunk:
                lid = number_id(href, 1000, 9999)
                ids.append(str(lid))
                rows += (
                    f'<li id="line_u8_{lid}"><a href="{href}" target="_blank" '
                    f'title="{esc(it.title, quote=True)}">{esc(it.title)}</a>'
                    f"<span>{it.published:%Y/%m/%d}</span></li>"
                )
            body = (
                f'<div class="left-nav"><h3>政府信息公开年报</h3><ul>{subs}</ul></div>'
                f'<div class="list"><h3>{esc(title)}</h3><ul>{rows}</ul>'
                f"{self._pager(base, len(items), n_pages, k)}</div>"
            )
            target = f"{base}.htm" if k == 1 else f"{base}/{n_pages - k + 1}.htm"
            newest = chunk[0][1].published if chunk else None
            self._add(target, self._page(title, body, {"ColumnName": title}), newest)

    def _url_path(self, rep_key: str) -> tuple[int, int, str]:
        col = 1648
        art = number_id(rep_key, 40000, 99999)
        return col, art, f"/info/{col}/{art}.htm"

    def _meta(self, agency_name: str, idx: str, day: dt.date) -> str:
        return f"""<table class="xxgk-meta">
<tr><td>索引号：</td><td>{idx}</td><td>发文字号：</td><td></td></tr>
<tr><td>发布机构：</td><td>{esc(agency_name)}</td><td>成文日期：</td><td>{day.isoformat()}</td></tr>
<tr><td>发布日期：</td><td>{day.isoformat()}</td><td>公开方式：</td><td>主动公开</td></tr></table>"""

    def _article(self, rep: Report) -> str:
        col, art, path = self._url_path(rep.id)
        day = rep.published
        if rep.carrier == "file-link":
            h = short_hex(rep.id)
            fpath = f"/__local/{h[0].upper()}/{h[:2].upper()}/{h}.pdf"
            url = self.add(HOST, fpath, self.document(f"{rep.id}.pdf"), "application/pdf", day)
            rep.page_url = url
            rep.document_urls.append(url)
            return fpath
        body = report_html(rep)
        tools = (
            '<div class="export">'
            f'【<a href="/system/resource/code/news/newsword.jsp?wbnewsid={art}">下载Word</a>】'
            f'【<a href="/system/resource/code/news/newspdf.jsp?wbnewsid={art}">下载PDF</a>】'
            "</div>"
        )
        if rep.carrier == "images":
            imgs = self.content.names_for(rep.id)
            tags = ""
            for name in imgs:
                ipath = f"/__local/9/{short_hex(name, 2).upper()}/{short_hex(name)}.jpg"
                self.add(HOST, ipath, self.document(name), "image/jpeg", day)
                rep.document_urls.append(self.url(HOST, ipath))
                tags += (
                    f'<p style="text-align:center"><img src="{ipath}" width="700" border="0"></p>'
                )
            body, tools = tags, ""
        elif rep.carrier == "attachment":
            suffix, ext = FORMAT_FILE[rep.fmt]
            fileid = str(number_id(rep.id + "f", 1_000_000, 9_999_999))
            ctype = "text/html" if "text/html" in rep.note else "application/octet-stream"
            self.downloads[fileid] = (f"{rep.id}{suffix}", f"{rep.title}.{ext}", ctype, day, path)
            link = f"{DOWNLOAD}?urltype=news.DownloadAttachUrl&owner=1397052{col}&wbfileid={fileid}"
            rep.document_urls.append(self.url(HOST, link))
            body = (
                f"<p>{esc(rep.title)}全文请见附件。</p>"
                f'<ul style="list-style-type:none;"><li>附件【<a href="{link}" target="_blank">'
                f'{esc(rep.title)}.{ext}</a>】已下载<span id="nattach{fileid}">'
                f'<script language="javascript">getClickTimes({fileid},1397052{col},"wbnewsfile",'
                '"attach")</script></span>次</li></ul>'
            )
        idx = f"{rep.agency.credit_code}/{day.year}-{art % 10000:05d}"
        doc = self._page(
            rep.title,
            f"""<form name="_newscontent_fromname"><div class="article">
<h1 class="title">{esc(rep.title)}</h1>{self._meta(rep.agency.name, idx, day)}
<div class="info">发布时间：{day:%Y年%m月%d日}
点击数：<span id="dynclicks_wbnews_{art}_{col}"></span></div>
<div class="v_news_content">{body}</div>{tools}</div></form>
<script>_showDynClickBatch(['dynclicks_wbnews_{art}_{col}'],[{art}],"wbnews",
1397052{col})</script>""",
            {
                "ArticleTitle": rep.title,
                "PubDate": f"{day.isoformat()} 10:20",
                "ContentSource": rep.agency.name,
            },
        )
        self.register_report_page(rep, self._add(path, doc, day))
        return path

    def _decoy_article(self, d: Decoy) -> str:
        _, _, path = self._url_path(d.title)
        doc = self._page(
            d.title,
            f'<div class="article"><h1 class="title">{esc(d.title)}</h1>'
            f'<div class="v_news_content">{decoy_body(d, self.portal)}</div></div>',
            {"ArticleTitle": d.title},
        )
        self.register_decoy(d, self._add(path, doc, d.published))
        return path

    def download(self, req: Request) -> Response:
        fileid = req.query.get("wbfileid", "")
        info = self.downloads.get(fileid)
        referer = req.header("referer")
        if info is None or info[4] not in referer:
            # the real site answers 200 with a ~5 KB HTML error page (portals.md §1.7, [S26])
            msg = (
                "对不起，您访问的附件不存在或已经被删除！"
                if info is None
                else "非法下载请求，请从原文页面下载附件！"
            )
            pad = "<!-- " + "VSB " * 1100 + "-->"
            doc = f"""<html><head><META http-equiv="Content-Type" content="text/html; charset=GBK">
<title>提示信息</title></head><body><div style="margin:100px auto;width:500px;text-align:center">
<p>{msg}</p><p><a href="/">返回首页</a></p></div>{pad}</body></html>"""
            return html(doc.encode(CHARSET), charset=None)
        name, display, ctype, day, _ = info
        res = Resource(
            self.document(name),
            ctype,
            dt.datetime.combine(day, dt.time(10, 20)),
            etag=False,
            headers=[
                ("Content-Disposition", b'attachment; filename="' + display.encode(CHARSET) + b'"')
            ],
        )
        return serve_resource(req, res)


def _data_year(item: Report | Decoy) -> int:
    if isinstance(item, Report):
        return item.year
    return item.published.year - 1


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> VsbSite:
    return VsbSite(portal, content, state)
