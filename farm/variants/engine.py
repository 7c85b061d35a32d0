"""What every family shares: the :class:`Family` interface, static paged lists, article pages,
and the click path a person follows to each report. The navigation from the home page to the
年报 column (portals.md §3.2: by link text, 1–3 levels, or only through a site map, a
``<select>`` jump menu, a breadcrumb, or a 信息公开 sub-host) is in :mod:`.navigation`.

A family decides URLs and markup; the engine decides *where* things sit. Both draw from the
variant's seeded random source, in a fixed order.
"""

from __future__ import annotations

from ..model import Decoy, Report
from ..pages import esc
from .site import VariantSite, list_html
from .world import Column, Item, Variant

PLACEMENTS = ("nav", "sub", "deep", "sitemap", "subhost", "select", "breadcrumb")


class Family:
    """A platform family. Subclasses override the URL scheme and whatever markup differs."""

    name = ""
    provinces: tuple[str, ...] = ("浙江省",)
    splits: tuple[str, ...] = ("flat", "year", "unit", "year_unit", "agency")
    placements: tuple[str, ...] = PLACEMENTS
    formats: tuple[str, ...] = ("html", "docx", "pdf")
    js_only = False  # lists need scripts (the HTML has no report links)
    static_links = True  # every click-path step is a literal link in the previous page
    home_paths: tuple[str, ...] = ("/", "/index.html", "/index.htm", "/index.shtml")
    research = "§1"

    def xxgk_path(self, v: Variant) -> str:
        return v.knobs.setdefault(
            "xxgk_path", v.rng.choice(("/zwgk/", "/xxgk/", "/zfxxgk/", "/gk/"))
        )

    def side_columns(self, v: Variant, site: VariantSite) -> list[Column]:
        return default_side_columns(v)

    def setup(self, v: Variant, site: VariantSite) -> None:
        """Family knobs (before anything is rendered)."""

    def col_path(self, v: Variant, col: Column, page: int) -> str:
        raise NotImplementedError

    def article_path(self, v: Variant, col: Column, it: Item) -> str:
        raise NotImplementedError

    def doc_path(self, v: Variant, col: Column, it: Item, ext: str) -> str:
        raise NotImplementedError

    def item_pages(self, v: Variant, leaf: Column, index: int) -> list[str]:
        """The list pages a person walks through to reach the leaf's ``index``-th item."""
        return leaf.pages[: index // self.per_page(v) + 1]

    def per_page(self, v: Variant) -> int:
        return v.knobs.setdefault("per_page", v.rng.choice((5, 6, 8, 10, 12, 15, 20)))

    def pager(self, v: Variant, col: Column, n: int, total: int) -> str:
        """Static numbered links (families override with their script pagers)."""
        links = " ".join(
            f'<a href="{esc(col.pages[k])}">{k + 1}</a>' if k != n else f"<b>{k + 1}</b>"
            for k in range(total)
        )
        nxt = f' <a href="{esc(col.pages[n + 1])}">下一页</a>' if n + 1 < total else ""
        return f'<div class="pages">共{total}页 {links}{nxt}</div>' if total > 1 else ""

    def column_body(self, v: Variant, site: VariantSite, col: Column, n: int, total: int) -> str:
        if col.children:
            return sub_nav(col)
        pp = self.per_page(v)
        chunk = col.items[n * pp : (n + 1) * pp]
        return list_html(site, chunk, col.pages[n]) + self.pager(v, col, n, total)

    def column_head(self, v: Variant, col: Column, n: int) -> tuple[dict, str, str]:
        """(meta, head html, trailing scripts) of a column page."""
        return {"ColumnName": col.title}, "", ""

    def render_column(self, v: Variant, site: VariantSite, col: Column) -> None:
        total = n_pages(self, v, col)
        for n in range(total):
            meta, head, scripts = self.column_head(v, col, n)
            body = self.column_body(v, site, col, n, total)
            crumbs = crumbs_for(v, col)
            path = path_of(col.pages[n])
            site.put(
                path,
                lambda b=body, m=meta, h=head, s=scripts, c=crumbs: site.page(
                    col.title,
                    f'<h2 class="col-title">{esc(col.title)}</h2>{b}',
                    crumbs=c,
                    meta=m,
                    head=h,
                    scripts=s,
                ),
                host=v.tree_host,
            )

    def article(self, v: Variant, site: VariantSite, col: Column, it: Item) -> str:
        """The article page HTML of an item (report or decoy)."""
        t = site.theme
        obj = it.obj
        source = obj.agency.short if isinstance(obj, Report) else f"{v.name}人民政府办公室"
        meta = {
            "ColumnName": col.title,
            "ArticleTitle": it.text,
            "PubDate": f"{it.date} 09:{it.date.day:02d}",
            "ContentSource": source,
        }
        body = article_body(v, site, col, it)
        return site.page(
            it.text,
            f'<h1 id="{t["title_id"]}">{esc(it.text)}</h1>'
            f'<div class="info">发布日期：{it.date} 来源：{esc(source)}</div>'
            f'<div id="{t["body_sel"]}" class="article-body">{body}</div>',
            crumbs=crumbs_for(v, col),
            meta=meta,
        )


def path_of(url: str) -> str:
    rest = url.split("://", 1)[1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def n_pages(fam: Family, v: Variant, col: Column) -> int:
    if col.children:
        return 1
    return max(1, -(-len(col.items) // fam.per_page(v)))


def sub_nav(col: Column) -> str:
    links = "".join(
        f'<li><a href="{esc(c.pages[0])}">{esc(c.title)}</a></li>' for c in col.children
    )
    return f'<div class="sub-col"><ul>{links}</ul></div>'


def crumbs_for(v: Variant, col: Column) -> list[tuple[str, str]]:
    out = [("首页", v.url(v.home_path)), (v.knobs["xxgk_text"], v.xxgk_url)]
    return out + [(c.title, c.pages[0]) for c in col.ancestors()]


def article_body(v: Variant, site: VariantSite, col: Column, it: Item) -> str:
    """Report text, or a 详见附件 stub with the attachment link, or a decoy's text."""
    obj = it.obj
    if isinstance(obj, Report) and obj.carrier == "attachment":
        ext = obj.fmt
        label = f"{obj.title}.{ext}"
        return f"<p>{esc(obj.title)}详见附件。</p>" + site.attachment_html(
            obj, obj.document_urls[0], label
        )
    return site.body_of(it)


def build_tree(fam: Family, v: Variant, site: VariantSite) -> None:
    """URLs for every column page and item, then the pages themselves (lazily)."""
    assert v.root is not None
    cols = _walk(v.root)
    assign_ids(v, cols)
    for col in cols:
        col.pages = [
            v.url(fam.col_path(v, col, n), v.tree_host) for n in range(n_pages(fam, v, col))
        ]
    for col in cols:
        for it in col.items:
            obj = it.obj
            if isinstance(obj, Report) and obj.carrier == "file-link":
                it.url = site.add_document(obj, fam.doc_path(v, col, it, obj.fmt), host=v.doc_host)
                obj.page_url = it.url
                continue
            it.url = v.url(fam.article_path(v, col, it), v.tree_host)
            if isinstance(obj, Report) and obj.carrier == "attachment":
                site.add_document(obj, fam.doc_path(v, col, it, obj.fmt), host=v.doc_host)
            site.put(
                path_of(it.url),
                lambda c=col, i=it: fam.article(v, site, c, i),
                host=v.tree_host,
                modified=it.date,
            )
            if isinstance(obj, Report):
                site.register_report_page(obj, it.url)
            else:
                site.register_decoy(obj, it.url)
    for col in cols:
        fam.render_column(v, site, col)


def _walk(col: Column) -> list[Column]:
    return [col] + [c for ch in col.children for c in _walk(ch)]


def record_paths(fam: Family, v: Variant) -> None:
    assert v.root is not None
    for leaf in v.root.leaves():
        above = [c.pages[0] for c in leaf.ancestors()[:-1]]
        for i, it in enumerate(leaf.items):
            pages = fam.item_pages(v, leaf, i)
            steps = [*v.nav_path, *above, *pages, it.url]
            if it.url in v.nav_path:  # the 最新公开 entry that leads to the breadcrumb
                steps = v.nav_path[: v.nav_path.index(it.url) + 1]
            obj = it.obj
            if isinstance(obj, Report):
                if obj.carrier == "attachment":
                    steps.append(obj.document_urls[0])
                v.paths.setdefault(obj.id, _dedup(steps))
                v.list_pages[obj.id] = pages[-1]
            elif isinstance(obj, Decoy):
                v.decoy_paths.setdefault(obj.title, _dedup(steps))


def _dedup(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


# --------------------------------------------------------------------------------------
# ids, side columns, news
# --------------------------------------------------------------------------------------

ROOT_SLUGS = ("zfxxgknb", "xxgknb", "gknb", "ndbg", "zfxxgkndbg", "nb", "xxgkndbg", "gzbg")
UNIT_SLUGS = {
    "gov": ("bj", "qzf", "xzf", "zfbj"),
    "dept": ("bm", "bmnb", "bmxxgknb"),
    "town": ("xz", "xzjd", "zjnb", "xzxxgknb"),
}
SIDE = (
    ("政府信息公开指南", "zfxxgkzn", "guide"),
    ("政府信息公开制度", "zfxxgkzd", "rule"),
    ("财政预决算", "czyjs", "budget"),
    ("通知公告", "tzgg", "notice"),
)


def assign_ids(v: Variant, cols: list[Column]) -> None:
    base = v.knobs.setdefault("col_id_base", v.rng.choice((100, 1000, 10000, 1229000000)))
    start = base + v.rng.randint(1, 9) * (base // 10 or 1) + v.rng.randint(0, 99)
    ystyle = v.knobs.setdefault(
        "year_slug", v.rng.choice(("{y}n", "gknb{y}", "{y}nb", "{y}", "nb{y}"))
    )
    cid = max(start, v.next_cid)  # side columns continue after the 年报 tree
    for col in cols:
        cid += v.rng.choice((1, 1, 2, 7))
        col.cid = cid
        v.next_cid = cid
        if col.kind == "root":
            col.slug = v.knobs.setdefault("root_slug", v.rng.choice(ROOT_SLUGS))
        elif col.kind == "year":
            assert col.year is not None
            col.slug = ystyle.format(y=col.year)
        elif col.kind == "unit":
            assert col.unit is not None
            col.slug = v.knobs.setdefault(
                f"unit_slug_{col.unit}", v.rng.choice(UNIT_SLUGS[col.unit])
            )
        elif col.kind == "agency":
            col.slug = col.key.removeprefix("a-")
        if col.year and col.year == 2024 and v.knobs.get("year_folder_by_publication"):
            pass


def default_side_columns(v: Variant) -> list[Column]:
    from ..model import Decoy as D

    out = []
    for title, slug, kind in SIDE:
        col = Column(f"side-{slug}", title, "side", slug=slug)
        if kind == "budget":
            col.items = [
                Item(d, d.title, d.published) for d in v.portal.decoys if d.kind == "budget"
            ]
            for y in (2022, 2023):
                d = D(
                    v.code,
                    f"{v.name}{y}年财政预算执行情况和{y + 1}年财政预算草案的报告",
                    "budget",
                    __import__("datetime").date(y + 1, 2, 1),
                )
                col.items.append(Item(d, d.title, d.published))
        elif kind in ("guide", "rule"):
            d = D(v.code, f"{v.name}人民政府{title}", kind, __import__("datetime").date(2024, 3, 1))
            col.items = [Item(d, d.title, d.published)]
        else:
            d = D(
                v.code,
                f"{v.name}关于开展政务公开日活动的通知",
                "notice2",
                __import__("datetime").date(2024, 5, 1),
            )
            col.items = [Item(d, d.title, d.published)]
        col.items.sort(key=lambda it: it.date, reverse=True)
        out.append(col)
    return out


def build_side(fam: Family, v: Variant, site: VariantSite, side: list[Column]) -> None:
    assign_ids(v, side)
    real = {id(d) for d in v.portal.decoys}
    for col in side:
        col.pages = [v.url(fam.col_path(v, col, n)) for n in range(n_pages(fam, v, col))]
        for it in col.items:
            it.url = v.url(fam.article_path(v, col, it))
            site.put(
                path_of(it.url), lambda c=col, i=it: fam.article(v, site, c, i), modified=it.date
            )
            if id(it.obj) in real:
                site.register_decoy(it.obj, it.url)
                v.decoy_paths[it.obj.title] = [v.url(v.home_path), v.xxgk_url, col.pages[0], it.url]
    saved = v.tree_host
    v.tree_host = v.host
    for col in side:
        fam.render_column(v, site, col)
    v.tree_host = saved


def build_news(v: Variant, site: VariantSite) -> None:
    import datetime as dt

    from ..model import Decoy as D

    titles = (
        f"{v.name}召开县政府常务会议",
        f"{v.name}开展安全生产大检查",
        f"{v.name}举办农民丰收节",
        f"{v.name}推进乡村振兴工作",
    )
    items = []
    for i, t in enumerate(titles):
        day = dt.date(2025, 3, 20) - dt.timedelta(days=7 * i + v.rng.randint(0, 5))
        d = D(v.code, t, "news2", day)
        it = Item(d, t, day, v.url(f"/xwzx/{day:%Y%m}/{v.rng.randint(10000, 99999)}.html"))
        site.put(
            path_of(it.url),
            lambda i=it: site.page(i.text, f"<h1>{esc(i.text)}</h1><p>{esc(i.text)}。</p>"),
        )
        items.append(it)
    v.home_news = items
    site.put("/xwzx/", lambda: site.page("新闻中心", list_html(site, items)))
