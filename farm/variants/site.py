"""The running side of a variant: a :class:`Site` with lazily rendered resources, the page
chrome, articles and attachments, and the cross-cutting traits (cookie-reload stub,
third-party analytics, 网站标识码, robots.txt Crawl-delay).

Pages are registered as callables and rendered on first request, so building a variant costs a
few milliseconds even when it carries twenty reports with DOCX and PDF attachments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from ..documents import HALF_CORNER, TableStyle, report_body_html
from ..http import Request, Resource, Response, html, redirect
from ..model import Decoy, Portal, Report
from ..pages import esc, meta_tags
from ..sites.base import FARM_EPOCH, Site
from ..sites.common import decoy_body, finish, make_agencies, make_reports
from .docs import build_docx, build_pdf
from .world import Item, Variant

DOC_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ANALYTICS = {
    "baidu": '<script async src="https://hm.baidu.com/hm.js?{h}"></script>',
    "gtm": '<script async src="https://www.googletagmanager.com/gtag/js?id=G-{H}"></script>',
    "tongji": '<script async src="https://cdn.tongji.test/t.js?sid={h}"></script>',
}


VIEWER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>PDF.js viewer</title></head>
<body><div id="viewerContainer"></div><script>
var f = new URLSearchParams(location.search).get('file');
if (f) { var e = document.createElement('embed'); e.src = f; e.type = 'application/pdf';
  e.style.width = '100%'; e.style.height = '95vh';
  document.getElementById('viewerContainer').appendChild(e); }
</script></body></html>"""


class Lazy:
    def __init__(self, make: Callable[[], Resource]) -> None:
        self.make = make


class LazyStatic(dict):
    """``Site.static`` whose values may be :class:`Lazy`: rendered once, on first access."""

    def get(self, key, default=None):
        value = super().get(key, default)
        if isinstance(value, Lazy):
            value = value.make()
            self[key] = value
        return value


class VariantSite(Site):
    def __init__(self, v: Variant, state) -> None:
        self.v = v
        assert v.portal is not None
        super().__init__(v.portal, None, state)  # type: ignore[arg-type]
        self.static = LazyStatic()
        self.charset = "utf-8"
        self.declared_charset = "utf-8"  # what the header says (GBK sites may lie)
        self.meta_charset = ""  # what the page's meta says when it differs from the header
        self.theme = _theme(v)
        self.cookie_gate: tuple[str, str] | None = None
        self.analytics = [k for k in ANALYTICS if v.rng.random() < 0.45]
        v.knobs["analytics"] = self.analytics

    def build(self) -> None:  # families fill the site after construction
        pass

    def url(self, host: str, target: str) -> str:
        return self.v.url(target, host)

    # ---- registering ------------------------------------------------------------------

    def put(
        self,
        path: str,
        make: Callable[[], bytes | str],
        ctype: str | None = None,
        *,
        host: str | None = None,
        modified: dt.date | None = None,
        headers: list | None = None,
    ) -> str:
        host = host or self.v.host
        ctype = ctype or self.html_type()

        def build() -> Resource:
            body = make()
            if isinstance(body, str):
                body = body.encode(self.charset, "xmlcharrefreplace")
            lm = dt.datetime.combine(modified, dt.time(9, 30)) if modified else FARM_EPOCH
            return Resource(body, ctype, lm, True, list(headers or []))

        if (host, path) in self.static:  # two things at one URL: a generator bug
            raise ValueError(f"{self.v.family}:{self.v.seed}: {host}{path} registered twice")
        self.static[(host, path)] = Lazy(build)
        return self.v.url(path, host)

    def html_type(self) -> str:
        cs = self.declared_charset
        return f"text/html; charset={cs}" if cs else "text/html"

    # ---- chrome -----------------------------------------------------------------------

    def page(
        self,
        title: str,
        body: str,
        *,
        crumbs: list[tuple[str, str]] = (),  # type: ignore[assignment]
        meta: dict[str, str] | None = None,
        head: str = "",
        scripts: str = "",
    ) -> str:
        v, t = self.v, self.theme
        nav = "".join(f'<li><a href="{esc(h)}">{esc(x)}</a></li>' for x, h in self.nav)
        bc = ""
        if crumbs:
            sep = t["sep"]
            bc = (
                f'<div class="{t["crumb"]}">{t["here"]}'
                + sep.join(f'<a href="{esc(h)}">{esc(x)}</a>' for x, h in crumbs)
                + "</div>"
            )
        m = {"SiteName": f"{v.name}人民政府", "SiteDomain": v.host, "SiteIDCode": v.site_code}
        cs = self.meta_charset or self.declared_charset or self.charset
        cmeta = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={cs}">'
            if t["old_meta"]
            else f'<meta charset="{cs}">'
        )
        tags = "".join(
            ANALYTICS[k].format(h=hashlib.md5(f"{v.code}{k}".encode()).hexdigest(), H=v.code)
            for k in self.analytics
        )
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
{cmeta}
{meta_tags({**m, **(meta or {})})}
<title>{esc(title)}_{esc(v.name)}人民政府</title>
<link rel="stylesheet" href="/css/style.css">
{head}
</head><body>
<div class="{t["top"]}"><span>{esc(v.name)}人民政府门户网站</span>
<a href="javascript:;">无障碍</a> <a href="javascript:;">长者版</a>
<a href="{self.sitemap_href}">网站地图</a></div>
<div class="{t["nav"]}"><ul>{nav}</ul></div>
<div class="{t["main"]}">{bc}
{body}
</div>
<div class="{t["foot"]}"><p>主办：{esc(v.name)}人民政府办公室 网站标识码：{v.site_code}</p>
<p><a href="https://beian.miit.gov.cn/">ICP备{v.code}号</a> 公安机关备案号：{v.code}00000001号</p>
<p><a href="{self.sitemap_href}">网站地图</a> | <a href="/lxwm/">联系我们</a></p></div>
<script id="_jiucuo_" sitecode="{v.site_code}" src="/exposure/jiucuo.js"></script>
{tags}{scripts}
</body></html>"""

    nav: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()
    sitemap_href = "/wzdt/"

    # ---- articles and documents -------------------------------------------------------

    def doc_bytes(self, rep: Report) -> bytes:
        assert rep.truth is not None
        st = _style(rep)
        return build_pdf(rep.truth, st) if rep.fmt == "pdf" else build_docx(rep.truth, st)

    def add_document(self, rep: Report, path: str, *, host: str | None = None, ctype=None) -> str:
        ctype = ctype or self.v.knobs.setdefault(
            "doc_content_type", self.v.rng.choice(("exact", "exact", "octet"))
        )
        typ = DOC_TYPES[rep.fmt] if ctype == "exact" else "application/octet-stream"
        url = self.put(path, lambda: self.doc_bytes(rep), typ, host=host, modified=rep.published)
        rep.document_urls.append(url)
        return url

    def body_of(self, it: Item) -> str:
        if isinstance(it.obj, Decoy):
            if it.obj.kind == "neighbour":
                rep = neighbour_report(self.v, it.obj.published.year - 1)
                assert rep.truth is not None
                return report_body_html(rep.truth, TableStyle(labels="full"))
            if it.obj.kind == "work_points":
                return (
                    f"<p>为深入贯彻落实政务公开工作部署，结合{esc(self.v.name)}实际，"
                    f"制定{it.obj.published.year}年政务公开工作要点如下：</p>"
                    "<p>一、加强政策解读</p><p>二、做好政府信息公开工作年度报告编制发布</p>"
                    "<p>三、推进基层政务公开标准化规范化</p>"
                )
            return decoy_body(it.obj, self.portal)
        rep = it.obj
        assert rep.truth is not None
        return report_body_html(rep.truth, _style(rep))

    def attachment_html(self, rep: Report, url: str, label: str) -> str:
        """The link to the document, in one of the many places real articles put it (§4.7)."""
        url = href(self.v, url, rep.page_url)
        how = self.v.rng.choice(
            ("href", "href", "onclick", "script", "data", "iframe", "object", "table")
        )
        self.v.knobs.setdefault("attachment_styles", {})[rep.id] = how
        u, lb = esc(url, quote=True), esc(label)
        if how == "href":
            return f'<p>附件：<a href="{u}" target="_blank">{lb}</a></p>'
        if how == "onclick":
            return (
                f'<p>附件：<a href="javascript:void(0)" onclick="download(\'{u}\')">{lb}</a></p>'
                "<script>function download(u){window.open(u);}</script>"
            )
        if how == "script":
            return (
                '<div id="att"></div><script>var att = \'<a href="' + u + '">' + lb + "</a>';"
                "document.getElementById('att').innerHTML = '附件：' + att;</script>"
            )
        if how == "data":
            return (
                f'<div class="file-item" data-file="{u}" data-name="{lb}">{lb}</div>'
                "<script>document.querySelectorAll('.file-item').forEach(function(e){"
                "e.onclick=function(){location.href=e.getAttribute('data-file');};});</script>"
            )
        if how == "iframe":
            if rep.fmt == "pdf":
                if (self.v.tree_host, "/pdfjs/web/viewer.html") not in self.static:
                    self.put("/pdfjs/web/viewer.html", lambda: VIEWER, host=self.v.tree_host)
                return (
                    f'<iframe src="/pdfjs/web/viewer.html?file={u}" width="100%" height="800">'
                    "</iframe>"
                )
            return f'<iframe src="{u}" width="100%" height="60" title="{lb}"></iframe>'
        if how == "object":
            tag = "object" if rep.fmt == "pdf" else "embed"
            attr = "data" if tag == "object" else "src"
            return f'<{tag} {attr}="{u}" type="{DOC_TYPES[rep.fmt]}" width="100%" height="800">'
        return (
            '<table id="grdFileList" class="file-list"><tr><td>附件下载：</td>'
            f'<td><a href="{u}">{lb}</a></td></tr></table>'
        )

    # ---- traits -----------------------------------------------------------------------

    def before(self, req: Request) -> Response | None:
        if self.v.scheme == "https" and req.scheme == "http" and not req.host[0].isdigit():
            return redirect(f"https://{req.host}{req.target}", 301)
        if self.cookie_gate is None or req.host != self.v.host or req.method != "GET":
            return None
        name, value = self.cookie_gate
        res = self.static.get((req.host, req.target)) or self.static.get((req.host, req.path))
        if not isinstance(res, Resource) or not res.content_type.startswith("text/html"):
            return None
        if req.cookies.get(name) == value:
            return None
        return html(cookie_stub(name, value), headers=[("Cache-Control", "no-store")])

    def not_found(self, req: Request) -> Response:
        """Unknown paths: a real 404, or (soft-404 portals, §4.5) the home page with 200."""
        if self.v.knobs.get("soft_404") and req.host == self.v.host:
            home = self.static.get((req.host, self.v.home_path))
            if isinstance(home, Resource):
                return Response(200, [("Content-Type", home.content_type)], home.body)
        return super().not_found(req)

    def robots_text(self, delay: float | None, disallow: list[str]) -> str:
        lines = ["User-agent: *"]
        lines += [f"Disallow: {d}" for d in disallow] or ["Disallow:"]
        if delay:
            lines.append(f"Crawl-delay: {round(delay * self.state.time_scale, 3)}")
        return "\n".join(lines) + "\n"


def neighbour_report(v: Variant, year: int) -> Report:
    """The neighbouring county's own report (a complete, valid report that is not this
    portal's: its agency is the neighbour, its numbers its own)."""
    name = v.knobs["neighbour"]
    code = f"{v.code[:4]}{(int(v.code[4:]) + 50) % 100:02d}"
    other = Portal(
        code=code,
        name=name,
        province=v.province,
        prefecture=v.prefecture,
        url="",
        archetype="neighbour",
        outcome="",
        reason="",
    )
    other.agencies = make_agencies(code, [("gov", f"{name}人民政府", "government", name)])
    make_reports(other, {"gov": [year]}, printed={"gov": name})
    return finish(other).reports[0]


def cookie_stub(name: str, value: str) -> str:
    """~1 KB: builds the cookie from char codes (so it is not a literal in the HTML) and
    reloads. A browser passes; a client that does not run scripts never sees the page."""
    key = sum(map(ord, name)) % 50 + 7
    codes = ",".join(str(ord(c) ^ key) for c in value)
    pad = "".join(f"var _0x{i:x}=[{i * 7 % 13},{i * 3 % 11}];" for i in range(40))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>'
        f"<script>{pad}(function(){{var k={key},a=[{codes}],s='';"
        "for(var i=0;i<a.length;i++){s+=String.fromCharCode(a[i]^k);}"
        f"document.cookie='{name}='+s+'; path=/';location.reload();}})();</script>"
        "</body></html>"
    )


def _style(rep: Report) -> TableStyle:
    h = int(hashlib.md5(rep.id.encode()).hexdigest(), 16)
    return TableStyle(labels="half", corner=HALF_CORNER) if h % 4 == 0 else TableStyle("full")


def _theme(v: Variant) -> dict[str, str | bool]:
    r = v.rng
    pre = r.choice(("", "gl_", "xxgk-", "zw_", "m-", "cms-"))
    return {
        "top": r.choice(("topbar", "top", "header-top", "site-top")),
        "nav": r.choice(("nav", "menu", "navbar", "main-nav", "daohang")),
        "main": r.choice(("main w1200", "container", "content-wrap", "wrap")),
        "foot": r.choice(("footer", "foot", "bottom", "site-footer")),
        "crumb": r.choice(("position", "location", "crumbs", "bread", "dqwz")),
        "here": r.choice(("您现在的位置：", "当前位置：", "所在位置：", "")),
        "sep": r.choice((" &gt; ", "&gt;&gt;", " / ", " » ")),
        "list": pre + r.choice(("list", "news_list", "lists", "listbox", "article-list")),
        "list_tag": r.choice(("ul", "ul", "table", "div")),
        "date_tag": r.choice(("span", "em", "i", "b", "font")),
        "title_id": r.choice(("title", "art_title", "ivs_title", "con_title", "articleTitle")),
        "body_sel": r.choice(("zoom", "ivs_content", "content", "UCAP-CONTENT", "article")),
        "old_meta": r.random() < 0.4,
    }


def href(v: Variant, url: str, base: str | None) -> str:
    """``url`` as the page at ``base`` writes it: absolute, root-relative or relative."""
    style = v.knobs.setdefault("href_style", v.rng.choice(("abs", "root", "root", "rel")))
    if base is None or style == "abs":
        return url
    (s1, rest1), (s2, rest2) = url.split("://", 1), base.split("://", 1)
    h1, _, p1 = rest1.partition("/")
    h2, _, p2 = rest2.partition("/")
    if (s1, h1) != (s2, h2):
        return url
    if style == "root":
        return "/" + p1
    b = p2.rsplit("/", 1)[0] + "/" if "/" in p2 else ""
    if p1.startswith(b):
        return "./" + p1[len(b) :]
    return "/" + p1


def list_html(site: VariantSite, items: list[Item], base: str | None = None) -> str:
    """A static list of items in the site's theme (ul/li, table rows or div rows)."""
    t = site.theme
    dt_ = t["date_tag"]
    rows = []
    for it in items:
        link = esc(href(site.v, it.url, base), quote=True)
        a = f'<a href="{link}" title="{esc(it.text)}" target="_blank">{esc(it.text)}</a>'
        d = (
            it.date.isoformat()
            if site.v.knobs.get("date_fmt", "-") == "-"
            else f"{it.date:%Y/%m/%d}"
        )
        if t["list_tag"] == "table":
            rows.append(f"<tr><td>{a}</td><td>{d}</td></tr>")
        elif t["list_tag"] == "div":
            rows.append(f'<div class="item">{a}<{dt_}>{d}</{dt_}></div>')
        else:
            rows.append(f"<li>{a}<{dt_}>{d}</{dt_}></li>")
    inner = "".join(rows)
    tag = {"table": "table", "div": "div"}.get(str(t["list_tag"]), "ul")
    return f'<{tag} class="{t["list"]}">{inner}</{tag}>'


def records_json(items: list[Item], fields: dict[str, str]) -> list[dict]:
    """Items as JSON records with the family's field names (title/url/date keys vary)."""
    out = []
    for it in items:
        out.append(
            {
                fields["title"]: it.text,
                fields["url"]: it.url,
                fields["date"]: fields.get("date_fmt", "%Y-%m-%d")
                .replace("%Y", str(it.date.year))
                .replace("%m", f"{it.date.month:02d}")
                .replace("%d", f"{it.date.day:02d}"),
            }
        )
    return out


JS_DIR = Path(__file__).resolve().parent / "js"


def script(name: str) -> str:
    """A loader script shipped in farm/variants/js/ (kept out of Python for readability)."""
    return (JS_DIR / name).read_text("utf-8")


def js_string(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")
