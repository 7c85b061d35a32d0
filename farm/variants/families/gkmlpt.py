"""Guangdong gkmlpt (portals.md §1.6): ``/gkmlpt/index`` is an app shell whose
``window._CONFIG = {SID, TREE}`` names the categories (``{id, name, children, jump_url,
post_count}``); the list comes from ``/gkmlpt/api/all/{cat}?page=N&sid=SID``; details
``/gkmlpt/content/a/b/post_ID.html`` may carry the report only in ``_CONFIG.DETAIL.content``.

Seeded: the path prefix (county instance at ``/`` or ``/{abbr}/``), SID and category ids, page
size, whether a parent category lists its descendants, a category that answers everything on
page 1 and 404 for page ≥ 2, extra TREE nodes (a 法治政府建设年度报告 look-alike, a
``jump_url`` node), and whether details render server-side or only from DETAIL."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from ...http import Request, Response, json_response
from ...model import Report
from ...pages import esc
from ..engine import Family, article_body, crumbs_for, path_of
from ..site import VariantSite, js_string, script
from ..world import Column, Item, Variant

CST = dt.timezone(dt.timedelta(hours=8))
APP_JS = script("gkmlpt_app.js")
DETAIL_JS = script("gkmlpt_detail.js")


class Gkmlpt(Family):
    name = "gkmlpt"
    provinces = ("广东省",)
    research = "§1.6, §5.2 archetype 3"
    splits = ("flat", "year", "unit")
    placements = ("nav", "sub", "sub", "deep", "sitemap", "select")
    js_only = True
    static_links = False

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.prefix = "" if v.chance("gk_root_prefix", 0.7) else "/" + v.pinyin[:2] + "gk"
        self.sid = str(v.number("gk_sid", 440000, 449999))
        self.size = v.pick("gk_page_size", (10, 15, 20))
        self.descend = v.chance("gk_parent_lists_descendants", 0.7)
        self.single = v.chance("gk_single_page_category", 0.2)
        self.server_detail = v.chance("gk_detail_server_rendered", 0.4)
        self.cats: dict[int, Column] = {}
        site.put(
            self.prefix + "/gkmlpt/static/js/app.js",
            lambda: APP_JS,
            "application/javascript",
            host=v.tree_host,
        )
        site.put(
            self.prefix + "/gkmlpt/static/js/detail.js",
            lambda: DETAIL_JS,
            "application/javascript",
            host=v.tree_host,
        )
        site.route(v.tree_host, re.escape(self.prefix) + r"/gkmlpt/api/all/(\d+)", self.api(v))

    def xxgk_path(self, v: Variant) -> str:
        return "/zwgk/"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        base = f"{self.prefix}/gkmlpt/index"
        if col.kind == "side":
            return f"/zwgk/{col.slug}/"
        return base if col.kind == "root" else f"{base}#{col.cid}"

    def _id(self, v: Variant, it: Item) -> int:
        return int(hashlib.md5((it.text + v.code).encode()).hexdigest()[:8], 16) % 9000000 + 100000

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        if col.kind == "side":
            return f"/zwgk/{col.slug}/content/post_{self._id(v, it)}.html"
        i = self._id(v, it)
        return f"{self.prefix}/gkmlpt/content/{i // 1000000}/{i // 1000}/post_{i}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        i = self._id(v, it)
        return f"{self.prefix}/attachment/0/{i % 997}/{i % 99991}/{i}.{ext}"

    def _node(self, col: Column) -> dict:
        n: dict = {"id": col.cid, "name": col.title, "post_count": len(self._items(col))}
        if col.children:
            n["children"] = [self._node(c) for c in col.children]
        return n

    def _items(self, col: Column) -> list[Item]:
        if not col.children:
            return col.items
        if not self.descend:
            return []
        out = [it for c in col.children for it in self._items(c)]
        return sorted(out, key=lambda it: it.date, reverse=True)

    def render_column(self, v: Variant, site: VariantSite, col: Column) -> None:
        if col.kind == "side":
            return super().render_column(v, site, col)
        self.cats[col.cid] = col
        for i, it in enumerate(self._items(col)):
            rid = getattr(it.obj, "id", None)
            if rid and not col.children:
                page = 1 if self.single and col is self.single_col(v) else i // self.size + 1
                v.endpoints.setdefault(rid, []).append(self._api_url(v, col.cid, page))
        if col.kind != "root":
            return
        tree = [
            {"id": col.cid * 10 + 1, "name": "政府信息公开指南"},
            self._node(col),
            {"id": col.cid * 10 + 2, "name": "政府工作报告", "jump_url": "/zwgk/zfgzbg/"},
        ]
        first = col.leaves()[0].cid if not self.descend else col.cid
        cfg = {
            "SID": self.sid,
            "BASE": self.prefix,
            "TREE": tree,
            "DEFAULT": first,
            "PAGE_SIZE": self.size,
        }
        head = f"<script>window._CONFIG = {js_string(cfg)};</script>"
        site.put(
            path_of(col.pages[0]),
            lambda: site.page(
                col.title,
                '<div id="app"></div>',
                meta={"ColumnName": "政府信息公开目录"},
                head=head,
                scripts=f'<script src="{self.prefix}/gkmlpt/static/js/app.js"></script>',
            ),
            host=v.tree_host,
        )
        site.put("/zwgk/zfgzbg/", lambda: site.page("政府工作报告", "<p>政府工作报告</p>"))

    def single_col(self, v: Variant) -> Column | None:
        assert v.root is not None
        leaves = v.root.leaves()
        return max(leaves, key=lambda c: len(c.items)) if self.single else None

    def _api_url(self, v: Variant, cat: int, page: int) -> str:
        return v.url(f"{self.prefix}/gkmlpt/api/all/{cat}?page={page}&sid={self.sid}", v.tree_host)

    def api(self, v: Variant):
        def handle(req: Request) -> Response:
            cat = int(req.path.rsplit("/", 1)[1])
            col = self.cats.get(cat)
            if col is None:
                return json_response({"code": 404, "msg": "classify not found"}, 404)
            page = max(int(req.query.get("page", "1") or 1), 1)
            items = self._items(col) if req.query.get("sid") == self.sid else []
            if col is self.single_col(v):
                if page > 1:
                    return json_response({"code": 404}, 404)
                chunk = items
            else:
                chunk = items[(page - 1) * self.size : page * self.size]
            arts = [self._article(v, it) for it in chunk]
            return json_response(
                {
                    "total": len(items),
                    "page": page,
                    "articles": arts,
                    "classify": {"id": cat, "name": col.title, "post_count": len(items)},
                }
            )

        return handle

    def _article(self, v: Variant, it: Item) -> dict:
        ts = int(dt.datetime.combine(it.date, dt.time(9, 0), CST).timestamp())
        obj = it.obj
        att = []
        if isinstance(obj, Report) and obj.document_urls and obj.carrier == "attachment":
            att = [{"name": f"{obj.title}.{obj.fmt}", "url": obj.document_urls[0]}]
        return {
            "id": self._id(v, it),
            "title": it.text,
            "url": it.url,
            "post_url": it.url,
            "created_at": ts,
            "date": ts,
            "display_publish_time": ts,
            "display_publish_time_str": str(it.date),
            "document_number": "",
            "identifier": f"{v.code}/{it.date.year}-{self._id(v, it) % 10000:05d}",
            "publisher": getattr(getattr(obj, "agency", None), "short", v.name),
            "attachment": att,
        }

    def article(self, v: Variant, site: VariantSite, col: Column, it: Item) -> str:
        if col.kind == "side":
            return super().article(v, site, col, it)
        body = article_body(v, site, col, it)
        meta = {"ArticleTitle": it.text, "PubDate": f"{it.date} 09:00", "ColumnName": col.title}
        if self.server_detail:
            return site.page(
                it.text,
                f'<h1 class="title">{esc(it.text)}</h1><div class="article-content">{body}</div>',
                meta=meta,
                crumbs=crumbs_for(v, col),
            )
        detail = {"title": it.text, "content": body, "id": self._id(v, it)}
        head = (
            f"<script>window._CONFIG = window._CONFIG || {{}}; window._CONFIG.SID = '{self.sid}';"
            f"\nwindow._CONFIG.DETAIL = {js_string(detail)};</script>"
        )
        return site.page(
            it.text,
            '<div id="app"></div>',
            meta=meta,
            head=head,
            scripts=f'<script src="{self.prefix}/gkmlpt/static/js/detail.js"></script>',
        )
