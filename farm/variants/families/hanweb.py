"""Hanweb JCMS "jpage" columns (portals.md §1.1): ``/col/colN/index.html`` whose list sits in
``<script type="text/xml"><datastore>`` (records as CDATA or entity-escaped HTML) with a
``<nextgroup>`` to ``dataproxy.jsp``; ``/art/Y/M/D/art_C_ID.html`` articles in ``#zoom``;
``downfile.jsp?classid=0&filename=<hex>.pdf`` attachments.

Seeded: the column and web ids, records per group, CDATA vs escaped records, the paging
generation (GET ``/module/jpage/dataproxy.jsp?page=N`` or POST ``/module/web/jpage/
dataproxy.jsp?startrecord=&endrecord=&perpage=``), relative record hrefs, ``?uid=&pageNum=``
re-renders, the 信息公开元数据 table."""

from __future__ import annotations

import hashlib
from html import escape as hesc

from ...http import Request, Response
from ...pages import esc
from ..engine import Family, article_body, crumbs_for, sub_nav
from ..site import VariantSite, script
from ..world import Column, Item, Variant

JPAGE_JS = script("jpage.js")


class Hanweb(Family):
    name = "hanweb"
    provinces = ("浙江省", "江苏省", "山东省", "江西省")
    research = "§1.1, §1.2, §5.2 archetype 1"
    splits = ("flat", "flat", "unit", "agency", "year")
    home_paths = ("/", "/index.html")
    static_links = False  # later groups come from dataproxy.jsp

    def setup(self, v: Variant, site: VariantSite) -> None:
        v.knobs["href_style"] = "root"
        v.pick("jpage_group", (15, 20, 30, 45))
        v.chance("jpage_cdata", 0.6)
        v.pick("jpage_proxy", ("get", "post"))
        v.number("webid", 1, 300)
        v.chance("rel_records", 0.3)
        site.put("/module/jpage/jquery.jpage.js", lambda: JPAGE_JS, "application/javascript")
        site.route(
            v.tree_host, r"/module(/web)?/jpage/dataproxy\.jsp", self._proxy(v), ("GET", "POST")
        )
        self._cols: dict[int, Column] = {}

    def xxgk_path(self, v: Variant) -> str:
        col = v.knobs.setdefault("xxgk_col", v.rng.randint(1229000000, 1229999999))
        return f"/col/col{col}/index.html"

    def per_page(self, v: Variant) -> int:
        return 10**6  # one page per column; the groups are the datastore's business

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return f"/col/col{col.cid}/index.html"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        d = it.date
        aid = int(hashlib.md5((it.text + v.code).encode()).hexdigest()[:8], 16) % 900000 + 10000
        return f"/art/{d.year}/{d.month}/{d.day}/art_{col.cid}_{aid}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        hexname = hashlib.md5((it.text + v.code + "f").encode()).hexdigest()
        return f"/module/download/downfile.jsp?classid=0&filename={hexname}.{ext}"

    def _record(self, v: Variant, it: Item, i: int) -> str:
        url = it.url.split("://", 1)[1].split("/", 1)[1]
        link = url if v.knobs["rel_records"] and i % 3 == 0 else "/" + url
        if it.url.split("/")[2] != v.tree_host:
            link = it.url
        li = (
            f'<li><a href="{hesc(link)}" title="{hesc(it.text)}" target="_blank">{hesc(it.text)}'
            f"</a><span>{it.date}</span></li>"
        )
        return (
            f"<record><![CDATA[{li}]]></record>"
            if v.knobs["jpage_cdata"]
            else f"<record>{hesc(li)}</record>"
        )

    def _nextgroup(self, v: Variant, col: Column, group: int) -> str:
        q = (
            f"appid=1&webid={v.knobs['webid']}&path=/&columnid={col.cid}&unitid={col.cid % 1000000}"
            f"&webname={v.name}人民政府&permissiontype=0"
        )
        if v.knobs["jpage_proxy"] == "get":
            return f"/module/jpage/dataproxy.jsp?page={group}&{q}"
        g = v.knobs["jpage_group"]
        rng = f"startrecord={group * g + 1}&endrecord={(group + 1) * g}&perpage={g}"
        return f"/module/web/jpage/dataproxy.jsp?{rng}&{q}"

    def _store(self, v: Variant, col: Column, group: int) -> str:
        g = v.knobs["jpage_group"]
        recs = col.items[group * g : (group + 1) * g]
        total = len(col.items)
        nxt = self._nextgroup(v, col, group + 1) if (group + 1) * g < total else ""
        return (
            f"<datastore><totalrecord>{total}</totalrecord><totalpage>{-(-total // g)}</totalpage>"
            f'<nextgroup><![CDATA[<a href="{hesc(nxt)}"></a>]]></nextgroup><recordset>'
            + "".join(self._record(v, it, group * g + i) for i, it in enumerate(recs))
            + "</recordset></datastore>"
        )

    def _proxy(self, v: Variant):
        def handle(req: Request) -> Response:
            p = req.params
            col = self._cols.get(int(p.get("columnid", "0") or 0))
            g = v.knobs["jpage_group"]
            if col is None or not col.items:
                body = "<datastore><recordset></recordset></datastore>"
            elif "startrecord" in p:
                start = int(p.get("startrecord") or 1)
                group = (start - 1) // g
                body = self._store(v, col, group)
            else:
                body = self._store(v, col, int(p.get("page") or 0))
            return Response(200, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())

        return handle

    def item_pages(self, v: Variant, leaf: Column, index: int) -> list[str]:
        group = index // v.knobs["jpage_group"]
        if group == 0:
            return leaf.pages[:1]
        unit = leaf.cid % 1000000
        return [leaf.pages[0], f"{leaf.pages[0]}?uid={unit}&pageNum={group + 1}"]

    def column_head(self, v: Variant, col: Column, n: int) -> tuple[dict, str, str]:
        # records with site-relative hrefs ("art/2024/…") resolve against the site root
        base = f'<base href="{v.url("/", v.tree_host)}">' if v.knobs["rel_records"] else ""
        return {"ColumnName": col.title}, base, ""

    def render_column(self, v: Variant, site: VariantSite, col: Column) -> None:
        super().render_column(v, site, col)
        g = v.knobs["jpage_group"]
        unit = col.cid % 1000000
        for group in range(1, -(-len(col.items) // g) if not col.children else 1):
            # ?uid=&pageNum= re-renders the column with a later group (§1.1)
            body = self._unit(v, col, group)
            site.put(
                f"/col/col{col.cid}/index.html?uid={unit}&pageNum={group + 1}",
                lambda b=body: site.page(
                    col.title,
                    b,
                    crumbs=crumbs_for(v, col),
                    meta={"ColumnName": col.title},
                    head=self.column_head(v, col, 0)[1],
                ),
                host=v.tree_host,
            )

    def column_body(self, v: Variant, site: VariantSite, col: Column, n: int, total: int) -> str:
        self._cols[col.cid] = col
        if col.children:
            return sub_nav(col)
        return self._unit(v, col, 0)

    def _unit(self, v: Variant, col: Column, group: int) -> str:
        unit = col.cid % 1000000
        return (
            f'<div id="{unit}"><script type="text/xml">{self._store(v, col, group)}</script></div>'
            f"<script>var param_{unit}={{col:1,webid:{v.knobs['webid']},path:'/',"
            f"columnid:{col.cid},"
            f"unitid:'{unit}',webname:'{v.name}人民政府'}};</script>"
            '<script src="/module/jpage/jquery.jpage.js"></script>'
        )

    def article(self, v: Variant, site: VariantSite, col: Column, it: Item) -> str:
        obj = it.obj
        ag = getattr(obj, "agency", None)
        source = ag.short if ag else f"{v.name}人民政府办公室"
        unit = ag.credit_code if ag else "11" + v.code + "MB0000001X"
        idx = f"{unit}/{it.date.year}-{it.date.toordinal() % 90000}"
        meta = {
            "ColumnName": col.title,
            "ArticleTitle": it.text,
            "PubDate": f"{it.date} 08:30",
            "ContentSource": source,
        }
        table = (
            '<table class="xxgk_table"><tr><td>索引号</td><td>'
            + esc(idx)
            + "</td><td>发布机构</td><td>"
            + esc(ag.name if ag else v.name)
            + "</td></tr><tr><td>发布日期</td><td>"
            + str(it.date)
            + "</td><td>公开方式</td><td>主动公开</td></tr></table>"
        )
        return site.page(
            it.text,
            f'{table}<table><tr><td class="title">{esc(it.text)}</td></tr></table>'
            f'<div id="zoom">{article_body(v, site, col, it)}</div>',
            crumbs=crumbs_for(v, col),
            meta=meta,
        )
