"""Archetype 2: a TRS WCM district with per-year and per-unit sub-columns (portals.md §1.4, §2.1
patterns B and C, §4.4, §5.2 archetype 2).

* ``/zwgk/zfxxgk/zfxxgknb/`` → year folders ``{Y}n/`` (the 2024 reports sit in ``2025n78/``, a
  folder named after the publication year) → unit-type columns ``qzf/`` (区政府), ``bm/`` (部门),
  ``xzjd/`` (街道乡镇), each ``index.html`` + ``index_N.html``.
* Three pagers: inline ``var currentPage/countPage`` (qzf, xzjd), ``createPageHTML(...)`` with both
  signatures (bm), and one column whose items are all in page 1 and sliced by JS (2022n/bm, no
  ``index_1.html``). Past the last page: a 350-byte 200 stub on bm columns, 404 elsewhere.
* Articles ``./YYYYMM/tYYYYMMDD_ID.html`` with ``.TRS_Editor``, the SiteIDCode/ColumnName/
  ArticleTitle/PubDate/ContentSource/Url meta set and a ``_wap.html`` twin (linked as 手机版).
  One 2024 report was republished into ``2021n/xzjd/202503/…`` with an older PubDate.
* Attachments ``./P0YYYYMMDD….pdf`` with ``OLDSRC="/protect/…"`` (403, robots-disallowed) and
  ``download=``; one article injects its attachment only through ``var att=…; document.write``,
  another through ``var rel_appendix``.
* One deleted article: 200 + ``<meta http-equiv="refresh" content="0;URL=../">``.
* Parent-level (重庆市) report, a meeting item, 法治政府建设年度报告 and a work summary in columns.
* HTTPS answers with a TLS handshake-failure alert; plain http works.
* A legacy GBK 信息公开 host (``xxgk.…``): ``<meta charset=gb2312>``, no charset header, a character
  outside GB2312 (堃), one page with the malformed ``<meta httpequiv="ContentType" …>``; it holds
  the 2019–2020 township reports.
"""

from __future__ import annotations

import datetime as dt

from ..content import ContentStore
from ..http import Request, Response, html
from ..model import Decoy, Portal, Report
from ..pages import esc, page
from .base import TLS_HANDSHAKE_FAILURE, TLS_REFUSED, FarmState, Site
from .common import decoy, decoy_body, finish, make_agencies, make_reports, number_id, report_html

HOST = "www.yuchuan.gov.cn.test"
LEGACY = "xxgk.yuchuan.gov.cn.test"
ROOT = "/zwgk/zfxxgk/zfxxgknb/"
SITE_CODE = "5001990001"
PER_PAGE = 4
UNIT_COLUMNS = {"qzf": "区政府", "bm": "部门", "xzjd": "街道乡镇"}
KIND_COLUMN = {"government": "qzf", "office": "qzf", "department": "bm", "township": "xzjd"}


def year_folder(year: int) -> str:
    # the newest folder is named after the year the reports were *published* (portals.md §0.5)
    return "2025n78" if year == 2024 else f"{year}n"


def _folder_label(folder: str) -> str:
    return "2025年发布" if folder == "2025n78" else f"{folder[:4]}年度"


def yuchuan(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990201",
        name="渝川区",
        province="重庆市",
        prefecture="重庆市",
        url=f"http://{HOST}/",
        archetype="trs",
        outcome="ok",
        reason="TRS WCM: year × unit-type sub-columns with index_N paging; older township "
        "reports on a legacy GBK host linked from the 年报 root",
        hosts=[HOST, LEGACY],
        section="portals.md §1.4, §2.1 B/C, §4.4, §5.2 archetype 2",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "渝川区人民政府", "government", "渝川区"),
            ("office", "渝川区人民政府办公室", "office", "区政府办"),
            ("fgw", "渝川区发展和改革委员会", "department", "区发展改革委"),
            ("jw", "渝川区教育委员会", "department", "区教委"),
            ("sthj", "渝川区生态环境局", "department", "区生态环境局"),
            ("rsj", "渝川区人力资源和社会保障局", "department", "区人力社保局"),
            ("lxjd", "渝川区龙溪街道办事处", "township", "龙溪街道"),
            ("smz", "渝川区石门镇人民政府", "township", "石门镇"),
            ("shz", "渝川区双河镇人民政府", "township", "双河镇"),
        ],
    )
    years = range(2019, 2025)
    make_reports(
        p,
        {
            "gov": years,
            "office": years,
            "fgw": years,
            "jw": range(2021, 2025),
            "sthj": range(2022, 2025),
            "rsj": range(2020, 2025),
            "lxjd": years,
            "smz": years,
            "shz": range(2021, 2025),
        },
        shapes={"office": "c", "jw": "b", "lxjd": "a", "smz": "a", "shz": "d"},
        printed={"gov": "渝川区", "office": "区政府办公室", "jw": "渝川区教委"},
    )

    def s(key: str, year: int, **kw) -> None:
        rep = p.report(key, year)
        for k, v in kw.items():
            setattr(rep, k, v)

    s("gov", 2023, fmt="pdf", carrier="attachment")
    s("office", 2022, fmt="pdf", carrier="attachment", errors=("t4_block_sum",))
    s("fgw", 2021, fmt="docx", carrier="attachment", note="attachment only in `var att` script")
    s("rsj", 2020, fmt="doc", carrier="attachment", note="attachment only in `var rel_appendix`")
    s("sthj", 2023, errors=("text_new_received",))
    s(
        "jw",
        2022,
        must_archive=False,
        fault="deleted",
        note="listed, but the article answers a meta-refresh 'deleted' stub",
    )
    s(
        "smz",
        2024,
        published=dt.date(2025, 2, 18),
        note="republished into the 2021n/xzjd folder under ./202503/ (folder year and month lie)",
    )
    for key in ("lxjd", "smz"):
        for y in (2019, 2020):
            s(key, y, note="on the legacy GBK host")
    d = p.decoys
    d.append(decoy(p, "notice", 2024, dt.date(2024, 12, 16)))
    d.append(decoy(p, "parent", 2023, dt.date(2024, 3, 29), note="parent-level (市) report"))
    d.append(decoy(p, "news", 2025, dt.date(2025, 1, 8)))
    d.append(decoy(p, "rule_of_law", 2023, dt.date(2024, 3, 26)))
    d.append(decoy(p, "work_summary", 2022, dt.date(2023, 1, 5)))
    return finish(p)


# where each decoy sits: (year folder year, unit column) or None for the 年报 root
DECOY_PLACES = {
    "notice": None,
    "parent": (2023, "qzf"),
    "news": (2024, "qzf"),
    "rule_of_law": (2023, "bm"),
    "work_summary": (2022, "bm"),
}

PAGER_JS = """function createPageHTML(a, b, c, d, e) {
  /* two real signatures: (pages, cur, name, ext) and (records, pages, cur, name, ext) */
  var pages, cur, name, ext;
  if (e === undefined) { pages = a; cur = b; name = c; ext = d; }
  else { pages = b; cur = c; name = d; ext = e; }
  var out = [];
  for (var i = 0; i < pages; i++) {
    var href = i === 0 ? name + '.' + ext : name + '_' + i + '.' + ext;
    out.push(i === cur ? '<span>' + (i + 1) + '</span>'
                       : '<a href="' + href + '">' + (i + 1) + '</a>');
  }
  document.write('<div class="page">' + out.join(' ') + '</div>');
}
"""


class TrsSite(Site):
    server_header = "TRS WCM"

    def build(self) -> None:
        self.add_host(
            HOST, tls=TLS_HANDSHAKE_FAILURE, robots="User-agent: *\nDisallow: /protect/\n"
        )
        self.add_host(LEGACY, tls=TLS_REFUSED, charset="gbk")
        self.add(HOST, "/js/page.js", PAGER_JS, "application/javascript")
        self.columns: dict[str, list[tuple[str, Report | Decoy]]] = {}
        for rep in self.portal.reports:
            if rep.year <= 2020 and rep.agency.kind == "township":
                continue
            folder = year_folder(rep.year)
            col = KIND_COLUMN[rep.agency.kind]
            if rep.id == "990201-smz-2024":
                folder = "2021n"
            base = f"{ROOT}{folder}/{col}/"
            self.columns.setdefault(base, []).append((self._article(rep, base), rep))
        for d in self.portal.decoys:
            place = DECOY_PLACES[d.kind]
            base = ROOT if place is None else f"{ROOT}{year_folder(place[0])}/{place[1]}/"
            self.columns.setdefault(base, []).append((self._decoy_article(d, base), d))
        self._home()
        years = sorted({r.year for r in self.portal.reports}, reverse=True)
        for y in years:
            self._year_page(y)
        for base, items in self.columns.items():
            if base != ROOT:
                self._column(base, items)
        self._root(years)
        self._legacy()
        self.route(HOST, r"/protect/.*", lambda req: html("<h1>403 Forbidden</h1>", 403))

    def _page(self, title: str, body: str, meta: dict | None = None, crumbs=(), **kw) -> str:
        m = {"SiteName": "重庆市渝川区人民政府", "SiteDomain": HOST, "SiteIDCode": SITE_CODE}
        m.update(meta or {})
        return page(
            site="重庆市渝川区人民政府",
            title=title,
            body=body,
            meta=m,
            nav=[
                ("首页", "/"),
                ("政务公开", "/zwgk/"),
                ("政务服务", "/zwfw/"),
                ("互动交流", "/hdjl/"),
            ],
            crumbs=crumbs,
            site_code=SITE_CODE,
            icp="渝ICP备99000003号",
            **kw,
        )

    def _home(self) -> None:
        body = """<div class="tzgg"><h3>通知公告</h3>
<ul><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="zwgk-entry"><a href="/zwgk/zfxxgk/">政府信息公开</a></div>"""
        self.add(HOST, "/", self._page("重庆市渝川区人民政府", body))
        self.add(HOST, "/index.html", self._page("重庆市渝川区人民政府", body))
        zwgk = """<ul class="zwgk-list"><li><a href="./zfxxgk/">政府信息公开</a></li>
<li><a href="./zcwj/">政策文件</a></li><li><a href="./czyjs/">财政预决算</a></li></ul>"""
        self.add(HOST, "/zwgk/", self._page("政务公开", zwgk, {"ColumnName": "政务公开"}))
        for sub, name in (("zcwj", "政策文件"), ("czyjs", "财政预决算")):
            self.add(HOST, f"/zwgk/{sub}/", self._page(name, "<ul></ul>", {"ColumnName": name}))
        zfxxgk = """<ul class="xxgk-nav">
<li><a href="./zfxxgkzn/">政府信息公开指南</a></li>
<li><a href="./zfxxgkzd/">政府信息公开制度</a></li>
<li><a href="./fdzdgknr/">法定主动公开内容</a></li>
<li><a href="./zfxxgknb/">政府信息公开年报</a></li>
<li><a href="./ysqgk/">依申请公开</a></li></ul>"""
        self.add(
            HOST,
            "/zwgk/zfxxgk/",
            self._page("政府信息公开", zfxxgk, {"ColumnName": "政府信息公开"}),
        )
        for sub, name in (
            ("zfxxgkzn", "政府信息公开指南"),
            ("zfxxgkzd", "政府信息公开制度"),
            ("fdzdgknr", "法定主动公开内容"),
            ("ysqgk", "依申请公开"),
        ):
            self.add(
                HOST, f"/zwgk/zfxxgk/{sub}/", self._page(name, "<ul></ul>", {"ColumnName": name})
            )

    def _crumbs(self, *extra: tuple[str, str]) -> list[tuple[str, str]]:
        return [
            ("首页", "/"),
            ("政务公开", "/zwgk/"),
            ("政府信息公开", "/zwgk/zfxxgk/"),
            ("政府信息公开年报", ROOT),
            *extra,
        ]

    def _root(self, years: list[int]) -> None:
        subs = "".join(
            f'<li><a href="./{year_folder(y)}/">{_folder_label(year_folder(y))}</a></li>'
            for y in years
        )
        rows = "".join(
            f'<tr><td><a href="{href}" target="_blank">{esc(it.title)}</a></td>'
            f"<td>{it.published.isoformat()}</td></tr>"
            for href, it in self.columns.get(ROOT, [])
        )
        body = f"""<div class="sub-columns"><ul>{subs}</ul></div>
<p class="legacy">2020年及以前街道乡镇年报请访问
<a href="http://{LEGACY}/xxgk/xzjdnb/index.htm">原区政府信息公开网</a></p>
<table class="gl_list">{rows}</table>
<script>var currentPage = 0; var countPage = 1;</script>"""
        self.add(
            HOST,
            ROOT,
            self._page(
                "政府信息公开年报",
                body,
                {"ColumnName": "政府信息公开年报"},
                crumbs=self._crumbs(),
            ),
        )

    def _year_page(self, year: int) -> None:
        folder = year_folder(year)
        label = _folder_label(folder)
        subs = "".join(
            f'<li><a href="./{k}/">{v}</a></li>'
            for k, v in UNIT_COLUMNS.items()
            if f"{ROOT}{folder}/{k}/" in self.columns
        )
        self.add(
            HOST,
            f"{ROOT}{folder}/",
            self._page(
                label,
                f'<div class="sub-columns"><ul>{subs}</ul></div>',
                {"ColumnName": label},
                crumbs=self._crumbs((label, f"{ROOT}{folder}/")),
            ),
        )

    def _column(self, base: str, items: list[tuple[str, Report | Decoy]]) -> None:
        items = sorted(items, key=lambda x: (x[1].published, x[1].title), reverse=True)
        folder, col = base.rstrip("/").split("/")[-2:]
        name = UNIT_COLUMNS[col]
        js_sliced = base == f"{ROOT}2022n/bm/"
        pages = 1 if js_sliced else max(1, -(-len(items) // PER_PAGE))
        for n in range(pages):
            chunk = items if js_sliced else items[n * PER_PAGE : (n + 1) * PER_PAGE]
            rows = "".join(
                f"<tr{' style=display:none' if js_sliced and i >= PER_PAGE else ''}>"
                f'<td><a href="{href}" target="_blank">{esc(it.title)}</a></td>'
                f"<td>{it.published.isoformat()}</td></tr>"
                for i, (href, it) in enumerate(chunk)
            )
            if js_sliced:
                pager = (
                    "<script>/* all records are in this page; show 4 at a time */\n"
                    "var pageSize = 4; var rows = document.querySelectorAll('.gl_list tr');\n"
                    "</script>"
                )
            elif col == "bm":
                args = f"{len(items)}, {pages}, {n}" if number_id(base, 0, 2) else f"{pages}, {n}"
                pager = (
                    '<script src="/js/page.js"></script>'
                    f'<script>createPageHTML({args}, "index", "html");</script>'
                )
            else:
                pager = (
                    f"<script>var currentPage = {n}; var countPage = {pages};\n"
                    "for (var i = 0; i < countPage; i++) { if (i == currentPage) continue;\n"
                    "document.write('<a href=\"' + (i == 0 ? 'index.html' : 'index_' + i + "
                    "'.html') + '\">' + (i + 1) + '</a> '); }</script>"
                )
            doc = self._page(
                name,
                f'<table class="gl_list">{rows}</table>{pager}',
                {"ColumnName": name},
                crumbs=self._crumbs((_folder_label(folder), f"{ROOT}{folder}/"), (name, base)),
            )
            newest = items[0][1].published if items else None
            target = base + ("index.html" if n == 0 else f"index_{n}.html")
            self.add(HOST, target, doc, last_modified=newest)
            if n == 0:
                self.add(HOST, base, doc, last_modified=newest)
        if col == "bm" and not js_sliced:
            # deep index_N pages of this CMS are broken ~350-byte stubs, not 404s (portals.md §1.4)
            stub = (
                '<html><head><meta charset="utf-8"><title></title></head><body>'
                '<table class="gl_list"></table><script>var currentPage = 0;'
                " var countPage = 0;</script></body></html>"
            ).ljust(350)
            for n in range(pages, pages + 30):
                self.add(HOST, f"{base}index_{n}.html", stub)

    def _article(self, rep: Report, base: str) -> str:
        d = rep.published
        folder_date = dt.date(2025, 3, 10) if rep.id == "990201-smz-2024" else d
        art = number_id(rep.id, 1_000_000, 9_999_999)
        stem = f"{folder_date:%Y%m}/t{folder_date:%Y%m%d}_{art}"
        href = f"./{stem}.html"
        url = f"{base}{stem}.html"
        if rep.fault == "deleted":
            self.add(
                HOST,
                url,
                '<html><head><meta http-equiv="refresh" content="0;URL=../"></head>'
                "<body></body></html>",
            )
            rep.page_url = self.url(HOST, url)
            return href
        source = rep.agency.short if rep.agency.kind == "department" else rep.agency.name
        attach = ""
        body = report_html(rep)
        if rep.carrier == "attachment":
            ext = {"pdf": "pdf", "docx": "docx", "doc": "doc"}[rep.fmt]
            pname = f"P0{d:%Y%m%d}{number_id(rep.id + 'p', 10**9, 10**10 - 1)}.{ext}"
            furl = f"{base}{folder_date:%Y%m}/{pname}"
            self.add(
                HOST,
                furl,
                self.document(f"{rep.id}.{ext}"),
                {
                    "pdf": "application/pdf",
                    "docx": "application/msword",
                    "doc": "application/msword",
                }[ext],
                last_modified=d,
            )
            rep.document_urls.append(self.url(HOST, furl))
            body = f"<p>{esc(rep.title)}全文见附件。</p>"
            link = (
                f'<a appendix="true" href="./{pname}" '
                f'OLDSRC="/protect/P0{d:%Y%m}/P0{d:%Y%m%d}/{pname}" '
                f'download="{esc(rep.title, quote=True)}.{ext}">{esc(rep.title)}.{ext}</a>'
            )
            if "var att" in rep.note:
                attach = (
                    "<script>var att = '"
                    + link.replace("'", "\\'")
                    + "';\nif (att != '') { document.write("
                    "'<div class=\"article_attachment\">附件：' + att + '</div>'); }</script>"
                )
            elif "rel_appendix" in rep.note:
                attach = (
                    "<script>var rel_appendix = '<a href=\"./"
                    + pname
                    + '">下载文字版</a>|<a href="javascript:window.print()">打印</a>\';\n'
                    "document.write('<div class=\"rel\">' + rel_appendix + '</div>');</script>"
                )
            else:
                attach = f'<div class="article_attachment">附件：{link}</div>'
        canonical = self.url(HOST, url)
        doc = self._page(
            rep.title,
            f"""<div class="article"><h1 class="title">{esc(rep.title)}</h1>
<div class="info">发布时间：{d.isoformat()} 来源：{esc(source)}
<a href="./{stem}_wap.html" class="wap">手机版</a></div>
<div class="TRS_Editor">{body}</div>{attach}</div>""",
            {
                "ColumnName": UNIT_COLUMNS[base.rstrip("/").split("/")[-1]],
                "ColumnType": "政府信息公开年报",
                "ArticleTitle": rep.title,
                "PubDate": f"{d.isoformat()} 16:{art % 60:02d}",
                "ContentSource": source,
                "Url": canonical,
            },
            crumbs=self._crumbs(),
        )
        self.register_report_page(rep, self.add(HOST, url, doc, last_modified=d))
        wap = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="ArticleTitle" content="{esc(rep.title, quote=True)}">
<meta name="PubDate" content="{d.isoformat()} 16:{art % 60:02d}">
<link rel="canonical" href="{canonical}"><title>{esc(rep.title)}</title></head>
<body class="wap"><h2>{esc(rep.title)}</h2>
<div class="TRS_Editor">{body}</div>{attach}</body></html>"""
        self.register_report_page(
            rep, self.add(HOST, f"{base}{stem}_wap.html", wap, last_modified=d)
        )
        return href

    def _decoy_article(self, dcy: Decoy, base: str) -> str:
        d = dcy.published
        art = number_id(dcy.title, 1_000_000, 9_999_999)
        stem = f"{d:%Y%m}/t{d:%Y%m%d}_{art}"
        doc = self._page(
            dcy.title,
            f'<div class="article"><h1 class="title">{esc(dcy.title)}</h1>'
            f'<div class="TRS_Editor">{decoy_body(dcy, self.portal)}</div></div>',
            {"ArticleTitle": dcy.title, "PubDate": f"{d.isoformat()} 09:00"},
        )
        self.register_decoy(dcy, self.add(HOST, f"{base}{stem}.html", doc, last_modified=d))
        return f"./{stem}.html"

    # ---- the legacy GBK host ---------------------------------------------------------------

    def _legacy(self) -> None:
        reps = [r for r in self.portal.reports if r.year <= 2020 and r.agency.kind == "township"]
        reps.sort(key=lambda r: r.published, reverse=True)
        rows = []
        for i, rep in enumerate(reps):
            art = number_id(rep.id, 100_000, 999_999)
            path = f"/xxgk/xzjdnb/{rep.published:%Y%m}/t{rep.published:%Y%m%d}_{art}.htm"
            rows.append(
                f'<li><a href="{path}">{esc(rep.title)}</a><span>{rep.published}</span></li>'
            )
            if i == 1:  # the malformed declaration w3lib misses (portals.md §4.4, [S52])
                cm = '<meta httpequiv="ContentType" content="text/html; charset=gbk">'
            else:
                cm = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            doc = self._legacy_page(
                rep.title,
                f"""<div class="title">{esc(rep.title)}</div>
<div class="info">发布日期：{rep.published} 发布人：王堃</div>
<div class="content">{report_html(rep)}</div>""",
                cm,
            )
            self.register_report_page(
                rep,
                self.add(LEGACY, path, doc.encode("gbk"), "text/html", last_modified=rep.published),
            )
        body = f'<div class="list"><ul>{"".join(rows)}</ul></div>'
        listing = self._legacy_page(
            "街道乡镇政府信息公开年报",
            body,
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        ).encode("gbk")
        self.add(LEGACY, "/xxgk/xzjdnb/index.htm", listing, "text/html")
        self.add(LEGACY, "/xxgk/xzjdnb/", listing, "text/html")
        home = self._legacy_page(
            "渝川区政府信息公开网",
            '<ul><li><a href="/xxgk/xzjdnb/index.htm">街道乡镇年报</a></li></ul>',
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        ).encode("gbk")
        self.add(LEGACY, "/", home, "text/html")

    @staticmethod
    def _legacy_page(title: str, body: str, charset_meta: str) -> str:
        return f"""<html><head>{charset_meta}
<title>{esc(title)}-渝川区政府信息公开网</title></head>
<body><div class="top">渝川区政府信息公开网（旧版）</div>{body}
<div class="foot">版权所有：渝川区人民政府办公室</div></body></html>"""

    def not_found(self, req: Request) -> Response:
        if req.host == LEGACY:
            return html(b"<html><body>404 Not Found</body></html>", 404, charset=None)
        return super().not_found(req)


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> TrsSite:
    return TrsSite(portal, content, state)
