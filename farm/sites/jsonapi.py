"""Archetype 4 (first half): a Fujian-style TRS-backed JSON platform (portals.md §1.5, §4.6,
§5.2 archetype 4).

* List pages are avalon templates (``ms-controller``, ``ms-repeat``, ``{{el.doctitle}}``) with **no
  data in the HTML**. ``/static/js/list.js`` — the only place the endpoint is named — POSTs
  ``channelid``, ``sortfield=-pubdate``, ``page``, ``prepage`` to ``/fjdzapp/search``, which answers
  ``{error, page, prepage, pageCount, recordCount, data[{doctitle, docpuburl,
  docreltime:"YYYY.MM.DD HH:MM:SS", puborg, sourcename, idxid, files[]}]}``; ``GET /fjdzapp/data``
  answers the same.
* The 部门信息公开 navigation is filled client-side from an inline ``chnllist`` array; every
  department has ``/zfxxgk/bmzfxxgk/{dept}/zfxxgk/zfxxgknb/``. A legacy duplicate channel
  ``/zfxxgk/zfxxgkndbg/2019nzfxxgkndbg/`` republishes the 2019–2020 county reports at other URLs.
* Articles are TRS static pages (``./YYYYMM/tYYYYMMDD_ID.htm``, ``.TRS_Editor``); most reports are
  the HTML itself, some carry ``files[]`` attachments, one ``docpuburl`` is the PDF itself.
* robots.txt is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..content import ContentStore
from ..http import Request, Response, json_response
from ..model import Decoy, Portal, Report
from ..pages import esc, page
from .base import TLS_REFUSED, FarmState, Site
from .common import decoy, decoy_body, finish, make_agencies, make_reports, number_id, report_html

HOST = "www.huaxi.gov.cn.test"
SITE_CODE = "3504990001"


@dataclass(frozen=True)
class Channel:
    id: int
    path: str
    name: str
    agency_keys: tuple[str, ...]
    years: tuple[int, ...] | None = None  # restrict (the legacy duplicate channel)


CHANNELS = [
    Channel(200210, "/zfxxgk/zfxxgknb/", "政府信息公开年报", ("gov", "office")),
    Channel(200231, "/zfxxgk/bmzfxxgk/hxjyj/zfxxgk/zfxxgknb/", "华溪县教育局", ("jyj",)),
    Channel(200232, "/zfxxgk/bmzfxxgk/hxscj/zfxxgk/zfxxgknb/", "华溪县市场监督管理局", ("scj",)),
    Channel(200233, "/zfxxgk/bmzfxxgk/hxnyj/zfxxgk/zfxxgknb/", "华溪县农业农村局", ("nyj",)),
    Channel(200250, "/zfxxgk/xzzfxxgk/zfxxgknb/", "乡镇政府信息公开年报", ("cgz", "xkz")),
    Channel(
        201988,
        "/zfxxgk/zfxxgkndbg/2019nzfxxgkndbg/",
        "政府信息公开年度报告（2019—2020）",
        ("gov", "office"),
        (2019, 2020),
    ),
]


def huaxi(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990401",
        name="华溪县",
        province="福建省",
        prefecture="三明市",
        url=f"http://{HOST}/",
        archetype="jsonapi",
        outcome="ok",
        reason="JS-template list pages; every list comes from POST /fjdzapp/search (named only in "
        "an external JS file), department channels only in an inline JS array",
        hosts=[HOST],
        section="portals.md §1.5, §4.6, §5.2 archetype 4",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "华溪县人民政府", "government", "华溪县"),
            ("office", "华溪县人民政府办公室", "office", "县政府办"),
            ("jyj", "华溪县教育局", "department", "县教育局"),
            ("scj", "华溪县市场监督管理局", "department", "县市场监管局"),
            ("nyj", "华溪县农业农村局", "department", "县农业农村局"),
            ("cgz", "华溪县城关镇人民政府", "township", "城关镇"),
            ("xkz", "华溪县溪口镇人民政府", "township", "溪口镇"),
        ],
    )
    make_reports(
        p,
        {
            "gov": range(2019, 2025),
            "office": range(2019, 2025),
            "jyj": range(2020, 2025),
            "scj": range(2021, 2025),
            "nyj": range(2022, 2025),
            "cgz": range(2021, 2025),
            "xkz": range(2022, 2025),
        },
        shapes={"gov": "a", "office": "a", "cgz": "c"},
        printed={"gov": "华溪县"},
    )
    for key, year, fmt, carrier in (
        ("gov", 2021, "pdf", "attachment"),
        ("scj", 2022, "docx", "attachment"),
        ("nyj", 2023, "pdf", "file-link"),
    ):
        r = p.report(key, year)
        r.fmt, r.carrier = fmt, carrier
    p.report("xkz", 2023).errors = ("t3_balance",)
    p.decoys += [
        decoy(p, "housing_fund", 2023, dt.date(2024, 3, 25), note="in the county 年报 channel"),
        decoy(p, "work_report", 2024, dt.date(2024, 1, 22), note="path token zfgzbg"),
        decoy(p, "work_summary", 2023, dt.date(2024, 1, 12), note="in the county 年报 channel"),
    ]
    return finish(p)


LIST_JS = """/* list.js (farm build of an avalon list controller) */
(function () {
  var API = '/fjdzapp/search';
  var box = document.querySelector('[ms-controller="list"]');
  var ch = box.getAttribute('data-channelid');
  function load(page) {
    var body = 'channelid=' + ch + '&sortfield=-pubdate&page=' + page + '&prepage=15';
    fetch(API, {method: 'POST', body: body,
                headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var ul = box.querySelector('ul');
        ul.innerHTML = d.data.map(function (el) {
          return '<li><a href="' + el.docpuburl + '" target="_blank">' + el.doctitle +
                 '</a><span>' + el.docreltime.substr(0, 10) + '</span></li>';
        }).join('');
        var pg = box.querySelector('.pager'); pg.innerHTML = '';
        for (var i = 1; i <= d.pageCount; i++) {
          var a = document.createElement('a'); a.href = 'javascript:;'; a.textContent = i;
          a.onclick = (function (n) { return function () { load(n); }; })(i);
          pg.appendChild(a);
        }
      });
  }
  load(1);
})();
"""

NAV_JS = """(function () {
  var box = document.querySelector('[ms-controller="chnl"]');
  box.querySelector('ul').innerHTML = chnllist.map(function (el) {
    return '<li><a href="' + el.url + '">' + el.chnlname + '</a></li>';
  }).join('');
})();
"""


class JsonApiSite(Site):
    server_header = "TRS"

    def build(self) -> None:
        self.add_host(HOST, tls=TLS_REFUSED, robots=None)
        self.add(HOST, "/static/js/list.js", LIST_JS, "application/javascript")
        self.add(HOST, "/static/js/chnl.js", NAV_JS, "application/javascript")
        self.records: dict[int, list[dict]] = {}
        self._urls: dict[tuple[str, str], str] = {}
        for ch in CHANNELS:
            items: list[Report | Decoy] = [
                r
                for r in self.portal.reports
                if r.agency.key in ch.agency_keys and (ch.years is None or r.year in ch.years)
            ]
            if ch.id == 200210:
                items += [
                    d for d in self.portal.decoys if d.kind in ("housing_fund", "work_summary")
                ]
            self.records[ch.id] = [self._record(ch, it) for it in items]
            self.records[ch.id].sort(key=lambda x: x["docreltime"], reverse=True)
            self._list_page(ch)
        wr = [d for d in self.portal.decoys if d.kind == "work_report"]
        for d in wr:
            art = number_id(d.title, 10**6, 10**7)
            path = f"/zfxxgk/zfgzbg/{d.published:%Y%m}/t{d.published:%Y%m%d}_{art}.htm"
            self.register_decoy(
                d,
                self.add(
                    HOST,
                    path,
                    self._article_page(
                        d.title, decoy_body(d, self.portal), "华溪县人民政府", d.published
                    ),
                    last_modified=d.published,
                ),
            )
            self.add(
                HOST,
                "/zfxxgk/zfgzbg/",
                self._page(
                    "政府工作报告", f'<ul><li><a href="{path}">{esc(d.title)}</a></li></ul>'
                ),
            )
        self._static()
        self.route(HOST, r"/fjdzapp/search", self.search, methods=("POST", "GET"))
        self.route(HOST, r"/fjdzapp/data", self.search)

    def _page(self, title: str, body: str, meta: dict | None = None) -> str:
        m = {"SiteName": "华溪县人民政府", "SiteDomain": HOST, "SiteIDCode": SITE_CODE}
        m.update(meta or {})
        return page(
            site="华溪县人民政府",
            title=title,
            body=body,
            meta=m,
            nav=[
                ("首页", "/"),
                ("政务公开", "/zwgk/"),
                ("办事服务", "/bsfw/"),
                ("互动交流", "/hdjl/"),
            ],
            site_code=SITE_CODE,
            icp="闽ICP备99000005号",
            head_extra='<script src="/static/js/avalon.js"></script>',
        )

    def _static(self) -> None:
        self.add(
            HOST, "/static/js/avalon.js", "/* avalon 1.x placeholder */", "application/javascript"
        )
        self.add(
            HOST,
            "/",
            self._page(
                "华溪县人民政府",
                '<div class="kjrk"><h3>快捷入口</h3><ul><li><a href="/zwgk/">政务公开</a></li>'
                '<li><a href="/zfxxgk/">政府信息公开</a></li>'
                '<li><a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a></li></ul></div>',
            ),
        )
        self.add(
            HOST,
            "/zwgk/",
            self._page("政务公开", '<ul><li><a href="/zfxxgk/">政府信息公开</a></li></ul>'),
        )
        nav = [
            ("政府信息公开指南", "/zfxxgk/zfxxgkzn/"),
            ("政府信息公开制度", "/zfxxgk/zfxxgkzd/"),
            ("政府信息公开年报", "/zfxxgk/zfxxgknb/"),
            ("部门信息公开", "/zfxxgk/bmzfxxgk/"),
            ("乡镇信息公开", "/zfxxgk/xzzfxxgk/"),
            ("政府工作报告", "/zfxxgk/zfgzbg/"),
        ]
        # the 信息公开 nav is an avalon template filled from an inline array (static HTML misses it)
        arr = ",".join(f"{{chnlname:'{n}',url:'{u}'}}" for n, u in nav)
        body = f"""<div class="xxgk-nav" ms-controller="chnl"><ul><li ms-repeat="chnllist">
<a ms-attr-href="el.url">{{{{el.chnlname}}}}</a></li></ul></div>
<script>var chnllist = [{arr}];</script><script src="/static/js/chnl.js"></script>
<p class="old">往年年报：<a href="/zfxxgk/zfxxgkndbg/2019nzfxxgkndbg/">
2019—2020年度政府信息公开年度报告</a></p>"""
        self.add(HOST, "/zfxxgk/", self._page("政府信息公开", body, {"ColumnName": "政府信息公开"}))
        depts = [c for c in CHANNELS if "/bmzfxxgk/" in c.path]
        arr = ",".join(
            f"{{chnlname:'{c.name}',url:'./{c.path.split('/')[3]}/zfxxgk/zfxxgknb/'}}"
            for c in depts
        )
        body = f"""<div class="bm-nav" ms-controller="chnl"><ul><li ms-repeat="chnllist">
<a ms-attr-href="el.url">{{{{el.chnlname}}}}</a></li></ul></div>
<script>var chnllist = [{arr}];</script><script src="/static/js/chnl.js"></script>"""
        self.add(
            HOST,
            "/zfxxgk/bmzfxxgk/",
            self._page("部门信息公开", body, {"ColumnName": "部门信息公开"}),
        )
        self.add(
            HOST,
            "/zfxxgk/xzzfxxgk/",
            self._page(
                "乡镇信息公开",
                '<ul><li><a href="./zfxxgknb/">乡镇政府信息公开年报</a></li></ul>',
                {"ColumnName": "乡镇信息公开"},
            ),
        )
        for sub, name in (("zfxxgkzn", "政府信息公开指南"), ("zfxxgkzd", "政府信息公开制度")):
            self.add(HOST, f"/zfxxgk/{sub}/", self._page(name, "<p></p>", {"ColumnName": name}))

    def _list_page(self, ch: Channel) -> None:
        body = f"""<div class="list" ms-controller="list" data-channelid="{ch.id}">
<h3>{esc(ch.name)}</h3>
<ul><li ms-repeat="datalist"><a ms-attr-href="el.docpuburl" target="_blank">{{{{el.doctitle}}}}</a>
<span>{{{{el.docreltime|date('yyyy-MM-dd')}}}}</span></li></ul>
<div class="pager" ms-visible="pageCount>1"></div></div>
<script src="/static/js/list.js"></script>"""
        self.add(HOST, ch.path, self._page(ch.name, body, {"ColumnName": ch.name}))

    def _article_page(self, title: str, body: str, source: str, day: dt.date) -> str:
        return self._page(
            title,
            f'<div class="article"><h2 class="title">{esc(title)}</h2>'
            f'<div class="info">发布时间：{day.isoformat()} 来源：{esc(source)}</div>'
            f'<div class="TRS_Editor">{body}</div></div>',
            {
                "ArticleTitle": title,
                "PubDate": f"{day.isoformat()} 11:37",
                "ContentSource": source,
                "ColumnName": "政府信息公开年报",
            },
        )

    def _record(self, ch: Channel, item: Report | Decoy) -> dict:
        day = item.published
        key = item.id if isinstance(item, Report) else item.title
        art = number_id(f"{ch.id}:{key}", 1_000_000, 9_999_999)
        folder = f"{ch.path}{day:%Y%m}/"
        files: list[dict] = []
        if isinstance(item, Decoy):
            path = f"{folder}t{day:%Y%m%d}_{art}.htm"
            doc = self._article_page(
                item.title, decoy_body(item, self.portal), "华溪县人民政府办公室", day
            )
            self.register_decoy(item, self.add(HOST, path, doc, last_modified=day))
            source = "县政府办"
        else:
            rep = item
            source = rep.agency.short if rep.agency.kind == "department" else rep.agency.name
            body = report_html(rep)
            if rep.carrier in ("attachment", "file-link"):
                ext = rep.fmt
                fkey = (rep.id, ext)
                if fkey not in self._urls:
                    fpath = f"{folder}P0{day:%Y%m%d}{number_id(rep.id, 10**6, 10**7)}.{ext}"
                    ctype = {
                        "pdf": "application/pdf",
                        "docx": "application/vnd.openxmlformats-officedocument"
                        ".wordprocessingml.document",
                    }[ext]
                    self._urls[fkey] = self.add(
                        HOST, fpath, self.document(f"{rep.id}.{ext}"), ctype, day
                    )
                    rep.document_urls.append(self._urls[fkey])
                furl = self._urls[fkey]
                files.append(
                    {
                        "appdesc": f"{rep.title}.{ext}",
                        "fileext": ext,
                        "filename": furl,
                        "filesize": len(self.document(f"{rep.id}.{ext}")),
                    }
                )
                body = (
                    f'<p>{esc(rep.title)}详见附件：<a href="{furl}">{esc(rep.title)}.{ext}</a></p>'
                )
            if rep.carrier == "file-link":
                url = furl
                if not rep.page_url:
                    rep.page_url = furl
            else:
                path = f"{folder}t{day:%Y%m%d}_{art}.htm"
                url = self.add(
                    HOST, path, self._article_page(rep.title, body, source, day), last_modified=day
                )
                self.register_report_page(rep, url)
        return {
            "doctitle": item.title,
            "docpuburl": url if isinstance(item, Report) else self.url(HOST, path),
            "docreltime": f"{day:%Y.%m.%d} 11:{art % 60:02d}:00",
            "pubdate": day.isoformat(),
            "puborg": source,
            "sourcename": source,
            "idxid": f"{art:08d}",
            "fileno": "",
            "docabstract": "",
            "chnlid": ch.id,
            "files": files,
        }

    def search(self, req: Request) -> Response:
        params = req.params
        try:
            ch = int(params.get("channelid", "0"))
            page_no = max(1, int(params.get("page", "1")))
            prepage = max(1, min(500, int(params.get("prepage", "20"))))
        except ValueError:
            return json_response({"error": True, "msg": "参数错误"})
        recs = self.records.get(ch, [])
        if params.get("sortfield", "-pubdate") == "pubdate":
            recs = recs[::-1]
        count = len(recs)
        return json_response(
            {
                "error": False,
                "page": page_no,
                "prepage": prepage,
                "pageCount": max(1, -(-count // prepage)),
                "recordCount": count,
                "data": recs[(page_no - 1) * prepage : page_no * prepage],
            }
        )


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> JsonApiSite:
    return JsonApiSite(portal, content, state)
