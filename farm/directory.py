"""A small nation of directories: provincial and prefecture portals that lead to county portals.

For ``nianbao registry discover`` (docs/farm.md, "The directory world"). Two real provinces and
three of their prefectures, with every county of those prefectures served as a generated
variant portal under its real code and name (``farm/variants``). The traps real directories
have, one each:

* 鼓楼区 in all three prefectures (福州, 南京, 徐州): a homonym told apart only by its parent;
* a dead link (福州's 马尾区 points to a host that does not answer);
* an old domain that 301s to the live one (南京's 玄武区);
* a county hosted on the city's platform (福州's 仓山区 at ``cangshan.fuzhou.gov.cn.test``);
* a bare-IP host (南京's 秦淮区 at 198.51.100.61);
* a department's site listed beside the counties (晋安区教育局 under the text 晋安区; the real
  晋安区 is in the page's jump menu), and 徐州市教育局 among 徐州's links;
* a county missing from its prefecture's links but listed by the province (福州's 平潭县);
* links in a footer 友情链接 block (福州), a ``<select>`` jump menu and a 区县政府网站 directory
  page (南京), and only the 网站地图 page (徐州); other prefectures of the provinces link to
  hosts nobody serves.

``truth()`` is the registry a correct discovery writes: each county's final URL, or None where
no working link exists (the dead one).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .content import ContentStore
from .http import Request, Response, redirect
from .model import Portal
from .pages import esc, page
from .sites.base import FarmState, Site
from .variants import FAMILIES
from .variants.names import pinyin_of

PROVINCES = {
    "福建省": ("350000", "www.fujian.gov.cn.test"),
    "江苏省": ("320000", "www.jiangsu.gov.cn.test"),
}
PREFECTURES = {
    "350100": ("福州市", "www.fuzhou.gov.cn.test", "footer"),
    "320100": ("南京市", "www.nanjing.gov.cn.test", "directory"),
    "320300": ("徐州市", "www.xz.gov.cn.test", "sitemap"),
}
DEAD = {"350105"}  # 马尾区: the link leads nowhere
OLD_DOMAIN = {"320102": "www.xuanwu-old.gov.cn.test"}  # 玄武区: linked by its old domain
CITY_PLATFORM = {"350104": "cangshan.fuzhou.gov.cn.test"}  # 仓山区
BARE_IP = {"320104": "198.51.100.61"}  # 秦淮区
PROVINCE_ONLY = {"350128"}  # 平潭县: not on 福州's page, on 福建's
DEPARTMENT = ("350111", "晋安区教育局", "www.jajyj.gov.cn.test")  # listed as "晋安区"


@dataclass
class County:
    code: str
    name: str
    province: str
    prefecture_code: str
    host: str

    @property
    def url(self) -> str:
        return f"http://{self.host}/"


def _units() -> list[County]:
    from crawler.registry.units import counties  # the national list the discoverer reads

    out = []
    for u in counties():
        if u.prefecture_code not in PREFECTURES:
            continue
        stem = u.name[:-1]
        py = pinyin_of(stem) or f"c{u.code}"
        host = (
            CITY_PLATFORM.get(u.code) or BARE_IP.get(u.code) or f"www.{py}{u.code[-2:]}.gov.cn.test"
        )
        out.append(County(u.code, u.name, u.province, u.prefecture_code, host))
    return out


def county_pairs() -> list[tuple]:
    """The county portals as variants: (family, seed, the real unit), families in turn."""
    names = list(FAMILIES)
    pairs = []
    for n, c in enumerate(_units()):
        if c.code in DEAD:
            continue
        prefecture = PREFECTURES[c.prefecture_code][0]
        kw = {"code": c.code, "name": c.name, "province": c.province, "prefecture": prefecture}
        pairs.append((names[n % len(names)], 3000 + n, {**kw, "host": c.host}))
    return pairs


def truth() -> dict[str, str | None]:
    """code → the portal URL a correct discovery finds (None: no working link exists)."""
    return {c.code: None if c.code in DEAD else c.url for c in _units()}


def seeds_csv() -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["province", "url"])
    for name, (_, host) in PROVINCES.items():
        w.writerow([name, f"http://{host}/"])
    return out.getvalue()


def _link(url: str, text: str) -> str:
    return f'<li><a href="{esc(url)}" target="_blank">{esc(text)}</a></li>'


@dataclass
class _Portal:
    """One government's directory site: what its pages link to."""

    code: str
    name: str
    host: str
    footer: list[tuple[str, str]] = field(default_factory=list)  # (url, text)
    menu: list[tuple[str, str]] = field(default_factory=list)  # <select> options
    directory: list[tuple[str, str]] = field(default_factory=list)  # on 区县政府网站
    sitemap: list[tuple[str, str]] = field(default_factory=list)  # on 网站地图


class DirectorySite(Site):
    """A provincial or prefecture portal whose pages list other governments' sites."""

    def __init__(self, spec: _Portal, content: ContentStore, state: FarmState) -> None:
        self.spec = spec
        portal = Portal(
            code=spec.code,
            name=spec.name,
            province="",
            prefecture="",
            url=f"http://{spec.host}/",
            archetype="directory",
            outcome="",
            reason="a directory of governments' sites",
            hosts=[spec.host],
        )
        super().__init__(portal, content, state)

    def build(self) -> None:
        s = self.spec
        self.add_host(s.host, robots="User-agent: *\nAllow: /\n")
        title = f"{s.name}人民政府门户网站"
        code = f"{s.code}0001"

        def pg(body: str, heading: str = "") -> str:
            nav = [("/", "首页"), ("/zwgk/", "政务公开"), ("/wzdt/", "网站地图")]
            return page(
                site=title,
                title=f"{heading + '_' if heading else ''}{s.name}人民政府",
                body=body,
                meta={"SiteName": f"{s.name}人民政府", "SiteIDCode": code},
                nav=nav,
                site_code=code,
            )

        items = "".join(_link(u, t) for u, t in s.footer)
        options = "".join(f'<option value="{esc(u)}">{esc(t)}</option>' for u, t in s.menu)
        menu = f"<select><option>——县区政府网站——</option>{options}</select>" if s.menu else ""
        extra = '<p><a href="/qxzf/">区县政府网站</a></p>' if s.directory else ""
        home = (
            f"<h2>{esc(s.name)}</h2><p>政务要闻</p>{extra}"
            f"<div class='friendlink'><h4>友情链接</h4><ul>{items}</ul>{menu}</div>"
        )
        self.add(s.host, "/", pg(home))
        self.add(s.host, "/zwgk/", pg("<h2>政务公开</h2><p>政府信息公开</p>", "政务公开"))
        if s.directory:
            body = (
                "<h2>区县政府网站</h2><ul>" + "".join(_link(u, t) for u, t in s.directory) + "</ul>"
            )
            self.add(s.host, "/qxzf/", pg(body, "区县政府网站"))
        smap = "<h2>网站地图</h2><ul>" + "".join(_link(u, t) for u, t in s.sitemap) + "</ul>"
        self.add(s.host, "/wzdt/", pg(smap, "网站地图"))


class RedirectSite(Site):
    """An old domain that answers every path with a 301 to the live one."""

    def __init__(self, host: str, target: str, content: ContentStore, state: FarmState) -> None:
        self.host, self.target = host, target
        portal = Portal(
            code="", name="", province="", prefecture="", url=f"http://{host}/",
            archetype="redirect", outcome="", reason="an old domain", hosts=[host],
        )  # fmt: skip
        super().__init__(portal, content, state)

    def build(self) -> None:
        self.add_host(self.host)
        self.route(self.host, r"/.*", self._moved)

    def _moved(self, req: Request) -> Response:
        return redirect(f"http://{self.target}{req.target}", 301)


class DepartmentSite(Site):
    """A department's own site: the same county's digits in its 网站标识码, not the portal."""

    def __init__(self, code: str, name: str, host: str, content, state) -> None:
        self.code, self.dept, self.host = code, name, host
        portal = Portal(
            code="", name=name, province="", prefecture="", url=f"http://{host}/",
            archetype="department", outcome="", reason="a department's site", hosts=[host],
        )  # fmt: skip
        super().__init__(portal, content, state)

    def build(self) -> None:
        self.add_host(self.host)
        sid = f"{self.code}0002"
        body = page(
            site=self.dept,
            title=f"首页_{self.dept}",
            body=f"<h2>{esc(self.dept)}</h2><p>教育动态</p>",
            meta={"SiteName": self.dept, "SiteIDCode": sid},
            site_code=sid,
        )
        self.add(self.host, "/", body)


def sites(content: ContentStore, state: FarmState) -> list[Site]:
    """The directory sites: provinces, prefectures, the old domain, the department."""
    counties = _units()
    by_pref: dict[str, list[County]] = {}
    for c in counties:
        by_pref.setdefault(c.prefecture_code, []).append(c)
    out: list[Site] = []
    for pcode, (pname, phost, how) in PREFECTURES.items():
        spec = _Portal(pcode, pname, phost)
        links = []
        for c in by_pref[pcode]:
            if c.code in PROVINCE_ONLY:
                continue
            host = OLD_DOMAIN.get(
                c.code, "www.nowhere-mawei.gov.cn.test" if c.code in DEAD else c.host
            )
            links.append((f"http://{host}/", f"{c.name}人民政府"))
        if pcode == DEPARTMENT[0][:4] + "00":
            # the department's site under the county's own name; the county itself in the menu
            spec.footer.append((f"http://{DEPARTMENT[2]}/", DEPARTMENT[1][:3]))
            jinan = next(x for x in links if "晋安区" in x[1])
            links.remove(jinan)
            spec.menu.append(jinan)
        if pcode == "320300":
            links.append(("http://www.xzjyj.gov.cn.test/", "徐州市教育局"))
        if how == "footer":
            spec.footer += links
        elif how == "directory":
            spec.menu += links[: len(links) // 2]
            spec.directory += links[len(links) // 2 :]
        else:
            spec.sitemap += links
        out.append(DirectorySite(spec, content, state))
    for pname, (pcode, phost) in PROVINCES.items():
        spec = _Portal(pcode, pname, phost)
        for code, (name, host, _) in PREFECTURES.items():
            if _province_of(code) == pname:
                spec.footer.append((f"http://{host}/", name))
        for c in counties:
            if c.code in PROVINCE_ONLY and c.province == pname:
                spec.footer.append((c.url, c.name))
        # the province's other prefectures: links to hosts nobody serves here
        spec.footer.append((f"http://www.other{pcode[:2]}.gov.cn.test/", "其他设区市"))
        out.append(DirectorySite(spec, content, state))
    for code, old in OLD_DOMAIN.items():
        live = next(c.host for c in counties if c.code == code)
        out.append(RedirectSite(old, live, content, state))
    out.append(DepartmentSite(DEPARTMENT[0], DEPARTMENT[1], DEPARTMENT[2], content, state))
    out.append(DepartmentSite("320300", "徐州市教育局", "www.xzjyj.gov.cn.test", content, state))
    return out


def _province_of(prefecture_code: str) -> str:
    return next(n for n, (code, _) in PROVINCES.items() if code[:2] == prefecture_code[:2])
