"""TRS WCM static publishing (portals.md §1.4): folder columns with ``index.html`` /
``index_N.html`` written by a ``createPageHTML(…)`` call or ``var countPage`` + document.write,
articles ``./YYYYMM/tYYYYMMDD_ID.html`` in ``.TRS_Editor``, attachments ``./P0….pdf``.

Seeded: the column prefix, the extension (html/shtml/htm), the pager form and its signature,
article ids, ``_wap`` twins, the body class (TRS_Editor / Custom_UnionStyle), attachments
with ``appendix``/``OLDSRC``."""

from __future__ import annotations

from ...pages import esc
from ..engine import Family, article_body, crumbs_for, path_of
from ..site import VariantSite
from ..world import Column, Item, Variant


class Trs(Family):
    name = "trs"
    provinces = ("北京市", "重庆市", "吉林省", "内蒙古自治区", "湖北省", "福建省")
    research = "§1.4, §2.1 B/C"
    home_paths = ("/", "/index.html", "/index.shtml")

    def setup(self, v: Variant, site: VariantSite) -> None:
        v.knobs["href_style"] = "rel"
        v.pick("trs_prefix", ("/zwgk/zfxxgk/", "/xxgk/", "/zfxxgk/", "/gkml/", "/zwgk/"))
        v.pick("trs_ext", ("html", "shtml", "htm"), [5, 3, 1])
        v.pick("trs_pager", ("countPage", "createPageHTML3", "createPageHTML4", "static"))
        v.pick("trs_body", ("TRS_Editor", "Custom_UnionStyle", "view TRS_UEDITOR"))
        v.chance("trs_wap", 0.3)
        self.static_links = v.knobs["trs_pager"] == "static"

    def xxgk_path(self, v: Variant) -> str:
        return v.knobs["trs_prefix"]

    def folder(self, v: Variant, col: Column) -> str:
        if col.kind == "side":
            return f"{v.knobs['trs_prefix']}{col.slug}/"
        return v.knobs["trs_prefix"] + "".join(c.slug + "/" for c in col.ancestors())

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        ext = v.knobs["trs_ext"]
        return self.folder(v, col) + ("" if page == 0 else f"index_{page}.{ext}")

    def _id(self, v: Variant, it: Item) -> int:
        return 1000000 + (hash_int(it.text + v.code) % 9000000)

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        d = it.date
        return f"{self.folder(v, col)}{d:%Y%m}/t{d:%Y%m%d}_{self._id(v, it)}.{v.knobs['trs_ext']}"

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        d = it.date
        return f"{self.folder(v, col)}{d:%Y%m}/P0{d:%Y%m%d}{self._id(v, it) * 7 % 10**9:09d}.{ext}"

    def render_column(self, v: Variant, site: VariantSite, col: Column) -> None:
        super().render_column(v, site, col)
        ext = v.knobs["trs_ext"]
        key = (v.tree_host if col.kind != "side" else v.host, path_of(col.pages[0]))
        site.static[(key[0], key[1] + f"index.{ext}")] = site.static[key]

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        if total <= 1:
            return ""
        ext, style = v.knobs["trs_ext"], v.knobs["trs_pager"]
        if style == "static":
            return super().pager(v, col, n, total)
        if style == "countPage":
            return (
                f"<script>var currentPage = {n}; var countPage = {total};\n"
                "for (var i = 0; i < countPage; i++) { var u = i == 0 ? 'index." + ext + "' : "
                "'index_' + i + '." + ext + "';\n"
                "document.write(i == currentPage ? '<span>' + (i + 1) + '</span> ' : "
                "'<a href=\"' + u + '\">' + (i + 1) + '</a> '); }</script>"
            )
        args = f"{total}, {n}" if style == "createPageHTML3" else f"{len(col.items)}, {total}, {n}"
        return (
            '<div class="page" id="pager"></div><script>function createPageHTML() {'
            "var a = arguments, pages = a.length > 4 ? a[1] : a[0],"
            " cur = a.length > 4 ? a[2] : a[1];"
            "var name = a[a.length - 2], ext = a[a.length - 1], h = '';"
            "for (var i = 0; i < pages; i++) {"
            " var u = i == 0 ? name + '.' + ext : name + '_' + i + '.' + ext;"
            " h += i == cur ? '<span>' + (i + 1) + '</span>'"
            " : '<a href=\"' + u + '\">' + (i + 1) + '</a>'; }"
            "document.getElementById('pager').innerHTML = h; }"
            f'createPageHTML({args}, "index", "{ext}");</script>'
        )

    def article(self, v: Variant, site: VariantSite, col: Column, it: Item) -> str:
        obj = it.obj
        source = getattr(getattr(obj, "agency", None), "short", f"{v.name}人民政府办公室")
        meta = {
            "ColumnName": col.title,
            "ColumnType": col.title,
            "ArticleTitle": it.text,
            "PubDate": f"{it.date} 10:{it.date.day:02d}",
            "ContentSource": source,
            "Url": it.url,
        }
        wap = ""
        if v.knobs["trs_wap"] and it.is_report:
            wap_url = it.url.rsplit(".", 1)[0] + "_wap." + v.knobs["trs_ext"]
            site.put(
                path_of(wap_url),
                lambda: site.page(it.text, article_body(v, site, col, it)),
                host=v.tree_host,
                modified=it.date,
            )
            site.register_report_page(obj, wap_url)  # type: ignore[arg-type]
            wap = f' <a href="{esc(wap_url)}">手机版</a>'
        return site.page(
            it.text,
            f'<div class="detail"><h2 class="title">{esc(it.text)}</h2>'
            f'<div class="property">发布时间：{it.date} 来源：{esc(source)}{wap}</div>'
            f'<div class="{v.knobs["trs_body"]}">{article_body(v, site, col, it)}</div></div>',
            crumbs=crumbs_for(v, col),
            meta=meta,
        )


def hash_int(text: str) -> int:
    import hashlib

    return int(hashlib.md5(text.encode()).hexdigest()[:12], 16)
