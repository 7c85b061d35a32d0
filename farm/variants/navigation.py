"""The way from the home page to the 年报 column (portals.md §3.2): where the column sits and
every page on the way there.

:func:`plan_navigation` draws the placement (nav bar, 信息公开 index, a deeper 法定主动公开 level,
only the 网站地图, a 信息公开 sub-host, a ``<select>`` jump menu, or only the breadcrumb of the
articles under 最新公开), the link texts and the hosts before any URL is assigned;
:func:`build_navigation` then renders the pages and records the click path (``v.nav_path``).
Both draw from the variant's seeded random source: the order of the draws is part of every
variant's output, so the split into helpers below keeps it.
"""

from __future__ import annotations

from ..pages import esc
from .engine import Family, path_of
from .site import VariantSite, list_html
from .world import XXGK_TEXTS, Column, Item, Variant


def plan_navigation(fam: Family, v: Variant) -> None:
    """Choose placement, link texts, home path, sub-host (before URLs are assigned)."""
    v.placement = v.pick("placement", fam.placements)
    v.home_path = v.pick("home_path", fam.home_paths)
    v.knobs["xxgk_text"] = v.rng.choice(XXGK_TEXTS)
    v.tree_host = v.host
    if v.placement == "subhost":
        shape = v.pick("subhost_shape", ("xxgk", "zwgk", "ip", "ip8080"))
        if shape in ("xxgk", "zwgk"):
            v.subhost = f"{shape}.{v.host.removeprefix('www.')}"
        elif v.knobs.get("subhost_given"):
            v.subhost = v.knobs["subhost_given"]
        else:
            net = v.rng.choice(("192.0.2", "198.51.100"))
            v.subhost = f"{net}.{v.rng.randint(20, 250)}" + (":8080" if shape == "ip8080" else "")
        v.tree_host = v.subhost
        v.chance("subhost_only_in_sitemap", 0.35)
    # documents on a file / object-storage host of the portal's own (§1.1: jcms_files on OSS)
    v.doc_host = v.tree_host
    if v.chance("doc_host", 0.15) and not v.tree_host[0].isdigit():
        prefix = v.rng.choice(("file", "static", "oss", "att"))
        v.doc_host = f"{prefix}.{v.tree_host.removeprefix('www.')}"


Link = tuple[str, str]  # (text, URL)


def build_navigation(fam: Family, v: Variant, site: VariantSite, side: list[Column]) -> None:
    """Home, 信息公开 index, optional 法定主动公开 level, 网站地图, sub-host home, news."""
    assert v.root is not None
    in_nav_xxgk = _xxgk_in_nav(v)
    nav = _nav_bar(v, in_nav_xxgk)
    site.nav = nav
    entries = [(c.title, c.pages[0]) for c in side]
    xxgk_links, mid_url, picks = _xxgk_index(v, site, entries)
    _home(v, site, xxgk_links)
    _sitemap(v, site, nav, entries)
    _plain_columns(v, site)
    v.nav_path = _click_path(v, site, in_nav_xxgk, mid_url, picks)


def _xxgk_in_nav(v: Variant) -> bool:
    """Whether the top navigation links the 信息公开 index (a sub-host may be only in the map)."""
    if v.placement == "subhost" and v.knobs.get("subhost_only_in_sitemap"):
        return False
    return v.placement in ("nav", "sub", "deep", "breadcrumb", "subhost")


def _nav_bar(v: Variant, in_nav_xxgk: bool) -> list[Link]:
    """The navigation bar of every page; the 年报 column itself is in it only for "nav"."""
    assert v.root is not None
    home = v.url(v.home_path)
    nav = [("首页", home), ("走进" + v.name, v.url("/zjxx/")), ("新闻中心", v.url("/xwzx/"))]
    if in_nav_xxgk:
        nav.append((v.knobs["xxgk_text"], v.xxgk_url))
    if v.placement == "nav":
        nav.append((v.root.title, v.root.pages[0]))
    nav += [
        ("政务服务", f"http://zwfw.{v.pinyin_prefecture}.gov.cn.test/"),
        ("互动交流", v.url("/hdjl/")),
    ]
    return nav


def _xxgk_index(
    v: Variant, site: VariantSite, entries: list[Link]
) -> tuple[list[Link], str, list[Item]]:
    """The 信息公开 index (on the sub-host for "subhost"), the 法定主动公开内容 level of "deep"
    and the sub-host's front page. Returns the index's links, the middle level's URL and the
    articles listed under 最新公开 ("breadcrumb" only)."""
    assert v.root is not None
    root_url = v.root.pages[0]
    xtext = v.knobs["xxgk_text"]
    xhost = v.tree_host if v.placement == "subhost" else v.host
    mid_url = v.url(v.knobs.setdefault("mid_path", "/zwgk/fdzdgknr/"), xhost)
    if v.placement == "deep":
        xxgk_links = [("法定主动公开内容", mid_url), *entries]
    elif v.placement == "breadcrumb":
        xxgk_links = entries
    else:
        xxgk_links = [*entries[:2], (v.root.title, root_url), *entries[2:]]
    picks: list[Item] = []
    latest = ""
    if v.placement == "breadcrumb":
        leaf_items = [it for leaf in v.root.leaves() for it in leaf.items if it.is_report]
        picks = sorted(leaf_items, key=lambda it: it.date, reverse=True)[:3]
        latest = "<h3>最新公开</h3>" + list_html(site, picks)
    x_body = (
        f'<h2>{esc(xtext)}</h2><div class="xxgk-nav"><ul>'
        + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for t, u in xxgk_links)
        + f"</ul></div>{latest}"
    )
    site.put(
        path_of(v.xxgk_url),
        lambda: site.page(xtext, x_body, meta={"ColumnName": xtext}),
        host=xhost,
    )
    if v.placement == "deep":
        _middle_level(v, site, mid_url, xhost)
    if xhost != v.host:
        # the sub-host's own front page leads to the 信息公开 index
        site.put(
            "/",
            lambda: site.page(xtext, f'<a href="{esc(v.xxgk_url)}">{esc(xtext)}</a>'),
            host=xhost,
        )
    return xxgk_links, mid_url, picks


def _middle_level(v: Variant, site: VariantSite, mid_url: str, xhost: str) -> None:
    """法定主动公开内容, the level between the 信息公开 index and the 年报 column ("deep")."""
    assert v.root is not None
    links = [("机构职能", v.url("/zwgk/jgzn/", xhost)), (v.root.title, v.root.pages[0])]
    mid_body = (
        "<h2>法定主动公开内容</h2><ul>"
        + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for t, u in links)
        + "</ul>"
    )
    site.put(path_of(mid_url), lambda: site.page("法定主动公开内容", mid_body), host=xhost)


def _home(v: Variant, site: VariantSite, xxgk_links: list[Link]) -> None:
    """The home page (news, the sub-host entry or the ``<select>`` jump menu) and, when it does
    not sit at ``/``, the script or meta redirect there."""
    assert v.root is not None
    xtext = v.knobs["xxgk_text"]
    news = list(v.home_news)
    home_links = ""
    if v.placement == "subhost" and not v.knobs.get("subhost_only_in_sitemap"):
        home_links += (
            f'<div class="gk-entry"><a href="{esc(v.xxgk_url)}">{esc(xtext)}平台</a></div>'
        )
    if v.placement == "select":
        opts = [("部门网站", ""), *[(t, u) for t, u in xxgk_links], (v.root.title, v.root.pages[0])]
        home_links += (
            '<select class="jump" onchange="if(this.value){window.open(this.value);}">'
            + "".join(f'<option value="{esc(u)}">{esc(t)}</option>' for t, u in opts)
            + "</select>"
        )
    home_body = (
        f'<div class="banner">{esc(v.name)}欢迎您</div>{home_links}'
        f'<div class="news"><h3>要闻动态</h3>{list_html(site, news)}</div>'
        f'<div class="links">友情链接：<a href="http://www.{v.pinyin_prefecture}.gov.cn.test/">'
        f"{esc(v.prefecture)}人民政府</a></div>"
    )
    site.put(v.home_path, lambda: site.page(f"{v.name}人民政府", home_body))
    if v.home_path != "/":
        if v.pick("root_redirect", ("script", "meta")) == "script":
            site.put("/", lambda: f'<script>location.href="{v.home_path}";</script>')
        else:
            site.put("/", lambda: f'<meta http-equiv="refresh" content="0;url={v.home_path}">')


def _sitemap(v: Variant, site: VariantSite, nav: list[Link], entries: list[Link]) -> None:
    """网站地图: every top column, the 信息公开 index and the 年报 column."""
    assert v.root is not None
    sm = [*nav, (v.knobs["xxgk_text"], v.xxgk_url), (v.root.title, v.root.pages[0]), *entries]
    sm_body = (
        "<h2>网站地图</h2><ul>"
        + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for t, u in _uniq(sm))
        + "</ul>"
    )
    site.put(site.sitemap_href, lambda: site.page("网站地图", sm_body))


def _plain_columns(v: Variant, site: VariantSite) -> None:
    """The columns the navigation bar and footer link that hold nothing of interest."""
    for path, title in (
        ("/zjxx/", "走进" + v.name),
        ("/hdjl/", "互动交流"),
        ("/lxwm/", "联系我们"),
    ):
        site.put(path, lambda t=title: site.page(t, f"<p>{esc(t)}栏目内容。</p>"))


def _click_path(
    v: Variant, site: VariantSite, in_nav_xxgk: bool, mid_url: str, picks: list[Item]
) -> list[str]:
    """The pages a person clicks through from the home page to the 年报 column."""
    assert v.root is not None
    home = v.url(v.home_path)
    placement = v.placement
    if placement == "nav":
        return [home]
    if placement in ("sub", "subhost") and in_nav_xxgk:
        return [home, v.xxgk_url]
    if placement == "subhost":
        return [home, v.url(site.sitemap_href), v.xxgk_url]
    if placement == "deep":
        return [home, v.xxgk_url, mid_url]
    if placement == "sitemap":
        return [home, v.url(site.sitemap_href)]
    if placement == "select":
        return [home]
    # breadcrumb: through the first 最新公开 article
    first = picks[0].url if picks else v.root.pages[0]
    return [home, v.xxgk_url, first]


def _uniq(xs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for t, u in xs:
        if u not in seen:
            seen.add(u)
            out.append((t, u))
    return out
