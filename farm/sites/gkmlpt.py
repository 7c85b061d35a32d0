"""Archetype 3: a Guangdong gkmlpt (政府信息公开目录管理平台) county (portals.md §1.6, §5.2
archetype 3).

* ``/gkmlpt/index`` is a Vue-style SPA shell: no list in the HTML, only
  ``window._CONFIG = {SID:…, TREE:[…]}``. TREE has 政府信息公开年报 with one child per year, a
  ``jump_url`` node (政府工作报告, a static page elsewhere on the host) and the look-alike
  法治政府建设年度报告 node.
* ``/gkmlpt/api/all/{cat}?page=N&sid=SID`` → ``{total, articles[], classify{post_count}}``, ten
  per page; a parent category lists its descendants. One town's category answers everything on
  page 1 and 404 for page ≥ 2.
* Details ``/gkmlpt/content/{a}/{b}/post_{id}.html`` embed ``window._CONFIG.DETAIL`` with the
  report as escaped HTML in ``content``; attachments under ``/attachment/0/x/y/{id}.pdf``.
* Two departments and two towns run their own instances under path prefixes on the same host
  (``/fcjyj/gkmlpt/…``), linked from 部门/镇街信息公开 pages.
* Plain http only: CONNECT to port 443 is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from ..content import ContentStore
from ..http import Request, Response, html, json_response
from ..model import Decoy, Portal, Report
from ..pages import esc, page
from .base import TLS_REFUSED, FarmState, Site
from .common import decoy, decoy_body, finish, make_agencies, make_reports, number_id, report_html

HOST = "www.fengchuan.gov.cn.test"
SITE_CODE = "4412990001"
PAGE_SIZE = 10
CST = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Instance:
    prefix: str  # "" for the county, "/fcjyj" for a sub-site
    sid: str
    name: str
    agency_keys: tuple[str, ...]
    root: int = 2180  # category id of the 政府信息公开年报 node
    single_page: bool = False  # everything on page 1, 404 for page ≥ 2
    nodes: dict[int, dict] = field(default_factory=dict)
    articles: dict[int, list[dict]] = field(default_factory=dict)
    tree: list[dict] = field(default_factory=list)


INSTANCES = [
    Instance("", "990301", "封川县人民政府", ("gov", "office"), 2180),
    Instance("/fcjyj", "990311", "封川县教育局", ("jyj",), 3310),
    Instance("/fcwjj", "990312", "封川县卫生健康局", ("wjj",), 3420),
    Instance("/fcjkz", "990321", "封川县江口镇人民政府", ("jkz",), 4510),
    Instance("/fcdzz", "990322", "封川县大洲镇人民政府", ("dzz",), 4620, single_page=True),
]


def fengchuan(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990301",
        name="封川县",
        province="广东省",
        prefecture="肇庆市",
        url=f"http://{HOST}/",
        archetype="gkmlpt",
        outcome="ok",
        reason="gkmlpt: TREE in window._CONFIG + JSON API, county and four path-prefixed "
        "sub-sites on one host",
        hosts=[HOST],
        platform="gkmlpt",
        section="portals.md §1.6, §5.2 archetype 3",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "封川县人民政府", "government", "封川县"),
            ("office", "封川县人民政府办公室", "office", "县府办"),
            ("jyj", "封川县教育局", "department", "县教育局"),
            ("wjj", "封川县卫生健康局", "department", "县卫健局"),
            ("jkz", "封川县江口镇人民政府", "township", "江口镇"),
            ("dzz", "封川县大洲镇人民政府", "township", "大洲镇"),
        ],
    )
    make_reports(
        p,
        {
            "gov": range(2019, 2025),
            "office": range(2019, 2025),
            "jyj": range(2020, 2025),
            "wjj": range(2021, 2025),
            "jkz": range(2021, 2025),
            "dzz": range(2022, 2025),
        },
        shapes={"office": "b", "wjj": "d", "jkz": "a"},
        printed={"gov": "封川县", "jkz": "江口镇", "dzz": "封川县大洲镇"},
    )
    for key, year, fmt in (("gov", 2022, "pdf"), ("office", 2023, "docx"), ("wjj", 2024, "pdf")):
        r = p.report(key, year)
        r.fmt, r.carrier = fmt, "attachment"
    p.decoys += [
        decoy(
            p, "rule_of_law", 2022, dt.date(2023, 3, 20), note="in the 法治政府建设年度报告 node"
        ),
        decoy(
            p, "rule_of_law", 2023, dt.date(2024, 3, 22), note="in the 法治政府建设年度报告 node"
        ),
        decoy(p, "notice", 2023, dt.date(2023, 12, 12), note="in the 年报 › 2023年 node"),
        decoy(p, "work_report", 2024, dt.date(2024, 1, 30), note="behind the TREE jump_url node"),
    ]
    return finish(p)


SPA_JS = """/* gkmlpt app (farm build): renders the TREE and the list of the category in the hash */
(function () {
  var C = window._CONFIG, app = document.getElementById('app');
  function tree(nodes) {
    return '<ul>' + nodes.map(function (n) {
      var href = n.jump_url ? n.jump_url : '#' + n.id;
      return '<li><a href="' + href + '">' + n.name + '</a>' +
        (n.children && n.children.length ? tree(n.children) : '') + '</li>';
    }).join('') + '</ul>';
  }
  function show() {
    var id = location.hash.replace('#', '');
    var list = document.getElementById('list');
    if (!id) { list.innerHTML = ''; return; }
    fetch(C.BASE + '/gkmlpt/api/all/' + id + '?page=1&sid=' + C.SID)
      .then(function (r) { return r.json(); })
      .then(function (d) {
        list.innerHTML = '<ul class="table-content">' + d.articles.map(function (a) {
          return '<li><a href="' + a.url + '">' + a.title + '</a></li>';
        }).join('') + '</ul>';
      });
  }
  app.innerHTML = '<div class="tree">' + tree(C.TREE) + '</div><div id="list"></div>';
  window.addEventListener('hashchange', show); show();
})();
"""

DETAIL_JS = """(function () {
  var D = window._CONFIG.DETAIL, app = document.getElementById('app');
  app.innerHTML = '<h1 class="title">' + D.title + '</h1><a class="document-number">' +
    (D.document_number || '') + '</a><div class="article-content">' + D.content + '</div>';
})();
"""


class GkmlptSite(Site):
    server_header = "nginx"

    def build(self) -> None:
        self.add_host(HOST, tls=TLS_REFUSED, robots="User-agent: *\nAllow: /\n")
        self.add(HOST, "/gkmlpt/static/js/app.js", SPA_JS, "application/javascript")
        self.add(HOST, "/gkmlpt/static/js/detail.js", DETAIL_JS, "application/javascript")
        self.instances: dict[str, Instance] = {}
        for inst in INSTANCES:
            inst = Instance(
                inst.prefix, inst.sid, inst.name, inst.agency_keys, inst.root, inst.single_page
            )
            self.instances[inst.prefix] = inst
            self._instance(inst)
        self._static_pages()
        self.route(HOST, r"(/\w+)?/gkmlpt/index", self.index)
        self.route(HOST, r"(/\w+)?/gkmlpt/api/all/\d+", self.api)

    def _page(self, title: str, body: str, meta: dict | None = None, head: str = "") -> str:
        m = {"SiteName": "封川县人民政府", "SiteIDCode": SITE_CODE}
        m.update(meta or {})
        return page(
            site="封川县人民政府",
            title=title,
            body=body,
            meta=m,
            nav=[
                ("首页", "/"),
                ("政务公开", "/zwgk/"),
                ("政务服务", "/zwfw/"),
                ("互动交流", "/hdjl/"),
            ],
            site_code=SITE_CODE,
            icp="粤ICP备99000004号",
            head_extra=head,
        )

    def _static_pages(self) -> None:
        self.add(
            HOST,
            "/",
            self._page(
                "封川县人民政府",
                '<div class="entry"><a href="/zwgk/">政务公开</a> '
                '<a href="/gkmlpt/index">政府信息公开</a></div>',
            ),
        )
        self.add(
            HOST,
            "/zwgk/",
            self._page(
                "政务公开",
                '<ul><li><a href="/gkmlpt/index">政府信息公开目录</a></li>'
                '<li><a href="/zwgk/bmxxgk/">部门信息公开</a></li>'
                '<li><a href="/zwgk/zjxxgk/">镇街信息公开</a></li></ul>',
                {"ColumnName": "政务公开"},
            ),
        )
        for path, title, prefixes in (
            ("/zwgk/bmxxgk/", "部门信息公开", ("/fcjyj", "/fcwjj")),
            ("/zwgk/zjxxgk/", "镇街信息公开", ("/fcjkz", "/fcdzz")),
        ):
            lis = "".join(
                f'<li><a href="{pf}/gkmlpt/index">{esc(self.instances[pf].name)}</a></li>'
                for pf in prefixes
            )
            self.add(HOST, path, self._page(title, f"<ul>{lis}</ul>", {"ColumnName": title}))
        wr = [d for d in self.portal.decoys if d.kind == "work_report"]
        lis = ""
        for d in wr:
            path = f"/zwgk/zfgzbg/content/post_{number_id(d.title, 100000, 999999)}.html"
            doc = self._page(
                d.title, f'<div class="article-content">{decoy_body(d, self.portal)}</div>'
            )
            self.register_decoy(d, self.add(HOST, path, doc, last_modified=d.published))
            lis += f'<li><a href="{path}">{esc(d.title)}</a><span>{d.published}</span></li>'
        self.add(HOST, "/zwgk/zfgzbg/", self._page("政府工作报告", f"<ul>{lis}</ul>"))

    def _instance(self, inst: Instance) -> None:
        reps = [r for r in self.portal.reports if r.agency.key in inst.agency_keys]
        root_id = inst.root
        years = sorted({r.year for r in reps}, reverse=True)
        children = []
        for i, y in enumerate(years):
            cid = root_id + 1 + i
            children.append({"id": cid, "name": f"{y}年", "children": [], "jump_url": ""})
            inst.articles[cid] = [self._post(inst, r, cid) for r in reps if r.year == y]
        if inst.prefix == "":
            for d in self.portal.decoys:
                if d.kind == "notice":
                    cid = next(c["id"] for c in children if c["name"] == "2023年")
                    inst.articles[cid].append(self._decoy_post(inst, d, cid))
        inst.articles[root_id] = [a for c in children for a in inst.articles[c["id"]]]
        tree = [
            {"id": root_id - 70, "name": "政府信息公开指南", "children": [], "jump_url": ""},
            {"id": root_id - 60, "name": "政府信息公开制度", "children": [], "jump_url": ""},
            {"id": root_id, "name": "政府信息公开年报", "children": children, "jump_url": ""},
        ]
        inst.articles[root_id - 70] = []
        inst.articles[root_id - 60] = []
        if inst.prefix == "":
            lid = root_id + 50
            tree.append({"id": lid, "name": "法治政府建设年度报告", "children": [], "jump_url": ""})
            inst.articles[lid] = [
                self._decoy_post(inst, d, lid)
                for d in self.portal.decoys
                if d.kind == "rule_of_law"
            ]
            tree.append(
                {
                    "id": root_id + 60,
                    "name": "政府工作报告",
                    "children": [],
                    "jump_url": f"http://{HOST}/zwgk/zfgzbg/",
                }
            )
        for node in _walk(tree):
            node["post_count"] = len(inst.articles.get(node["id"], []))
            inst.nodes[node["id"]] = node
        inst.tree = tree
        for arts in inst.articles.values():
            arts.sort(key=lambda a: -a["display_publish_time"])

    def _post(self, inst: Instance, rep: Report, cid: int) -> dict:
        pid = number_id(rep.id, 100000, 999999)
        detail_path = f"{inst.prefix}/gkmlpt/content/{pid // 1000000}/{pid // 1000}/post_{pid}.html"
        attachments = []
        content = report_html(rep)
        if rep.carrier == "attachment":
            ext = rep.fmt
            apath = f"{inst.prefix}/attachment/0/{pid % 97}/{pid // 10}/{pid}.{ext}"
            ctype = {
                "pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }[ext]
            self.add(HOST, apath, self.document(f"{rep.id}.{ext}"), ctype, rep.published)
            rep.document_urls.append(self.url(HOST, apath))
            attachments.append({"name": f"{rep.title}.{ext}", "url": apath, "ext": ext})
            content = (
                f"<p>{esc(rep.title)}详见附件。</p>"
                f'<p><a href="{apath}">{esc(rep.title)}.{ext}</a></p>'
            )
        ts = _unix(rep.published, 10)
        article = {
            "id": pid,
            "title": rep.title,
            "url": self.url(HOST, detail_path),
            "post_url": detail_path,
            "created_at": f"{rep.published.isoformat()} 10:00:00",
            "date": ts,
            "display_publish_time": ts,
            "document_number": "",
            "identifier": f"{rep.agency.credit_code}/{rep.published.year}-{pid % 100000:05d}",
            "publisher": rep.agency.name,
            "attachment": attachments,
        }
        detail = {**article, "content": content, "classify_id": cid}
        self.register_report_page(
            rep,
            self.add(
                HOST, detail_path, self._detail_page(inst, detail), last_modified=rep.published
            ),
        )
        return article

    def _decoy_post(self, inst: Instance, d: Decoy, cid: int) -> dict:
        pid = number_id(d.title, 100000, 999999)
        path = f"{inst.prefix}/gkmlpt/content/{pid // 1000000}/{pid // 1000}/post_{pid}.html"
        ts = _unix(d.published, 9)
        article = {
            "id": pid,
            "title": d.title,
            "url": self.url(HOST, path),
            "post_url": path,
            "created_at": f"{d.published.isoformat()} 09:00:00",
            "date": ts,
            "display_publish_time": ts,
            "document_number": "",
            "identifier": "",
            "publisher": "封川县人民政府办公室",
            "attachment": [],
        }
        detail = {**article, "content": decoy_body(d, self.portal), "classify_id": cid}
        self.register_decoy(
            d, self.add(HOST, path, self._detail_page(inst, detail), last_modified=d.published)
        )
        return article

    def _detail_page(self, inst: Instance, detail: dict) -> str:
        data = json.dumps(detail, ensure_ascii=False).replace("</", "<\\/")
        head = (
            f"<script>window._CONFIG = window._CONFIG || {{}}; window._CONFIG.SID = '{inst.sid}';"
            f"\nwindow._CONFIG.DETAIL = {data};</script>"
        )
        return self._page(
            detail["title"],
            '<div id="app"></div><script src="/gkmlpt/static/js/detail.js"></script>',
            {"ArticleTitle": detail["title"], "ContentSource": detail["publisher"]},
            head,
        )

    def index(self, req: Request) -> Response:
        prefix = req.path[: -len("/gkmlpt/index")]
        inst = self.instances.get(prefix)
        if inst is None:
            return self.not_found(req)
        config = {
            "SID": inst.sid,
            "BASE": inst.prefix,
            "SITE_NAME": inst.name,
            "SERVICE_AREA_ID": 441299,
            "TREE": inst.tree,
        }
        head = "<script>window._CONFIG = " + json.dumps(config, ensure_ascii=False) + ";</script>"
        doc = self._page(
            f"政府信息公开 - {inst.name}",
            '<div id="app"><!-- rendered by app.js --></div>'
            '<script src="/gkmlpt/static/js/app.js"></script>',
            {"ColumnName": "政府信息公开"},
            head,
        )
        return html(doc)

    def api(self, req: Request) -> Response:
        prefix, _, rest = req.path.partition("/gkmlpt/api/all/")
        inst = self.instances.get(prefix)
        cat = int(rest)
        if inst is None or cat not in inst.nodes:
            return json_response({"error": "classify not found"}, 404)
        if req.query.get("sid", inst.sid) != inst.sid:
            return json_response({"total": 0, "articles": [], "classify": {}})
        try:
            page_no = max(1, int(req.query.get("page", "1")))
        except ValueError:
            page_no = 1
        arts = inst.articles.get(cat, [])
        if inst.single_page:
            if page_no > 1:
                return html("<html><body><h1>404 Not Found</h1></body></html>", 404)
            chunk = arts
        else:
            chunk = arts[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        node = inst.nodes[cat]
        return json_response(
            {
                "total": len(arts),
                "page": page_no,
                "articles": chunk,
                "classify": {"id": cat, "name": node["name"], "post_count": len(arts)},
            }
        )


def _unix(day: dt.date, hour: int) -> int:
    return int(dt.datetime.combine(day, dt.time(hour), tzinfo=CST).timestamp())


def _walk(nodes: list[dict]):
    for n in nodes:
        yield n
        yield from _walk(n.get("children", []))


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> GkmlptSite:
    return GkmlptSite(portal, content, state)
