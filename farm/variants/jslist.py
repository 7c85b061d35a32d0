"""JS-only lists (portals.md §4.6): the column page is a shell — a container, a config object,
an external loader script — and the entries arrive through XHR or ``fetch()`` from an endpoint
that only the script names. Without scripts the HTML has no report links.

:class:`JsFamily` does the shared work; each family (JPAAS, Anhui templates, Fujian JSON,
Guizhou, plain ``fetch``) chooses the endpoint, its parameter and field names, the response
shape, how the page hands the script its parameters (``window.__CONFIG__``, ``var siteConfig``,
a ``data-`` attribute, an inline call), and the record markup.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from ..http import Request, Response, json_response
from ..pages import esc
from .engine import Family, path_of, sub_nav
from .site import VariantSite, js_string, script
from .world import Column, Item, Variant

TITLE_KEYS = ("title", "name", "bt", "DocTitle", "doctitle", "subject", "wzbt")
URL_KEYS = ("url", "link", "href", "docpuburl", "linkUrl", "detailUrl", "DocUrl")
DATE_KEYS = ("date", "pubDate", "fbrq", "PubDate", "docreltime", "publishTime", "releaseDate")
DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d 09:30:00", "%Y/%m/%d", "%Y-%m-%d 10:00:00", "%Y年%m月%d日")


@dataclass
class Api:
    path: str
    method: str  # GET | POST (form) | JSON (POST with a JSON body)
    p_col: str
    p_page: str
    p_size: str
    page_base: int
    size: int
    title: str
    url: str
    date: str
    date_fmt: str
    list_key: str  # dotted path to the list in the response ("" = the response is the list)
    total_key: str
    transport: str  # xhr | fetch
    config: str  # window | var | data | inline
    extra: dict[str, str] = field(default_factory=dict)  # constant parameters


def pick_api(v: Variant, paths: tuple[str, ...], **fixed) -> Api:
    r = v.rng
    api = Api(
        path=r.choice(paths),
        method=r.choice(("GET", "GET", "POST", "JSON")),
        p_col=r.choice(("channelId", "colId", "columnId", "catId", "chnlid", "cid", "nodeId")),
        p_page=r.choice(("page", "pageNo", "pageNum", "pageIndex", "currentPage", "p")),
        p_size=r.choice(("size", "pageSize", "rows", "limit", "prepage", "perPage")),
        page_base=r.choice((0, 1, 1)),
        size=r.choice((5, 8, 10, 15, 20)),
        title=r.choice(TITLE_KEYS),
        url=r.choice(URL_KEYS),
        date=r.choice(DATE_KEYS),
        date_fmt=r.choice(DATE_FORMATS),
        list_key=r.choice(
            ("data.list", "rows", "result.records", "data", "", "datas", "page.content")
        ),
        total_key="",
        transport=r.choice(("xhr", "fetch")),
        config=r.choice(("window", "var", "data", "inline")),
        extra={r.choice(("siteId", "webId", "sid")): str(r.randint(1, 999))},
    )
    for k, val in fixed.items():
        setattr(api, k, val)
    top = api.list_key.split(".")[0] if api.list_key else ""
    api.total_key = (top + "." if "." in api.list_key else "") + r.choice(
        ("total", "count", "totalCount")
    )
    if not api.list_key:
        api.total_key = ""
    v.knobs["api"] = {k: getattr(api, k) for k in api.__dataclass_fields__}
    return api


def loader_js(api: Api, container: str, render: str) -> str:
    """The loader: read the page's config, call the API, render records, JS-only pager
    (``js/loader.js`` with the variant's endpoint, names and transport filled in)."""
    cfg = {
        "window": "var C = window.__CONFIG__ || {};",
        "var": "var C = window.siteConfig || {};",
        "data": f"var C = JSON.parse(document.getElementById({json.dumps(container)})"
        ".getAttribute('data-config'));",
        "inline": "var C = window.__listArgs || {};",
    }[api.config]
    guess = "list.length + n * SIZE + (list.length == SIZE ? 1 : 0)"
    fill = {
        "__CFG__": cfg,
        "__SEND__": script(f"send_{api.transport}.js").strip(),
        "__API__": json.dumps(api.path),
        "__BASE__": str(api.page_base),
        "__SIZE__": str(api.size),
        "__PARAMS__": json.dumps(api.extra),
        "__PCOL__": json.dumps(api.p_col),
        "__PPAGE__": json.dumps(api.p_page),
        "__PSIZE__": json.dumps(api.p_size),
        "__METHOD__": json.dumps(api.method),
        "__LISTKEY__": json.dumps(api.list_key),
        "__RENDER__": render,
        "__CONTAINER__": json.dumps(container),
        "__PAGER__": json.dumps(container + "_pager"),
        "__TOTAL__": f"pick(d, {json.dumps(api.total_key)})" if api.total_key else guess,
    }
    out = script("loader.js")
    for k, val in fill.items():
        out = out.replace(k, val)
    return out


def default_render(api: Api) -> str:
    t, u, d = (json.dumps(x) for x in (api.title, api.url, api.date))
    return (
        f"'<li><a href=\"' + r[{u}] + '\" target=\"_blank\">' + r[{t}] + '</a>"
        f"<span>' + r[{d}] + '</span></li>'"
    )


def fmt_date(api: Api, it: Item) -> str:
    d = it.date
    return (
        api.date_fmt.replace("%Y", str(d.year))
        .replace("%m", f"{d.month:02d}")
        .replace("%d", f"{d.day:02d}")
    )


class JsFamily(Family):
    """A family whose leaf lists are JS-only."""

    js_only = True
    static_links = False
    api_paths: tuple[str, ...] = ("/api/list",)
    script_paths: tuple[str, ...] = ("/js/list.js",)

    def per_page(self, v: Variant) -> int:
        return 10**6  # one shell page per column; the API pages

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api = pick_api(v, self.api_paths)
        self.script = v.pick("loader_script", self.script_paths)
        self.container = v.pick(
            "container_id",
            ("list", "dataList", "news_list", "infoList", "xxgk_list", "content-list"),
        )
        self.cols: dict[str, Column] = {}
        site.put(
            self.script,
            lambda: loader_js(self.api, self.container, self.render(v)),
            "application/javascript",
            host=v.tree_host,
        )
        site.route(v.tree_host, self.api_path_re(), self.handler(v), ("GET", "POST"))

    def api_path_re(self) -> str:
        import re

        return re.escape(self.api.path)

    def render(self, v: Variant) -> str:
        return default_render(self.api)

    def record(self, v: Variant, it: Item) -> dict:
        a = self.api
        return {
            a.title: it.text,
            a.url: it.url,
            a.date: fmt_date(a, it),
            "id": int(hashlib.md5(it.url.encode()).hexdigest()[:8], 16) % 10**7,
        }

    def page_of(self, col: Column, req_params: dict[str, str]) -> tuple[list[Item], int]:
        a = self.api
        n = int(req_params.get(a.p_page, a.page_base) or a.page_base) - a.page_base
        size = int(req_params.get(a.p_size, a.size) or a.size)
        return col.items[max(n, 0) * size : (max(n, 0) + 1) * size], len(col.items)

    def payload(self, v: Variant, items: list[Item], total: int) -> object:
        a = self.api
        recs: object = [self.record(v, it) for it in items]
        if not a.list_key:
            return recs
        out: dict = {}
        keys = a.list_key.split(".")
        cur = out
        for k in keys[:-1]:
            cur = cur.setdefault(k, {})
        cur[keys[-1]] = recs
        tk = a.total_key.split(".")
        cur = out
        for k in tk[:-1]:
            cur = cur.setdefault(k, {})
        cur[tk[-1]] = total
        out.setdefault("code", 200)
        return out

    def handler(self, v: Variant):
        def handle(req: Request) -> Response:
            params = dict(req.query)
            if req.method == "POST":
                if "json" in req.header("content-type"):
                    try:
                        params.update({k: str(x) for k, x in json.loads(req.body or b"{}").items()})
                    except (ValueError, AttributeError):
                        return json_response({"code": 400, "msg": "bad request"}, 400)
                else:
                    params.update(
                        {k: x[0] for k, x in parse_qs(req.body.decode("utf-8", "replace")).items()}
                    )
            col = self.cols.get(params.get(self.api.p_col, ""))
            if col is None:
                return json_response(self.payload(v, [], 0))
            items, total = self.page_of(col, params)
            return json_response(self.payload(v, items, total))

        return handle

    def api_url(self, v: Variant, col: Column, n: int) -> str:
        """The GET form of the API call for page n (what the manifest lists as the endpoint)."""
        a = self.api
        q = {**a.extra, a.p_col: self.col_key(col), a.p_page: n + a.page_base, a.p_size: a.size}
        return v.url(a.path + "?" + "&".join(f"{k}={x}" for k, x in q.items()), v.tree_host)

    def col_key(self, col: Column) -> str:
        return str(col.cid)

    def shell(self, v: Variant, col: Column) -> tuple[str, str, str]:
        """(body, head, scripts) of a leaf column page: container, config, loader."""
        key = self.col_key(col)
        self.cols[key] = col
        cfg = {"id": key, "size": self.api.size, "name": col.title}
        c = self.container
        data = f" data-config='{esc(js_string(cfg))}'" if self.api.config == "data" else ""
        body = (
            f'<div class="list-wrap"><ul id="{c}"{data}></ul>'
            f'<div id="{c}_pager" class="pager"></div></div>'
        )
        head = {
            "window": f"<script>window.__CONFIG__ = {js_string(cfg)};</script>",
            "var": f"<script>var siteConfig = {js_string(cfg)};</script>",
            "data": "",
            "inline": f"<script>window.__listArgs = {js_string(cfg)};</script>",
        }[self.api.config]
        return body, head, f'<script src="{self.script}"></script>'

    def render_column(self, v: Variant, site: VariantSite, col: Column) -> None:
        if col.children or col.kind == "side":
            return super().render_column(v, site, col)
        body, head, scripts = self.shell(v, col)
        from .engine import crumbs_for

        crumbs = crumbs_for(v, col)
        site.put(
            path_of(col.pages[0]),
            lambda: site.page(
                col.title,
                f"<h2>{esc(col.title)}</h2>{body}",
                crumbs=crumbs,
                meta={"ColumnName": col.title},
                head=head,
                scripts=scripts,
            ),
            host=v.tree_host,
        )
        size = self.api.size
        for i, it in enumerate(col.items):
            obj = it.obj
            rid = getattr(obj, "id", None)
            if rid:
                v.endpoints[rid] = [self.api_url(v, col, i // size)]

    def column_body(self, v: Variant, site: VariantSite, col: Column, n: int, total: int) -> str:
        if col.children:
            if v.knobs.setdefault("js_nav_tree", v.rng.random() < 0.4):
                return js_tree(v, col)
            return sub_nav(col)
        return super().column_body(v, site, col, n, total)


def js_tree(v: Variant, col: Column) -> str:
    """Sub-columns only as an inline JS tree (``{name|title, id, url, children}``)."""
    key = v.knobs.setdefault("tree_name_key", v.rng.choice(("name", "title", "text")))

    def node(c: Column) -> dict:
        n = {key: c.title, "id": c.cid, "url": c.pages[0]}
        if c.children:
            n["children"] = [node(x) for x in c.children]
        return n

    tree = [node(c) for c in col.children]
    return (
        f'<div id="colTree"></div><script>var columnTree = {js_string(tree)};'
        "(function(){function r(ns){var h='<ul>';for(var i=0;i<ns.length;i++){var n=ns[i];"
        f"h+='<li><a href=\"'+n.url+'\">'+n.{key}+'</a>'+(n.children?r(n.children):'')+'</li>';}}"
        "return h+'</ul>';}"
        "document.getElementById('colTree').innerHTML=r(columnTree);})();</script>"
    )
