"""VSB/博达 sites (portals.md §1.7): ``/xxgk/zfxxgknb.htm`` is page 1, later pages
``zfxxgknb/{N}.htm`` count down (page 2 = N−1, last = ``1.htm``); articles ``/info/C/ID.htm``
with a metadata table and ``.v_news_content``; attachments through
``/system/_content/download.jsp?…&wbfileid=`` with no extension. Often GBK.

Seeded: the section folder, per-page counts, GBK or UTF-8 (and whether the header says so),
pager markup, the info column ids, the download URL form."""

from __future__ import annotations

import hashlib

from ...pages import esc
from ..engine import Family, article_body, crumbs_for
from ..site import VariantSite
from ..world import Column, Item, Variant


class Vsb(Family):
    name = "vsb"
    provinces = ("陕西省", "甘肃省", "云南省", "四川省", "宁夏回族自治区")
    research = "§1.7, §4.4, §5.2 archetype 5"
    splits = ("flat", "year", "year", "unit")
    home_paths = ("/index.htm", "/")

    def setup(self, v: Variant, site: VariantSite) -> None:
        v.pick("vsb_section", ("xxgk", "zwgk", "zfxxgk"))
        enc = v.pick("vsb_charset", ("gbk", "gbk-noheader", "utf-8"))
        if enc.startswith("gbk"):
            site.charset = "gbk"
            site.declared_charset = "GBK" if enc == "gbk" else ""
        v.pick("vsb_download", ("download.jsp", "__local"))
        v.number("vsb_owner", 1000000000, 1999999999)

    def xxgk_path(self, v: Variant) -> str:
        return f"/{v.knobs['vsb_section']}.htm"

    def _stem(self, v: Variant, col: Column) -> str:
        if col.kind == "side":
            return f"/{v.knobs['vsb_section']}/{col.slug}"
        return f"/{v.knobs['vsb_section']}/" + "/".join(c.slug for c in col.ancestors())

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        stem = self._stem(v, col)
        if page == 0:
            return stem + ".htm"
        total = -(-len(col.items) // self.per_page(v))
        return f"{stem}/{total - page}.htm"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        aid = int(hashlib.md5((it.text + v.code).encode()).hexdigest()[:6], 16) % 90000 + 1000
        return f"/info/{1000 + col.cid % 9000}/{aid}.htm"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        h = int(hashlib.md5((it.text + v.code + ext).encode()).hexdigest()[:8], 16)
        if v.knobs["vsb_download"] == "__local":
            return f"/__local/{h % 16:X}/{h % 256:02X}/{h:08X}.{ext}"
        return (
            f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
            f"&owner={v.knobs['vsb_owner']}&wbfileid={h % 10**7}"
        )

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        if total <= 1:
            return ""

        def a(k: int, text: str, cls: str) -> str:
            return f'<span class="{cls}"><a href="{esc(col.pages[k])}">{text}</a></span>'

        parts = [
            f'<span class="p_t">共{len(col.items)}条</span><span class="p_t">{n + 1}/{total}</span>'
        ]
        if n > 0:
            parts.append(a(0, "首页", "p_first p_fun") + a(n - 1, "上页", "p_prev p_fun"))
        for k in range(total):
            parts.append(
                f'<span class="p_no_d">{k + 1}</span>' if k == n else a(k, str(k + 1), "p_no")
            )
        if n + 1 < total:
            parts.append(a(n + 1, "下页", "p_next p_fun") + a(total - 1, "尾页", "p_last p_fun"))
        return '<div class="pb_sys_common pb_sys_normal">' + "".join(parts) + "</div>"

    def article(self, v: Variant, site: VariantSite, col: Column, it: Item) -> str:
        obj = it.obj
        ag = getattr(obj, "agency", None)
        pub = ag.short if ag else f"{v.name}人民政府办公室"
        meta = {
            "ColumnName": col.title,
            "ArticleTitle": it.text,
            "PubDate": f"{it.date} 09:00",
            "ContentSource": pub,
        }
        table = (
            '<table class="xxgk-meta"><tr><th>索引号</th><td>'
            f"{esc(ag.credit_code if ag else v.code)}/{it.date.year}-{it.date.day:05d}</td>"
            f"<th>发文字号</th><td></td></tr><tr><th>发布机构</th><td>{esc(pub)}</td>"
            f"<th>发布日期</th><td>{it.date}</td></tr></table>"
        )
        return site.page(
            it.text,
            f'{table}<h1 class="titlestyle">{esc(it.text)}</h1>'
            f'<div class="v_news_content">{article_body(v, site, col, it)}</div>'
            '<script>_showDynClickBatch(["dynclicks_wbnews_1"],[1],"wbnews",'
            f"{v.knobs['vsb_owner']});function _showDynClickBatch(){{}}</script>",
            crumbs=crumbs_for(v, col),
            meta=meta,
        )
