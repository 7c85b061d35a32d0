"""Page chrome shared by the simulated portals: head with the 政府网站 meta set, header, nav,
breadcrumb, footer with 网站标识码 / ICP / the site-census error-report widget.

The chrome matters to a crawler: real pages carry navigation, footers and noise words
(无障碍, 长者版, 网站地图) around the content, and the meta set (SiteName, SiteIDCode, ColumnName,
ArticleTitle, PubDate, ContentSource) is what platform fingerprints and metadata extraction use
(portals.md §1.0).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

esc = html.escape


def meta_tags(meta: dict[str, str]) -> str:
    return "\n".join(
        f'<meta name="{esc(k)}" content="{esc(v, quote=True)}">' for k, v in meta.items() if v
    )


def nav_html(nav: Iterable[tuple[str, str]], cls: str = "nav") -> str:
    items = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in nav)
    return f'<div class="{cls}"><ul>{items}</ul></div>'


def breadcrumb_html(crumbs: Iterable[tuple[str, str]], cls: str = "position") -> str:
    parts = [f'<a href="{esc(h)}" class="CurrChnlCls">{esc(t)}</a>' for t, h in crumbs]
    return f'<div class="{cls}">您现在的位置：' + "&gt;&gt;".join(parts) + "</div>"


def page(
    *,
    site: str,
    title: str,
    body: str,
    charset: str = "utf-8",
    meta: dict[str, str] | None = None,
    nav: Iterable[tuple[str, str]] = (),
    crumbs: Iterable[tuple[str, str]] = (),
    site_code: str = "",
    icp: str = "",
    head_extra: str = "",
    body_class: str = "",
    charset_meta: str | None = None,
) -> str:
    """A complete page. ``charset_meta`` replaces the default ``<meta charset>`` line (to write
    legacy or malformed declarations)."""
    cm = charset_meta if charset_meta is not None else f'<meta charset="{charset}">'
    crumbs = list(crumbs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{cm}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta_tags(meta or {})}
<title>{esc(title)}</title>
<link rel="stylesheet" href="/css/style.css">
{head_extra}
</head>
<body class="{body_class}">
<div class="topbar"><div class="w1200"><span>欢迎访问{esc(site)}</span>
<a href="javascript:;">无障碍</a> | <a href="javascript:;">长者版</a> |
<a href="/wzdt/">网站地图</a></div></div>
<div class="header"><div class="w1200"><div class="logo">{esc(site)}</div></div></div>
{nav_html(nav)}
<div class="main w1200">
{breadcrumb_html(crumbs) if crumbs else ""}
{body}
</div>
<div class="footer"><div class="w1200">
<p>主办：{esc(site)}办公室&nbsp;&nbsp;承办：{esc(site)}大数据中心</p>
<p>网站标识码：{site_code}&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/">{esc(icp)}</a>
&nbsp;&nbsp;公安机关备案号：00000000000000号</p>
<p>联系电话：0000-0000000&nbsp;&nbsp;建议使用1366×768分辨率浏览本网站</p>
</div></div>
<script id="_jiucuo_" sitecode="{site_code}" src="/exposure/jiucuo.js"></script>
</body>
</html>
"""


def not_found_page(site: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><div style="text-align:center;margin-top:80px"><h2>抱歉，您访问的页面不存在或已删除！</h2>
<p><a href="/">返回{esc(site)}首页</a></p></div></body></html>"""
