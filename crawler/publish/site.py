"""Site-wide touches: our stylesheet on every page and the menu links to our pages."""

from __future__ import annotations

from datasette import hookimpl

LINKS = (
    ("/-/search", "Search reports 全文检索"),
    ("/-/charts", "Charts 历年趋势"),
    ("/-/places", "Places 分地区"),
    ("/-/rankings", "Rankings 排名"),
    ("/-/map", "Map 地图"),
    ("/-/downloads", "Downloads 下载"),
    ("/-/feed.atom", "Atom feed 订阅"),
    ("/-/flags.atom", "New flags 异常订阅"),
)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("nianbao", "nianbao.css")]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path(href), "label": label} for href, label in LINKS]


@hookimpl
def extra_template_vars(datasette):
    return {"nianbao_links": [(datasette.urls.path(h), label) for h, label in LINKS]}
