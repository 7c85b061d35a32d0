"""The JS-only list families (portals.md §1.3, §1.5, §1.8, §4.6). Each is a :class:`JsFamily`
with its own URL scheme, endpoint vocabulary and record markup:

* ``jpaas`` — Hanweb JPAAS: ``/col/colN/index.html`` shells filled from
  ``/api-gateway/jpaas-publish-server/front/page/build/unit`` (an HTML fragment in JSON).
* ``anhui`` — ``/public/column/{id}?type=4&catId=…&action=list`` with a ``<?=el.link?>``
  template rendered from a JSON API.
* ``fujian`` — TRS-backed province platform: avalon ``ms-repeat`` templates, ``/fjdzapp/search``
  (POST) or ``/fjdzapp/data`` (GET), ``docreltime`` dates ``YYYY.MM.DD HH:MM:SS``.
* ``guizhou`` — 多彩博虹-style columns whose list exists only after JS runs.
* ``fetch`` — a modern CMS whose list is filled by ``fetch()`` from a seeded JSON endpoint.
"""

from __future__ import annotations

import hashlib
import json

from ...http import Request, Response, json_response
from ...pages import esc
from ..jslist import Api, JsFamily, default_render, fmt_date, pick_api
from ..site import VariantSite
from ..world import Column, Item, Variant


def _aid(v: Variant, it: Item, mod: int = 900000) -> int:
    return int(hashlib.md5((it.text + v.code).encode()).hexdigest()[:8], 16) % mod + 10000


class Jpaas(JsFamily):
    name = "jpaas"
    provinces = ("山东省", "江苏省")
    research = "§1.3, §4.6"
    splits = ("flat", "unit", "year")

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api_paths = ("/api-gateway/jpaas-publish-server/front/page/build/unit",)
        self.script_paths = ("/module/jpaas/list.js", "/static/js/column.js", "/js/jpaas-page.js")
        super().setup(v, site)
        a = self.api
        a.method, a.p_col, a.p_page, a.p_size = "GET", "pageId", "pageNo", "pageSize"
        a.list_key, a.total_key = "data.html", "data.count"
        a.extra = {
            "parseType": "bulidstatic",
            "webId": str(v.rng.randint(10, 999)),
            "tplSetId": str(v.rng.randint(100, 999)),
            "pageType": "column",
            "tagId": v.rng.choice(("当前栏目list", "信息列表", "list")),
        }
        v.knobs["api"].update(method="GET", p_col="pageId", list_key="data.html")

    def render(self, v: Variant) -> str:
        return "r"

    def payload(self, v: Variant, items: list[Item], total: int) -> object:
        lis = "".join(
            f'<li><a href="{esc(it.url)}" target="_blank">{esc(it.text)}</a>'
            f"<span>{it.date}</span></li>"
            for it in items
        )
        html = f'<ul class="doc_list">{lis}</ul><div class="pagination" count="{total}"></div>'
        return {"success": True, "data": {"html": [html], "count": total}}

    def xxgk_path(self, v: Variant) -> str:
        return f"/col/col{v.knobs.setdefault('xxgk_col', v.rng.randint(100000, 999999))}/index.html"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return f"/col/col{col.cid}/index.html"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        d = it.date
        return f"/art/{d.year}/{d.month}/{d.day}/art_{col.cid}_{_aid(v, it)}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        h = hashlib.md5((it.text + ext).encode()).hexdigest()
        return f"/module/download/downfile.jsp?classid=0&filename={h}.{ext}"


class Anhui(JsFamily):
    name = "anhui"
    provinces = ("安徽省", "江西省", "青海省")
    research = "§1.8 (Anhui /public/column), §4.6"
    splits = ("flat", "unit", "year")

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api_paths = (
            "/site/label/8888",
            "/public/column/api/list",
            "/interfaces/column/list.do",
        )
        self.script_paths = ("/assets/js/column.list.js", "/public/js/tpl-list.js")
        super().setup(v, site)
        self.site_id = v.number("anhui_site_id", 1000, 9999)
        self.el = {
            k: v.rng.choice(opts)
            for k, opts in (
                ("link", ("link", "url")),
                ("title", ("title", "name")),
                ("date", ("date", "pubDate")),
            )
        }
        v.knobs["template_fields"] = self.el
        a = self.api
        a.title, a.url, a.date = self.el["title"], self.el["link"], self.el["date"]

    def render(self, v: Variant) -> str:
        return "tpl(r)"

    def shell(self, v: Variant, col: Column) -> tuple[str, str, str]:
        body, head, scripts = super().shell(v, col)
        el = self.el
        tpl = (
            '<script type="text/html" id="listTpl">'
            f'<li><a href="<?=el.{el["link"]}?>" target="_blank">'
            f'<?=el.{el["title"]}?></a><span class="date"><?=el.{el["date"]}?></span></li></script>'
            "<script>function tpl(el){return document.getElementById('listTpl').innerHTML"
            ".replace(/<\\?=el\\.(\\w+)\\?>/g,function(m,k){return el[k];});}</script>"
        )
        return body + tpl, head, scripts

    def xxgk_path(self, v: Variant) -> str:
        return f"/public/column/{v.knobs.setdefault('xxgk_col', v.rng.randint(1000, 9999))}?type=2"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return f"/public/column/{self.site_id}?type=4&catId={col.cid}&action=list"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        return f"/public/{self.site_id}/{_aid(v, it, 9000000)}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        name = hashlib.md5(it.text.encode()).hexdigest()[:20]
        return f"/group{v.rng.randint(1, 3)}/M00/{_aid(v, it, 99):02X}/{name}.{ext}"


class Fujian(JsFamily):
    name = "fujian"
    provinces = ("福建省",)
    research = "§1.5, §4.6"
    splits = ("flat", "unit", "agency")

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api_paths = ("/fjdzapp/search", "/fjdzapp/data")
        self.script_paths = ("/static/js/list.js", "/fjdzapp/js/chnl-list.js", "/js/avalon.list.js")
        super().setup(v, site)
        a = self.api
        get = a.path == "/fjdzapp/data"
        a.method = "GET" if get else "POST"
        a.p_col, a.p_page, a.p_size = "channelid", "page", "prepage"
        a.page_base, a.list_key, a.total_key = 1, "data", "recordCount"
        a.title, a.url, a.date, a.date_fmt = (
            "doctitle",
            "docpuburl",
            "docreltime",
            "%Y.%m.%d 11:37:00",
        )
        a.extra = {"sortfield": "-pubdate"} if not get else {"classsql": "chnlid"}
        v.knobs["api"].update(method=a.method, p_col="channelid", list_key="data")
        v.knobs["href_style"] = "abs"

    def record(self, v: Variant, it: Item) -> dict:
        rec = super().record(v, it)
        obj = it.obj
        rec.update(
            pubdate=str(it.date),
            puborg=getattr(getattr(obj, "agency", None), "short", v.name),
            idxid=f"{v.code}-{it.date.year}-{rec['id'] % 1000:03d}",
            fileno="",
            files=[],
        )
        return rec

    def payload(self, v: Variant, items: list[Item], total: int) -> object:
        a = self.api
        return {
            "error": False,
            "page": 1,
            "prepage": a.size,
            "pageCount": -(-total // a.size),
            "recordCount": total,
            "data": [self.record(v, it) for it in items],
        }

    def shell(self, v: Variant, col: Column) -> tuple[str, str, str]:
        body, head, scripts = super().shell(v, col)
        tpl = (
            '<div ms-controller="list"><ul><li ms-repeat="data"><a ms-attr-href="el.docpuburl">'
            "{{el.doctitle}}</a><span>{{el.docreltime}}</span></li></ul></div>"
        )
        return tpl + body, head, scripts

    def xxgk_path(self, v: Variant) -> str:
        return "/zfxxgk/"

    def _folder(self, v: Variant, col: Column) -> str:
        if col.kind == "side":
            return f"/zfxxgk/{col.slug}/"
        return "/zfxxgk/" + "".join(c.slug + "/" for c in col.ancestors())

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return self._folder(v, col)

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        d = it.date
        return f"{self._folder(v, col)}{d:%Y%m}/t{d:%Y%m%d}_{_aid(v, it, 9000000)}.htm"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        d = it.date
        return f"{self._folder(v, col)}{d:%Y%m}/P0{d:%Y%m%d}{_aid(v, it, 10**6):07d}.{ext}"


class Guizhou(JsFamily):
    name = "guizhou"
    provinces = ("贵州省",)
    research = "§1.8 (Guizhou 多彩博虹), §4.6"

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api_paths = (
            "/igs/front/search/list.html",
            "/zwgk/api/getList",
            "/cms/api/channel/docs",
        )
        self.script_paths = ("/js/dcbh.list.js", "/images/js/xxgk.js", "/res/js/list.min.js")
        super().setup(v, site)
        v.pick("gz_prefix", ("/zwgk/xxgkml/", "/zwgk/zdlyxx/", "/xxgk/"))

    def xxgk_path(self, v: Variant) -> str:
        return v.knobs.setdefault("gz_prefix", "/zwgk/xxgkml/")

    def _folder(self, v: Variant, col: Column) -> str:
        if col.kind == "side":
            return f"{v.knobs['gz_prefix']}{col.slug}/"
        return v.knobs["gz_prefix"] + "".join(c.slug + "/" for c in col.ancestors())

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return self._folder(v, col) + "index.html"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        d = it.date
        return f"{self._folder(v, col)}{d:%Y%m}/t{d:%Y%m%d}_{_aid(v, it, 90000000)}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        return (
            f"/uploadfile/{it.date:%Y/%m%d}/{hashlib.md5(it.text.encode()).hexdigest()[:16]}.{ext}"
        )


class FetchList(JsFamily):
    name = "fetch"
    provinces = ("湖南省", "广西壮族自治区", "河北省", "黑龙江省", "四川省")
    research = "§4.6 (fetch-filled lists)"

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.api_paths = (
            "/api/cms/articles",
            "/data/list.json",
            "/portal/api/content/page",
            "/open/api/v1/docs",
            "/cms/getArticleList",
        )
        self.script_paths = ("/static/js/app.{h}.js", "/dist/list.{h}.js")
        super().setup(v, site)
        h = hashlib.md5(v.code.encode()).hexdigest()[:8]
        self.script = self.script.replace("{h}", h)
        v.knobs["loader_script"] = self.script
        self.api.transport = "fetch"
        site.static.pop((v.tree_host, self.script_paths[0]), None)
        site.static.pop((v.tree_host, self.script_paths[1]), None)
        from ..jslist import loader_js

        site.put(
            self.script,
            lambda: loader_js(self.api, self.container, self.render(v)),
            "application/javascript",
            host=v.tree_host,
        )
        v.pick("fetch_paths", ("channel", "section"))

    def xxgk_path(self, v: Variant) -> str:
        return "/channel/zwgk.html" if v.knobs.get("fetch_paths") == "channel" else "/zwgk/"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        if v.knobs["fetch_paths"] == "channel":
            return f"/channel/{col.cid}.html"
        return "/zwgk/" + (
            "".join(c.slug + "/" for c in col.ancestors()) if col.kind != "side" else col.slug + "/"
        )

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        return f"/content/{it.date:%Y-%m}/{_aid(v, it, 90000000)}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        return f"/files/{hashlib.sha1((it.text + v.code).encode()).hexdigest()[:24]}.{ext}"


__all__ = [
    "Anhui",
    "Api",
    "FetchList",
    "Fujian",
    "Guizhou",
    "Jpaas",
    "Request",
    "Response",
    "default_render",
    "fmt_date",
    "json",
    "json_response",
    "pick_api",
]
