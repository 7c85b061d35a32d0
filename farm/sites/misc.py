"""Portals without anything to archive (portals.md §3, §4.1, §4.5, §5.2 archetype 6).

* 顺河区: a perfectly crawlable small portal whose robots.txt says ``Disallow: /`` → ``disallowed``
  (its reports are in the manifest with ``must_archive: false``; an explicit per-portal robots
  override would find them).
* 安澜县: the host does not answer — the proxy closes every connection to it → ``unreachable``.
* 云岫县: reachable, but its 政务公开 tree has no 年报 column; guessed paths (``/xxgk/zfxxgknb/``,
  ``/zwgk/ndbg/`` …) answer the homepage with 200 (soft-404), and the notices column holds a
  年度报告编制发布工作的通知 and a 法治政府建设年度报告 → ``no-column-found``.
"""

from __future__ import annotations

import datetime as dt

from ..content import ContentStore
from ..http import Request, Response, html
from ..model import Portal
from ..pages import esc, page
from .base import TLS_REFUSED, FarmState, Site
from .common import decoy, decoy_body, finish, make_agencies, make_reports
from .mini import add_minisite

DISALLOWED_HOST = "www.shunhe.gov.cn.test"
UNREACHABLE_HOST = "www.anlan.gov.cn.test"
NO_COLUMN_HOST = "www.yunxiu.gov.cn.test"


def shunhe(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990602",
        name="顺河区",
        province="北京市",
        prefecture="北京市",
        url=f"http://{DISALLOWED_HOST}/",
        archetype="disallowed",
        outcome="disallowed",
        reason="robots.txt: User-agent: * / Disallow: /",
        hosts=[DISALLOWED_HOST],
        section="portals.md §4.1 (顺义区 robots Disallow: /)",
    )
    p.agencies = make_agencies(p.code, [("gov", "顺河区人民政府", "government", "顺河区")])
    make_reports(p, {"gov": range(2022, 2025)}, printed={"gov": "北京市顺河区"})
    for r in p.reports:
        r.must_archive = False
        r.note = "robots.txt disallows the whole host"
    p.decoys.append(decoy(p, "notice", 2024, dt.date(2024, 12, 9)))
    return finish(p)


def anlan(mutations: frozenset[str] = frozenset()) -> Portal:
    return Portal(
        code="990603",
        name="安澜县",
        province="甘肃省",
        prefecture="定西市",
        url=f"http://{UNREACHABLE_HOST}/",
        archetype="unreachable",
        outcome="unreachable",
        reason="connection closed without a response on every attempt (http and https)",
        hosts=[UNREACHABLE_HOST],
        section="portals.md §4.2 (whole provinces unreachable), §5.2",
    )


class DisallowedSite(Site):
    def build(self) -> None:
        self.add_host(DISALLOWED_HOST, tls=TLS_REFUSED, robots="User-agent: *\nDisallow: /\n")
        add_minisite(
            self,
            DISALLOWED_HOST,
            "北京市顺河区人民政府",
            self.portal.reports,
            self.portal.decoys,
            site_code="1100990001",
        )


def build_disallowed(portal: Portal, content: ContentStore, state: FarmState) -> DisallowedSite:
    return DisallowedSite(portal, content, state)


def yunxiu(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990604",
        name="云岫县",
        province="云南省",
        prefecture="临沧市",
        url=f"http://{NO_COLUMN_HOST}/",
        archetype="no-column",
        outcome="no-column-found",
        reason="no 政府信息公开年报 column anywhere; unknown paths are a soft-404 (homepage, 200)",
        hosts=[NO_COLUMN_HOST],
        section="portals.md §3 (navigation), §4.5 (soft-404)",
    )
    p.decoys += [
        decoy(p, "notice", 2024, dt.date(2024, 12, 11), note="in 通知公告"),
        decoy(p, "rule_of_law", 2024, dt.date(2025, 3, 20), note="in 通知公告"),
    ]
    return p


class NoColumnSite(Site):
    """政务公开 with 指南 / 制度 / 政策文件 / 通知公告, and nothing that is a 年报 column."""

    def build(self) -> None:
        self.add_host(NO_COLUMN_HOST, tls=TLS_REFUSED)
        name = "云岫县人民政府"
        nav = [
            ("首页", "/"),
            ("政务公开", "/zwgk/"),
            ("通知公告", "/tzgg/"),
            ("互动交流", "/hdjl/"),
        ]

        def wrap(title: str, body: str) -> str:
            return page(site=name, title=title, body=body, nav=nav, site_code="5309990001")

        self.home = wrap(name, '<div class="entry"><a href="/zwgk/">政务公开</a></div>')
        self.add(NO_COLUMN_HOST, "/", self.home)
        self.add(
            NO_COLUMN_HOST,
            "/zwgk/",
            wrap(
                "政务公开",
                '<ul><li><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></li>'
                '<li><a href="/zwgk/zfxxgkzd/">政府信息公开制度</a></li>'
                '<li><a href="/zwgk/zcwj/">政策文件</a></li>'
                '<li><a href="/tzgg/">通知公告</a></li></ul>',
            ),
        )
        for sub, title in (("zfxxgkzn", "政府信息公开指南"), ("zfxxgkzd", "政府信息公开制度")):
            self.add(NO_COLUMN_HOST, f"/zwgk/{sub}/", wrap(title, "<p>内容维护中。</p>"))
        self.add(NO_COLUMN_HOST, "/zwgk/zcwj/", wrap("政策文件", "<ul></ul>"))
        lis = ""
        for d in self.portal.decoys:
            path = f"/tzgg/{d.published:%Y%m}/{d.kind}.html"
            doc = wrap(d.title, f"<h1>{esc(d.title)}</h1>" + decoy_body(d, self.portal))
            self.register_decoy(d, self.add(NO_COLUMN_HOST, path, doc, last_modified=d.published))
            lis += f'<li><a href="{path}">{esc(d.title)}</a><span>{d.published}</span></li>'
        self.add(NO_COLUMN_HOST, "/tzgg/", wrap("通知公告", f"<ul>{lis}</ul>"))

    def not_found(self, req: Request) -> Response:
        return html(self.home)  # soft-404


def build_no_column(portal: Portal, content: ContentStore, state: FarmState) -> NoColumnSite:
    return NoColumnSite(portal, content, state)
