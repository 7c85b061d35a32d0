"""The long tail of portals.md §1.8 — static, but each with its own URL grammar and pager:

* ``aspnet`` — a GBK ASP.NET site: ``InfoPublic.aspx?cid=..&page=..`` lists (query links or
  ``__doPostBack`` pagers), ``down.aspx?eid=<GUID>`` attachments; GBK bytes declared as GB2312,
  as nothing, or (wrongly) as UTF-8.
* ``jiangxi`` — ``/{prefix}xxgk/{code}/xxgk_list.shtml`` with an ``xxgk_navs.shtml`` tree.
* ``beijing`` — per-year folders (``{Y}n``, ``gknb{Y}``, ``{Y}nb``, a ``2025n78`` folder holding
  the 2024 reports), ``?currentPage=N`` or 慧兰 ``javascript:next(N)`` pagers.
* ``henan`` — ASP ``class.asp?class=1150&page=N`` or ``index.aspx?lanmuid=..&sublanmuid=..``.
* ``epoint`` — Epoint ``/{sitecode}/zfxxgk/fdzdgknr/…/list.html`` with a ``javascript:next(N)``
  pager and ``downloadZtbAttach.jspx?attachGuid=`` attachments.
"""

from __future__ import annotations

import hashlib
import uuid

from ...pages import esc
from ..engine import Family
from ..site import VariantSite
from ..world import Column, Item, Variant


def _h(*parts: object) -> str:
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def _n(*parts: object, mod: int = 10**6) -> int:
    return int(_h(*parts)[:10], 16) % mod


class AspNet(Family):
    name = "aspnet"
    provinces = ("云南省", "广西壮族自治区", "湖南省")
    research = "§1.8 (InfoPublic.aspx), §4.4, §4.7"
    splits = ("flat", "unit", "year")
    home_paths = ("/", "/Default.aspx", "/index.aspx")

    def setup(self, v: Variant, site: VariantSite) -> None:
        site.charset = "gbk"
        declared = v.pick("asp_declared", ("gb2312", "none", "header-utf8", "utf-8"))
        site.declared_charset = {
            "gb2312": "gb2312",
            "none": "",
            "header-utf8": "utf-8",
            "utf-8": "utf-8",
        }[declared]
        if declared == "header-utf8":
            site.theme["old_meta"] = True
            site.meta_charset = "gb2312"
        v.pick("asp_pager", ("query", "postback"))
        v.pick("asp_list", ("InfoPublic.aspx", "xxgk/InfoPublic.aspx", "Info/List.aspx"))
        self.static_links = v.knobs["asp_pager"] == "query"

    def xxgk_path(self, v: Variant) -> str:
        return (
            "/" + v.knobs["asp_list"].rsplit("/", 1)[0] + "/Index.aspx"
            if "/" in v.knobs["asp_list"]
            else "/xxgk.aspx"
        )

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        root = col.ancestors()[0].cid
        q = f"cid={col.cid}&pid={root}" + (f"&page={page + 1}" if page else "")
        return f"/{v.knobs['asp_list']}?{q}"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        return f"/InfoDetail.aspx?id={_n(it.text, v.code)}&cid={col.cid}"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        return f"/artattachment/down.aspx?eid={uuid.UUID(_h(it.text, ext))}"

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        if total <= 1 or v.knobs["asp_pager"] == "query":
            return super().pager(v, col, n, total)
        links = " ".join(
            "<a href=\"javascript:__doPostBack('ctl00$ContentPlaceHolder1$AspNetPager1',"
            f"'{k + 1}')\">{k + 1}</a>"
            for k in range(total)
        )
        return (
            '<form method="post" id="aspnetForm">'
            f'<input type="hidden" name="__VIEWSTATE" value="{_h(col.key)}">'
            '<input type="hidden" name="__EVENTTARGET">'
            '<input type="hidden" name="__EVENTARGUMENT"></form>'
            "<script>function __doPostBack(t,a){var f=document.getElementById('aspnetForm');"
            "f.__EVENTTARGET.value=t;f.__EVENTARGUMENT.value=a;f.action=location.pathname+location.search"
            ".replace(/&page=\\d+/,'')+'&page='+a;f.method='get';location.href=f.action;}</script>"
            f'<div class="aspnetpager">{links}</div>'
        )


class Jiangxi(Family):
    name = "jiangxi"
    provinces = ("江西省",)
    research = "§1.8 (赣州 xxgk_list.shtml), §1.1 (?vc_xxgkarea)"

    def setup(self, v: Variant, site: VariantSite) -> None:
        letters = "".join(p[0] for p in (v.pinyin[:2], v.pinyin[2:4]))
        self.prefix = v.pick("jx_prefix", (f"{letters}xxgk", f"{v.pinyin[:3]}xxgk", "xxgk"))
        v.pick("jx_pager", ("static", "goPage"))
        self.static_links = v.knobs["jx_pager"] == "static"

    def xxgk_path(self, v: Variant) -> str:
        return f"/{self.prefix}/xxgk_navs.shtml"

    def _code(self, col: Column) -> str:
        return f"c{col.cid}"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return (
            f"/{self.prefix}/{self._code(col)}/xxgk_list" + (f"_{page}" if page else "") + ".shtml"
        )

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        return f"/{self.prefix}/{self._code(col)}/{it.date:%Y%m}/{_h(it.text, v.code)}.shtml"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        return f"/{self.prefix}/{self._code(col)}/{it.date:%Y%m}/{_h(it.text, ext)[:20]}.{ext}"

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        if total <= 1 or v.knobs["jx_pager"] == "static":
            return super().pager(v, col, n, total)
        return (
            "<script>function goPage(n){location.href = n == 0 ? 'xxgk_list.shtml' : "
            "'xxgk_list_' + n + '.shtml';}</script>"
            + " ".join(f'<a href="javascript:goPage({k})">{k + 1}</a>' for k in range(total))
        )


class Beijing(Family):
    name = "beijing"
    provinces = ("北京市",)
    research = "§1.8 (eportal ?currentPage, 慧兰 next(N)), §2.1 B, §0.5"
    splits = ("year", "year_unit", "year")

    def setup(self, v: Variant, site: VariantSite) -> None:
        v.pick("bj_pager", ("currentPage", "next", "static"))
        v.pick("bj_base", ("/zwgk/zfxxgknb/", "/gkml/zfxxgknb/", "/zfxxgk/nb/"))
        self.static_links = v.knobs["bj_pager"] == "static"
        self.n78 = v.number("bj_n78", 10, 99)

    def xxgk_path(self, v: Variant) -> str:
        return "/zwgk/"

    def _folder(self, v: Variant, col: Column) -> str:
        if col.kind == "side":
            return f"/zwgk/{col.slug}/"
        parts = []
        for c in col.ancestors()[1:]:
            slug = c.slug
            if (
                c.kind == "year"
                and v.knobs.get("year_folder_by_publication")
                and c.year == max(x.year or 0 for x in (v.root.children if v.root else []))
            ):
                slug = f"{c.year}n{self.n78}"
            parts.append(slug + "/")
        return v.knobs["bj_base"] + "".join(parts)

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        f = self._folder(v, col)
        if page == 0:
            return f
        return (
            f"{f}?currentPage={page + 1}"
            if v.knobs["bj_pager"] == "currentPage"
            else f"{f}index_{page}.html"
        )

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        aid = _n(it.text, v.code, mod=9 * 10**6) + 10**6
        return f"{self._folder(v, col)}{it.date:%Y%m}/t{it.date:%Y%m%d}_{aid}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        num = _n(it.text, ext, mod=10**9)
        return f"{self._folder(v, col)}{it.date:%Y%m}/P0{it.date:%Y%m%d}{num:09d}.{ext}"

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        style = v.knobs["bj_pager"]
        if total <= 1 or style in ("static", "currentPage"):
            return super().pager(v, col, n, total)
        return (
            "<script>function next(n){location.href = n <= 1 ? './' : "
            "'index_' + (n - 1) + '.html';}</script>"
            + " ".join(f'<a href="javascript:next({k + 1})">{k + 1}</a>' for k in range(total))
        )


class Henan(Family):
    name = "henan"
    provinces = ("河南省",)
    research = "§1.8 (Henan class.asp, index.aspx?lanmuid)"
    home_paths = ("/", "/index.asp", "/index.aspx")

    def setup(self, v: Variant, site: VariantSite) -> None:
        v.pick("hn_style", ("class.asp", "lanmuid"))
        if v.chance("hn_gbk", 0.5):
            site.charset = "gbk"
            site.declared_charset = "gb2312"

    def xxgk_path(self, v: Variant) -> str:
        return "/zwgk.asp" if v.knobs["hn_style"] == "class.asp" else "/index.aspx?lanmuid=60"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        pg = f"&page={page + 1}" if page else ""
        if v.knobs["hn_style"] == "class.asp":
            return f"/class.asp?class={col.cid}{pg}"
        return f"/index.aspx?lanmuid={col.ancestors()[0].cid}&sublanmuid={col.cid}{pg}"

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        i = _n(it.text, v.code, mod=90000) + 1000
        return (
            f"/show.asp?id={i}" if v.knobs["hn_style"] == "class.asp" else f"/news_show.aspx?id={i}"
        )

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        return (
            f"/UploadFiles/{it.date:%Y%m}/{it.date:%Y%m%d}{_n(it.text, ext, mod=10**6):06d}.{ext}"
        )


class Epoint(Family):
    name = "epoint"
    provinces = ("辽宁省", "江苏省", "安徽省")
    research = "§1.8 (丹东 Epoint, javascript:next(N))"
    static_links = False

    def setup(self, v: Variant, site: VariantSite) -> None:
        self.sitecode = v.pick("ep_sitecode", (v.pinyin[:3] + "zf", "zfxxgk", v.code))
        v.pick("ep_pager", ("next", "ShowNewPage"))

    def xxgk_path(self, v: Variant) -> str:
        return f"/{self.sitecode}/zfxxgk/index.html"

    def _folder(self, v: Variant, col: Column) -> str:
        seg = "/".join(f"{c.cid:06d}" for c in col.ancestors()) if col.kind != "side" else col.slug
        return f"/{self.sitecode}/zfxxgk/fdzdgknr/{seg}/"

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        return self._folder(v, col) + ("list.html" if page == 0 else f"{page + 1}.html")

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        return f"{self._folder(v, col)}{it.date:%Y%m%d}/{uuid.UUID(_h(it.text, v.code))}.html"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        g = uuid.UUID(_h(it.text, ext))
        return (
            f"/EpointWebBuilder/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid={g}"
            f"&appUrlFlag=ztb007&siteGuid={uuid.UUID(_h(v.code))}"
        )

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        if total <= 1:
            return ""
        fn = "next" if v.knobs["ep_pager"] == "next" else "ShowNewPage"
        return (
            f"<script>function {fn}(n){{location.href = n == 1 ? 'list.html' : "
            "n + '.html';}</script>"
            '<div class="ewb-page">'
            + " ".join(f'<a href="javascript:{fn}({k + 1})">{k + 1}</a>' for k in range(total))
            + f' <a href="javascript:{fn}({min(n + 2, total)})">下一页</a></div>'
        )


__all__ = ["AspNet", "Beijing", "Epoint", "Henan", "Jiangxi", "esc"]
