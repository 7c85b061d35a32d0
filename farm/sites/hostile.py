"""Archetype 6: a hostile and broken county portal (portals.md §4.1–§4.5, §4.7, §5.2 archetype 6).

One long-tail CMS with most of the obstacles real crawlers meet, each on a known path:

==============================  ==========================================================
registry URL (old domain)       ``http://www.yixi.gov.cn.test/*`` → 301 to the new domain (https)
http on the new domain          200 + a 1166-byte ``location.replace`` JS stub to https
``/robots.txt``                 ``Crawl-delay: 1`` (× time scale)
rate guard                      3 requests within 1 s (× time scale) → 429 + Retry-After
``/`` and the 年报 column        slow first byte (3 s × time scale)
``/zwgk/…``                     302 to itself with ``Set-Cookie: CT6T=…`` unless the cookie is sent
``/zwgk/xxgknb/index.html``     502, then 503, then 200 (per farm run, see ``Farm.reset``)
article pages                   until the homepage has been fetched *after* a first tiny answer,
                                every article answers a tiny 200 body (< 300 B) — WAF warm-up
two report articles             8 s and 15 s to first byte (× time scale)
``/xxgk/``                      a 160-byte ``location.replace`` shell
``/old/xxgknb/``                a two-step redirect loop
``/hdjl/wsdc/``                 accepts the request and never answers
``/zwgk/zwdt/index_N.html``     an endless pagination trap with new junk links on every page
unknown paths                   soft-404: the homepage with 200 (real 404 under the CMS's own
                                article and upload paths)
one report article              GBK bytes declared UTF-8 (header and meta)
dead links                      a 404 article, a 404 attachment, a truncated attachment (the
                                connection closes before Content-Length), a 60 MB attachment
bare-IP host                    ``http://192.0.2.10:8080/`` (TEST-NET, only via the proxy) holds
                                older township reports; linked from the homepage — accept it
spam mirror                     ``www.88news-hub.test`` copies one report page; linked from the
                                friend links — never archive it
==============================  ==========================================================
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import time

from ..content import ContentStore
from ..http import Request, Response, html, redirect
from ..model import Decoy, Portal, Report
from ..pages import esc, page
from .base import TLS_BROKEN, TLS_OK, TLS_REFUSED, FarmState, Site
from .common import decoy, decoy_body, finish, make_agencies, make_reports, number_id, report_html
from .mini import add_minisite

OLD = "www.yixi.gov.cn.test"
NEW = "www.yxx.gov.cn.test"
BARE = "192.0.2.10:8080"
MIRROR = "www.88news-hub.test"
SITE_CODE = "3611990001"
PER_PAGE = 8
OVERSIZE = 60 * 1024 * 1024
SLOW_ARTICLES = {"990601-gov-2024": 15.0, "990601-ttx-2022": 8.0}
RATE_LIMIT = 3  # requests within one (scaled) second that trigger 429


def yixi(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990601",
        name="弋溪县",
        province="江西省",
        prefecture="上饶市",
        url=f"http://{OLD}/",
        archetype="hostile",
        outcome="partial",
        reason="reports behind dead links, a truncated and an oversized attachment cannot be "
        "archived; everything else is reachable past redirects, cookie gate, WAF warm-up, "
        "transient 5xx and slow pages",
        hosts=[OLD, NEW, BARE],
        section="portals.md §4.1–§4.5, §4.7, §5.2 archetype 6",
    )
    p.agencies = make_agencies(
        p.code,
        [
            ("gov", "弋溪县人民政府", "government", "弋溪县"),
            ("office", "弋溪县人民政府办公室", "office", "县政府办"),
            ("fgw", "弋溪县发展和改革委员会", "department", "县发改委"),
            ("mzj", "弋溪县民政局", "department", "县民政局"),
            ("sfj", "弋溪县司法局", "department", "县司法局"),
            ("hkz", "弋溪县河口镇人民政府", "township", "河口镇"),
            ("ttx", "弋溪县桃溪乡人民政府", "township", "桃溪乡"),
        ],
    )
    main = range(2022, 2025)
    make_reports(
        p,
        {
            "gov": main,
            "office": main,
            "fgw": main,
            "mzj": main,
            "sfj": main,
            "hkz": range(2020, 2025),
            "ttx": range(2021, 2025),
        },
        shapes={"office": "b", "hkz": "a", "ttx": "d"},
        printed={"gov": "弋溪县", "hkz": "河口镇", "ttx": "桃溪乡"},
    )

    def s(key: str, year: int, **kw) -> None:
        rep = p.report(key, year)
        for k, v in kw.items():
            setattr(rep, k, v)

    for key, year in (("hkz", 2020), ("hkz", 2021), ("ttx", 2021)):
        s(key, year, note="on the bare-IP legacy host 192.0.2.10:8080")
    s("gov", 2024, note="15 s to first byte (× time scale)")
    s("ttx", 2022, note="8 s to first byte (× time scale)")
    s("office", 2023, note="GBK bytes declared as UTF-8 (header and meta)")
    s("fgw", 2022, must_archive=False, fault="dead-article", note="listed, article answers 404")
    s(
        "mzj",
        2023,
        fmt="pdf",
        carrier="attachment",
        must_archive=False,
        fault="dead-attachment",
        note="the article's only attachment answers 404",
    )
    s(
        "sfj",
        2024,
        fmt="pdf",
        carrier="attachment",
        must_archive=False,
        fault="truncated",
        note="attachment: Content-Length larger than the body, connection closed",
    )
    s(
        "hkz",
        2023,
        fmt="pdf",
        carrier="attachment",
        must_archive=False,
        fault="oversize",
        note="attachment is 60 MB, above a 50 MB download cap",
    )
    s("ttx", 2024, fmt="pdf", carrier="attachment")
    p.decoys += [
        decoy(p, "news", 2024, dt.date(2024, 2, 27)),
        decoy(p, "work_report", 2024, dt.date(2024, 1, 18)),
    ]
    finish(p)
    gov = p.report("gov", 2023)
    p.decoys.append(
        Decoy(
            p.code,
            gov.title,
            "mirror",
            gov.published,
            note=f"a spam host ({MIRROR}) copying the page of {gov.id}",
        )
    )
    return p


def _pad(text: str, size: int) -> str:
    data = text.encode()
    assert len(data) <= size, (len(data), size)
    return text + " " * (size - len(data))


class HostileSite(Site):
    server_header = "openresty"

    def prefers_https(self, host: str) -> bool:
        return host == NEW

    def build(self) -> None:
        scale = self.state.time_scale
        self.add_host(OLD, tls=TLS_REFUSED)
        self.add_host(
            NEW,
            tls=TLS_BROKEN if "broken-certificate" in self.state.mutations else TLS_OK,
            robots=f"User-agent: *\nCrawl-delay: {1 * scale:g}\nDisallow: /admin/\n",
        )
        self.add_host(BARE, tls=TLS_REFUSED)
        self.add_host(MIRROR, tls=TLS_REFUSED, robots="User-agent: *\nAllow: /\n")
        bare = [r for r in self.portal.reports if r.year < 2022]
        main = [r for r in self.portal.reports if r.year >= 2022]
        add_minisite(self, BARE, "弋溪县政府信息公开网", bare, site_code=SITE_CODE)
        self.slow: dict[str, float] = {"/": 3.0, "/index.html": 3.0, "/zwgk/xxgknb/index.html": 3.0}
        self.attachments: dict[str, Report] = {}
        self.article_paths: set[str] = set()
        items: list[tuple[str, Report | Decoy]] = []
        for rep in main:
            items.append((self._article(rep), rep))
        for d in self.portal.decoys:
            if d.kind != "mirror":
                items.append((self._decoy_article(d), d))
        items.sort(key=lambda x: (x[1].published, x[1].title), reverse=True)
        self._column(items)
        self._static()
        self._mirror()
        self.rate: collections.deque[float] = collections.deque(maxlen=64)

    def _page(self, title: str, body: str, meta: dict | None = None, charset: str = "utf-8") -> str:
        return page(
            site="弋溪县人民政府",
            title=title,
            body=body,
            meta={"SiteName": "弋溪县人民政府", "SiteIDCode": SITE_CODE, **(meta or {})},
            nav=[
                ("首页", "/"),
                ("政务公开", "/xxgk/"),
                ("政务动态", "/zwgk/zwdt/index.html"),
                ("网上调查", "/hdjl/wsdc/"),
                ("旧版年报", "/old/xxgknb/"),
            ],
            site_code=SITE_CODE,
            icp="赣ICP备99000007号",
            charset=charset,
        )

    def _static(self) -> None:
        home = self._page(
            "弋溪县人民政府",
            f"""<div class="zwgk"><a href="/zwgk/index.html">政府信息公开</a>
<a href="/zwgk/xxgknb/index.html">政府信息公开年报</a></div>
<div class="links"><h3>友情链接</h3><ul>
<li><a href="http://{BARE}/">弋溪县政府信息公开网（原平台）</a></li>
<li><a href="http://{MIRROR}/">弋溪新闻网</a></li></ul></div>""",
        )
        self.home = home.encode()
        self.add(NEW, "/", home)
        self.add(NEW, "/index.html", home)
        self.add(
            NEW,
            "/zwgk/index.html",
            self._page(
                "政府信息公开",
                '<ul><li><a href="/zwgk/xxgknb/index.html">政府信息公开年报</a></li>'
                '<li><a href="/zwgk/zwdt/index.html">政务动态</a></li></ul>',
                {"ColumnName": "政府信息公开"},
            ),
        )

    def _column(self, items: list[tuple[str, Report | Decoy]]) -> None:
        n_pages = max(1, -(-len(items) // PER_PAGE))
        for n in range(n_pages):
            chunk = items[n * PER_PAGE : (n + 1) * PER_PAGE]
            lis = "".join(
                f'<li><a href="{p}">{esc(it.title)}</a><span>{it.published}</span></li>'
                for p, it in chunk
            )
            pager = " ".join(
                f'<a href="{"index" if k == 0 else f"index_{k + 1}"}.html">{k + 1}</a>'
                for k in range(n_pages)
            )
            doc = self._page(
                "政府信息公开年报",
                f'<ul class="list">{lis}</ul><div class="page">{pager}</div>',
                {"ColumnName": "政府信息公开年报"},
            )
            target = "/zwgk/xxgknb/index.html" if n == 0 else f"/zwgk/xxgknb/index_{n + 1}.html"
            self.add(NEW, target, doc, last_modified=chunk[0][1].published)

    def _article(self, rep: Report) -> str:
        path = f"/zwgk/xxgknb/content_{number_id(rep.id, 100000, 999999)}.html"
        self.article_paths.add(path)
        if rep.id in SLOW_ARTICLES:
            self.slow[path] = SLOW_ARTICLES[rep.id]
        body = report_html(rep)
        if rep.carrier == "attachment":
            d = rep.published
            apath = f"/uploadfiles/{d:%Y}/{d:%m%d}/{number_id(rep.id, 10**9, 10**10)}.pdf"
            self.attachments[apath] = rep
            rep.document_urls.append(self.url(NEW, apath))
            if rep.fault not in ("dead-attachment", "truncated", "oversize"):
                self.add(NEW, apath, self.document(f"{rep.id}.pdf"), "application/pdf", d)
            body = f'<p>详见附件：<a href="{apath}">{esc(rep.title)}.pdf</a></p>'
        if rep.fault == "dead-article":
            rep.page_url = self.url(NEW, path)
            return path
        gbk = "GBK bytes" in rep.note
        charset = "gbk" if gbk else "utf-8"
        doc = self._page(
            rep.title,
            f'<h1 class="article-title">{esc(rep.title)}</h1>'
            f'<div class="article-info">发布日期：{rep.published} '
            f"来源：{esc(rep.agency.name)}</div>"
            f'<div class="article-content">{body}</div>',
            {"ArticleTitle": rep.title, "PubDate": f"{rep.published} 15:00"},
            charset="utf-8",
        )
        url = self.add(
            NEW,
            path,
            doc.encode(charset),
            "text/html; charset=utf-8",
            last_modified=rep.published,
        )
        self.register_report_page(rep, url)
        return path

    def _decoy_article(self, d: Decoy) -> str:
        path = f"/zwgk/xxgknb/content_{number_id(d.title, 100000, 999999)}.html"
        self.article_paths.add(path)
        doc = self._page(
            d.title,
            f'<h1 class="article-title">{esc(d.title)}</h1>'
            f'<div class="article-content">{decoy_body(d, self.portal)}</div>',
            {"ArticleTitle": d.title},
        )
        self.register_decoy(d, self.add(NEW, path, doc, last_modified=d.published))
        return path

    def _mirror(self) -> None:
        mirror = next(d for d in self.portal.decoys if d.kind == "mirror")
        gov = self.portal.report("gov", 2023)
        path = gov.page_url.split(NEW, 1)[1]
        src = self.static[(NEW, path)].body.decode()
        spam = (
            '<div class="ad" style="background:#ffe">【热门】最新娱乐资讯 · 在线开奖 · '
            '<a href="/ent/">点击进入</a></div>'
        )
        copy = src.replace('<div class="main w1200">', '<div class="main w1200">' + spam)
        self.register_decoy(mirror, self.add(MIRROR, path, copy, last_modified=gov.published))
        self.add(
            MIRROR,
            "/",
            f"""<html><head><meta charset="utf-8"><title>弋溪新闻网 - 娱乐资讯</title></head>
<body><h1>弋溪新闻网</h1><ul><li><a href="{path}">{esc(gov.title)}</a></li>
<li><a href="/ent/">最新娱乐资讯</a></li></ul></body></html>""",
        )

    # ---- the faults -------------------------------------------------------------------------

    def before(self, req: Request) -> Response | None:
        scale = self.state.time_scale
        if req.host == OLD:
            return redirect(f"https://{NEW}{req.target}", 301)
        if req.host != NEW:
            return None
        if req.scheme == "http":
            target = f"https://{NEW}{req.target}"
            stub = (
                '<html><head><meta charset="utf-8"><script>'
                f'window.location.replace("{target}");</script></head>'
                "<body><noscript>请开启JavaScript</noscript><!-- "
            )
            body = _pad(stub, 1166 - 4) + " -->"
            return html(body)
        now = time.monotonic()
        window = 1.0 * scale
        while self.rate and now - self.rate[0] > window:
            self.rate.popleft()
        self.rate.append(now)
        if len(self.rate) >= RATE_LIMIT:
            retry = max(1, round(2 * scale))
            return html(
                "<h1>429 Too Many Requests</h1>", 429, headers=[("Retry-After", str(retry))]
            )
        path = req.path
        if path == "/hdjl/wsdc/":
            return Response(action="hang")
        if path == "/xxgk/":
            shell = (
                '<html><head><script>location.replace("/zwgk/index.html");</script></head></html>'
            )
            return html(_pad(shell, 160))
        if path == "/old/xxgknb/":
            return redirect("/old/xxgknb/index.html")
        if path == "/old/xxgknb/index.html":
            return redirect("/old/xxgknb/")
        if path.startswith("/zwgk/") and req.cookies.get("CT6T") != "312900":
            return redirect(req.target, 302, [("Set-Cookie", "CT6T=312900; path=/; HttpOnly")])
        if path in ("/", "/index.html"):
            if self.state.flags.get("yxx:tiny-served"):
                self.state.flags["yxx:warm"] = True
            return None
        if path == "/zwgk/xxgknb/index.html":
            n = self.state.hit("yxx:column")
            if n == 1:
                return html("<html><body><h1>502 Bad Gateway</h1></body></html>", 502)
            if n == 2:
                return html("<html><body><h1>503 Service Unavailable</h1></body></html>", 503)
        if path in self.article_paths and not self.state.flags.get("yxx:warm"):
            self.state.flags["yxx:tiny-served"] = True
            tiny = "<html><head><script>var _w=1;</script></head><body></body></html>"
            return html(tiny)
        if path.startswith("/zwgk/zwdt/"):
            return self._trap(req)
        rep = self.attachments.get(path)
        if rep is not None and rep.fault == "truncated":
            data = self.document(f"{rep.id}.pdf")
            return Response(
                200,
                [("Content-Type", "application/pdf")],
                data[: len(data) * 2 // 5],
                content_length=len(data),
                action="close",
            )
        if rep is not None and rep.fault == "oversize":
            return Response(
                200,
                [("Content-Type", "application/pdf")],
                stream=_oversize_stream,
                content_length=OVERSIZE,
            )
        return None

    def after(self, req: Request, resp: Response) -> Response:
        if req.host == NEW and req.scheme == "https" and resp.status == 200:
            resp.delay = max(resp.delay, self.slow.get(req.path, 0.0))
        return super().after(req, resp)

    def _trap(self, req: Request) -> Response:
        """An endless list: every index_N page links index_{N+1} and ten new junk articles."""
        path = req.path
        name = path.rsplit("/", 1)[1]
        if name in ("", "index.html") or (name.startswith("index_") and name.endswith(".html")):
            n = 1 if name in ("", "index.html") else int(name[6:-5] or 1)
            lis = "".join(
                f'<li><a href="/zwgk/zwdt/{n}/{k}.html">弋溪县政务动态第{n}期（{k}）</a>'
                f"<span>2025-03-{(n + k) % 28 + 1:02d}</span></li>"
                for k in range(1, 11)
            )
            doc = self._page(
                "政务动态",
                f'<ul class="list">{lis}</ul><div class="page">'
                f'<a href="/zwgk/zwdt/index_{n + 1}.html">下一页</a></div>',
                {"ColumnName": "政务动态"},
            )
            return html(doc)
        return html(self._page("政务动态", "<p>本期政务动态内容。</p>"))

    def not_found(self, req: Request) -> Response:
        if req.host == NEW and (
            req.path.startswith("/uploadfiles/") or req.path.startswith("/zwgk/xxgknb/content_")
        ):
            return super().not_found(req)
        if req.host == NEW:  # soft-404: the homepage, status 200
            return html(self.home)
        return super().not_found(req)


async def _oversize_stream():
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    chunk = os.urandom(64 * 1024)
    sent = 0
    yield head
    sent += len(head)
    while sent < OVERSIZE:
        piece = chunk[: OVERSIZE - sent]
        sent += len(piece)
        yield piece


def build_site(portal: Portal, content: ContentStore, state: FarmState) -> HostileSite:
    return HostileSite(portal, content, state)
