"""The running Hanweb JCMS site: columns, the datastore and its two paging endpoints,
articles, downfile.jsp attachments, the xxgk annual-report module and site search.

Built from a portal of :mod:`.portals` and its :class:`~.portals.HanwebConfig`; what each URL
answers is described in the package docstring and docs/farm.md.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
from urllib.parse import quote

from ...content import ContentStore
from ...http import Request, Resource, Response, html, redirect, serve_resource
from ...model import Decoy, Portal, Report
from ...pages import esc, page
from ..base import TLS_OK, FarmState, Site
from ..common import decoy_body, number_id, report_html, short_hex
from .portals import CONFIGS, PERPAGE

JPAGE_JS = """/* jquery.jpage.js (farm build): renders <datastore> records and a pager */
(function(){
  var boxes = document.querySelectorAll('script[type="text/xml"]');
  for (var i = 0; i < boxes.length; i++) {
    var xml = boxes[i].textContent, out = [];
    var re = new RegExp('<record><!\\\\[CDATA\\\\[([\\\\s\\\\S]*?)\\\\]\\\\]></record>' +
                        '|<record>([\\\\s\\\\S]*?)</record>', 'g'), m;
    while ((m = re.exec(xml))) {
      if (m[1] !== undefined) { out.push(m[1]); }
      else { var t = document.createElement('textarea'); t.innerHTML = m[2]; out.push(t.value); }
    }
    var ul = document.createElement('ul'); ul.className = 'jpage-list';
    ul.innerHTML = out.join('');
    boxes[i].parentNode.appendChild(ul);
  }
})();
"""


class HanwebSite(Site):
    server_header = "nginx"

    def __init__(self, portal: Portal, content: ContentStore, state: FarmState) -> None:
        self.cfg = CONFIGS[portal.code]
        super().__init__(portal, content, state)

    def prefers_https(self, host: str) -> bool:
        return self.cfg.https

    # ---- build ------------------------------------------------------------------------

    def build(self) -> None:
        c = self.cfg
        p = self.portal
        self.add_host(c.host, tls=TLS_OK if c.https else "refused")
        self.items: list[Report | Decoy] = [
            x for x in (*p.reports, *p.decoys) if not (isinstance(x, Decoy) and x.kind == "budget")
        ]
        self.items.sort(key=lambda x: (x.published, getattr(x, "id", x.title)), reverse=True)
        self.art_url: dict[int, str] = {}
        self.files: dict[str, tuple[str, str, dt.date]] = {}  # filename → (content, name, date)
        ids: set[int] = set()
        for item in self.items:
            key = item.id if isinstance(item, Report) else item.title
            art = number_id(key, 60000, 99999)
            assert art not in ids, key
            ids.add(art)
            d = item.published
            self.art_url[id(item)] = f"/art/{d.year}/{d.month}/{d.day}/art_{c.col_nb}_{art}.html"
        for item in self.items:
            if isinstance(item, Report):
                self._article(item)
            else:
                self._decoy_article(item, self.art_url[id(item)], c.col_nb)
        self._home()
        self._columns()
        self.add(c.host, "/script/jquery.jpage.js", JPAGE_JS, "application/javascript")
        self.route(c.host, r"/module/jpage/dataproxy\.jsp", self.dataproxy_get)
        self.route(
            c.host,
            r"/module/web/jpage/dataproxy\.jsp",
            self.dataproxy_post,
            methods=("POST", "GET", "HEAD"),
        )
        self.route(c.host, r"/module/download/downfile\.jsp", self.downfile)
        self.route(c.host, r"/col/col\d+/index\.html", self.column_page)
        if not c.encrypted:
            self.route(c.host, r"/module/xxgk/xxgkAnnualReport\.jsp", self.annual_report)
            self.route(c.host, r"/jrobot/search\.do", self.search)

    def before(self, req: Request) -> Response | None:
        if self.cfg.https and req.scheme == "http":
            return redirect(f"https://{req.host}{req.target}", 301)
        return None

    def _page(self, title: str, body: str, meta: dict | None = None, crumbs=()) -> str:
        c = self.cfg
        nav = [
            ("首页", "/"),
            ("政务公开", f"/col/col{c.col_root}/index.html"),
            ("政务服务", f"/col/col{c.col_root + 50}/index.html"),
            ("互动交流", f"/col/col{c.col_root + 60}/index.html"),
            (f"走进{self.portal.name}", f"/col/col{c.col_root + 70}/index.html"),
        ]
        m = {
            "SiteName": f"{self.portal.name}人民政府",
            "SiteDomain": c.host,
            "SiteIDCode": c.site_code,
        }
        m.update(meta or {})
        return page(
            site=f"{self.portal.name}人民政府",
            title=title,
            body=body,
            meta=m,
            nav=nav,
            crumbs=crumbs,
            site_code=c.site_code,
            icp=c.icp,
        )

    def _home(self) -> None:
        c = self.cfg
        news = "".join(
            f'<li><a href="/art/2025/3/{d}/art_{c.col_root + 1}_{500 + d}.html">'
            f"{self.portal.name}召开第{d}次常务会议</a><span>2025-03-{d:02d}</span></li>"
            for d in (3, 12, 24)
        )
        for d in (3, 12, 24):
            self.add(
                c.host,
                f"/art/2025/3/{d}/art_{c.col_root + 1}_{500 + d}.html",
                self._page(
                    f"{self.portal.name}召开第{d}次常务会议",
                    "<div id='zoom'><p>会议研究了近期重点工作。</p></div>",
                ),
            )
        body = f"""<div class="home-news"><h3>政务动态</h3><ul>{news}</ul></div>
<div class="home-links"><h3>政务公开</h3><ul>
<li><a href="/col/col{c.col_root}/index.html">政府信息公开</a></li>
<li><a href="/col/col{c.col_nb}/index.html">政府信息公开年报</a></li>
</ul></div>"""
        self.add(c.host, "/", self._page(f"{self.portal.name}人民政府", body))
        self.add(c.host, "/index.html", self._page(f"{self.portal.name}人民政府", body))

    def _columns(self) -> None:
        c = self.cfg
        links = [
            ("政府信息公开指南", c.col_root + 1),
            ("政府信息公开制度", c.col_root + 2),
            ("法定主动公开内容", c.col_root + 3),
            ("政府信息公开年报", c.col_nb),
            ("财政预决算", c.col_root + 30),
        ]
        if not c.encrypted:
            links.insert(4, ("政府信息公开年报查询", c.col_nb + 1))
        lis = "".join(f'<li><a href="/col/col{i}/index.html">{t}</a></li>' for t, i in links)
        self.simple_columns = {
            c.col_root: ("政府信息公开", f'<div class="xxgk-nav"><ul>{lis}</ul></div>'),
            c.col_root + 1: ("政府信息公开指南", "<ul></ul>"),
            c.col_root + 2: ("政府信息公开制度", "<ul></ul>"),
            c.col_root + 3: ("法定主动公开内容", "<ul></ul>"),
            c.col_root + 50: ("政务服务", "<ul></ul>"),
            c.col_root + 60: ("互动交流", "<ul></ul>"),
            c.col_root + 70: (f"走进{self.portal.name}", "<ul></ul>"),
        }
        budget = [d for d in self.portal.decoys if d.kind == "budget"]
        items = ""
        for d in budget:
            day = d.published
            art = number_id(d.title, 10000, 20000)
            url = f"/art/{day.year}/{day.month}/{day.day}/art_{c.col_root + 30}_{art}.html"
            self._decoy_article(d, url, c.col_root + 30)
            items += f'<li><a href="{url}">{esc(d.title)}</a><span>{d.published}</span></li>'
        self.simple_columns[c.col_root + 30] = ("财政预决算", f"<ul>{items}</ul>")
        if not c.encrypted:
            opts = "".join(
                f'<option value="{a.credit_code}">{esc(a.name)}</option>'
                for a in self.portal.agencies
                if a.kind == "township"
            )
            years = "".join(f"<option>{y}</option>" for y in range(2024, 2018, -1))
            form = f"""<form action="/module/xxgk/xxgkAnnualReport.jsp" method="get" id="nbForm">
<label>单位：</label><select name="area">{opts}</select>
<label>年度：</label><select name="fbtime">{years}</select>
<input type="submit" value="查询"></form>"""
            self.simple_columns[c.col_nb + 1] = ("政府信息公开年报查询", form)

    # ---- the 年报 column and its paging ---------------------------------------------------

    def _record(self, item: Report | Decoy, index: int) -> str:
        href = self.art_url[id(item)]
        if index % 7 == 3:  # some sites hand out relative hrefs without the leading slash
            href = href.lstrip("/")
        t = esc(item.title, quote=True)
        short = item.title if len(item.title) <= 26 else item.title[:25] + "…"
        li = (
            f'<li><a href="{href}" title="{t}" target="_blank">{esc(short)}</a>'
            f"<span>{item.published.isoformat()}</span></li>"
        )
        if index % 2 == 0:
            return f"<record><![CDATA[{li}]]></record>"
        return f"<record>{htmllib.escape(li, quote=False)}</record>"

    def _params(self) -> tuple[str, str]:
        c = self.cfg
        if c.encrypted:
            return "UgJ9Vn8CN0F1aAt0", "Wm5TYwFoBDM4"
        return str(c.col_nb), str(c.unitid)

    def _nextgroup(self, page_no: int) -> str:
        c = self.cfg
        col, unit = self._params()
        webname = quote(f"{self.portal.name}人民政府")
        return (
            f'<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page={page_no}&appid=1'
            f"&webid={c.webid}&path=/&columnid={col}&unitid={unit}&webname={webname}"
            f'&permissiontype=0"></a>]]></nextgroup>'
        )

    def _datastore(self, start: int, end: int, next_page: int | None) -> str:
        """Records start..end (0-based, exclusive end)."""
        recs = "\n".join(
            self._record(it, i) for i, it in enumerate(self.items[start:end], start=start)
        )
        total = len(self.items)
        pages = -(-total // PERPAGE)
        nxt = self._nextgroup(next_page) if next_page is not None else ""
        return (
            f"<datastore>\n{nxt}\n<totalrecord>{total}</totalrecord>\n"
            f"<totalpage>{pages}</totalpage>\n<recordset>\n{recs}\n</recordset>\n</datastore>"
        )

    def column_page(self, req: Request) -> Response:
        c = self.cfg
        col = int(req.path.split("/")[2][3:])
        if col in self.simple_columns:
            name, body = self.simple_columns[col]
            return self._static_page(req, self._page(name, body, {"ColumnName": name}))
        if col != c.col_nb:
            return self.not_found(req)
        page_num = 1
        q = req.query
        if not c.encrypted and q.get("uid") == str(c.unitid) and q.get("pageNum", "").isdigit():
            page_num = max(1, int(q["pageNum"]))
        start = (page_num - 1) * PERPAGE
        more = start + PERPAGE < len(self.items)
        ds = self._datastore(start, start + PERPAGE, page_num if more else None)
        col_s, unit_s = self._params()
        body = f"""<div class="list-title">政府信息公开年报</div>
<div id="{c.unitid}">
<script type="text/xml">{ds}</script>
</div>
<script type="text/javascript">var param_{c.unitid}={{col:1,webid:{c.webid},path:'/',
columnid:'{col_s}',unitid:'{unit_s}',webname:'{self.portal.name}人民政府',permissiontype:0}};</script>
<script type="text/javascript" src="/script/jquery.jpage.js"></script>"""
        doc = self._page(
            f"政府信息公开年报 - {self.portal.name}人民政府",
            body,
            {"ColumnName": "政府信息公开年报", "ColumnType": "政府信息公开年报"},
            crumbs=[
                ("首页", "/"),
                ("政府信息公开", f"/col/col{c.col_root}/index.html"),
                ("政府信息公开年报", f"/col/col{c.col_nb}/index.html"),
            ],
        )
        return self._static_page(req, doc)

    def _static_page(self, req: Request, doc: str) -> Response:
        newest = max((x.published for x in self.items), default=dt.date(2025, 3, 31))
        lm = dt.datetime.combine(newest, dt.time(17, 0))
        return serve_resource(req, Resource(doc.encode(), "text/html; charset=utf-8", lm))

    def _empty54(self) -> Response:
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n<datastore/>\n'
        body = body.ljust(54, b" ")
        assert len(body) == 54
        return Response(200, [("Content-Type", "text/xml;charset=UTF-8")], body)

    def _params_ok(self, params: dict[str, str]) -> bool:
        c = self.cfg
        return params.get("columnid") == str(c.col_nb) and params.get("unitid") == str(c.unitid)

    def dataproxy_get(self, req: Request) -> Response:
        if self.cfg.encrypted:
            return self._empty54()
        q = req.query
        if not self._params_ok(q) or not q.get("page", "").isdigit():
            return self._xml(self._datastore(0, 0, None))
        k = int(q["page"])
        start = k * PERPAGE
        more = start + PERPAGE < len(self.items)
        return self._xml(self._datastore(start, start + PERPAGE, k + 1 if more else None))

    def dataproxy_post(self, req: Request) -> Response:
        if self.cfg.encrypted:
            return self._empty54()
        params = req.params
        if not self._params_ok(params):
            return self._xml(self._datastore(0, 0, None))
        try:
            start = max(1, int(params.get("startrecord", "1")))
            end = int(params.get("endrecord", str(start + PERPAGE - 1)))
        except ValueError:
            return self._xml(self._datastore(0, 0, None))
        return self._xml(self._datastore(start - 1, end, None))

    @staticmethod
    def _xml(text: str) -> Response:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()
        return Response(200, [("Content-Type", "text/xml;charset=UTF-8")], body)

    # ---- articles and attachments ------------------------------------------------------

    def _meta_table(self, rep: Report, seq: int) -> str:
        a = rep.agency
        idx = f"{a.credit_code}/{rep.published.year}-{seq:05d}"
        return f"""<table class="xxgk_table" id="xxgkMeta">
<tr><td colspan="4" class="xxgk_title">信息公开元数据</td></tr>
<tr><th>索引号</th><td>{idx}</td><th>发布机构</th><td>{esc(a.name)}</td></tr>
<tr><th>公开方式</th><td>主动公开</td><th>发布日期</th><td>{rep.published.isoformat()}</td></tr>
<tr><th>组配分类</th><td>政府信息公开年报</td><th>文号</th><td></td></tr>
</table>"""

    def _article(self, rep: Report) -> None:
        c = self.cfg
        url = self.art_url[id(rep)]
        seq = number_id(rep.id, 1000, 99999)
        source = rep.agency.short if rep.agency.kind == "department" else rep.agency.name
        files = ""
        if rep.carrier == "attachment":
            ext = {"pdf": "pdf", "doc": "doc", "docx": "docx"}[rep.fmt]
            fname = f"{short_hex(rep.id)}.{ext}"
            content = f"{rep.id}.{ext}"
            if rep.revised:
                content = f"{rep.id}.rev.pdf"
            self.files[fname] = (content, f"{rep.title}.{ext}", rep.published)
            link = f"/module/download/downfile.jsp?classid=0&filename={fname}"
            rep.document_urls.append(self.url(c.host, link))
            zoom = f"<p>{esc(rep.title)}全文详见附件。</p>"
            anchor = f'<a href="{link}" target="_blank">{esc(rep.title)}.{ext}</a>'
            if rep.fmt == "docx":  # the older theme lists files in a grid below the body
                files = f'<table id="grdFileList"><tr><td>{anchor}</td></tr></table>'
            else:
                zoom += f"<p>附件：{anchor}</p>"
        else:
            zoom = report_html(rep)
        body = f"""{self._meta_table(rep, seq)}
<table class="article" width="100%"><tr><td class="title">{esc(rep.title)}</td></tr>
<tr><td class="info">发布日期：{rep.published.isoformat()} 信息来源：{esc(source)}</td></tr></table>
<div id="zoom">{zoom}</div>{files}"""
        doc = self._page(
            rep.title,
            body,
            {
                "ColumnName": "政府信息公开年报",
                "ArticleTitle": rep.title,
                "PubDate": f"{rep.published.isoformat()} 10:{seq % 60:02d}",
                "ContentSource": source,
            },
            crumbs=[("首页", "/"), ("政府信息公开年报", f"/col/col{c.col_nb}/index.html")],
        )
        self.register_report_page(rep, self.add(c.host, url, doc, last_modified=rep.published))

    def _decoy_article(self, d: Decoy, url: str, col: int) -> None:
        c = self.cfg
        doc = self._page(
            d.title,
            f'<table class="article"><tr><td class="title">{esc(d.title)}</td></tr></table>'
            f'<div id="zoom">{decoy_body(d, self.portal)}</div>',
            {"ArticleTitle": d.title, "PubDate": f"{d.published.isoformat()} 09:00"},
        )
        self.register_decoy(d, self.add(c.host, url, doc, last_modified=d.published))

    def downfile(self, req: Request) -> Response:
        fname = req.query.get("filename", "")
        entry = self.files.get(fname)
        if entry is None:
            return html("<html><body>文件不存在！</body></html>", 200)
        content, display, date = entry
        data = self.document(content)
        cd = _content_disposition(display, number_id(fname, 0, 3))
        lm = dt.datetime.combine(date, dt.time(10, 0))
        if content.endswith(".rev.pdf"):
            lm = dt.datetime(2025, 6, 1, 9, 0)
        res = Resource(data, "application/octet-stream", lm, headers=[("Content-Disposition", cd)])
        return serve_resource(req, res)

    # ---- xxgk annual-report module and site search ------------------------------------------

    def annual_report(self, req: Request) -> Response:
        area, year = req.query.get("area", ""), req.query.get("fbtime", "")
        rep = next(
            (
                r
                for r in self.portal.reports
                if r.agency.credit_code == area
                and str(r.year) == year
                and r.agency.kind == "township"
                and r.year >= 2022
            ),
            None,
        )
        if rep is None:  # the module answers 200 with a polite "nothing" page
            body = '<div class="nbbg"><p class="empty">暂无该单位该年度的年报数据。</p></div>'
            return html(self._page("政府信息公开工作年度报告", body))
        body = f"""<div class="nbbg"><h2 style="text-align:center">{esc(rep.title)}</h2>
<div class="nb-content">{report_html(rep)}</div></div>"""
        doc = self._page(rep.title, body, {"ArticleTitle": rep.title})
        res = Resource(doc.encode(), "text/html; charset=utf-8", etag=False)
        return serve_resource(req, res)

    def module_urls(self) -> None:
        for rep in self.portal.reports:
            if rep.agency.kind == "township" and rep.year >= 2022:
                url = self.url(
                    self.cfg.host,
                    f"/module/xxgk/xxgkAnnualReport.jsp?area={rep.agency.credit_code}&fbtime={rep.year}",
                )
                rep.twin_urls.append(url)

    def search(self, req: Request) -> Response:
        q = req.query.get("q", "").strip()
        try:
            p = max(1, int(req.query.get("p", "1")))
            pg = max(1, min(50, int(req.query.get("pg", "12"))))
        except ValueError:
            p, pg = 1, 12
        hits = [x for x in self.items if q and all(w in x.title for w in q.split())]
        rows = "".join(
            f'<div class="jsearch-result-box"><div class="jsearch-result-title">'
            f'<a href="{self.art_url[id(x)]}" target="_blank">{esc(x.title)}</a></div>'
            f'<span class="jsearch-result-date">{x.published.isoformat()}</span></div>'
            for x in hits[(p - 1) * pg : p * pg]
        )
        body = (
            f'<div class="jsearch-info">共找到 <span id="jsearch-info-count">{len(hits)}'
            "</span> 条结果</div>"
            f'<div id="jsearch-result-items">{rows}</div>'
        )
        return html(self._page(f"搜索：{q}", body))


def _content_disposition(name: str, style: int) -> bytes:
    """Three encodings seen on real servers (portals.md §4.7): RFC 5987, raw GBK bytes and raw
    UTF-8 bytes (which a client reading latin-1 shows as mojibake)."""
    if style == 0:
        return f"attachment; filename*=UTF-8''{quote(name)}".encode("latin-1")
    if style == 1:
        return b'attachment; filename="' + name.encode("gbk") + b'"'
    return b'attachment; filename="' + name.encode("utf-8") + b'"'


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> HanwebSite:
    site = HanwebSite(portal, content, state)
    if not site.cfg.encrypted:
        site.module_urls()
    return site
