"""Archetype 4 (second half): challenge hosts (portals.md §4.2, §5.2 archetype 4).

* **Ruishu-like (412)**: every path answers 412 with a small ``$_ts`` inline script, an external
  ``/4QbVtADbnLVIc/c.FxJzG50F.js`` and cookies ``FSSBBIl1UgzbN7N80S`` / ``__jsluid_s``. The external
  script, when a browser runs it, waits ~2 s (× time scale), derives ``FSSBBIl1UgzbN7N80T`` from
  the nonce and reloads; the server then serves the real portal behind it.
* **加速乐-like (521)**: 521 + ``__jsluid_s`` cookie + an obfuscated ``document.cookie=…`` that sets
  ``__jsl_clearance_s`` (max-age 3600) and reloads.
* **访问异常 (200)**: a normal-sized page saying access is restricted, for every path — only a
  positive content check notices it.

Expected outcome ``blocked`` for all three: a crawler detects and reports the challenge rather
than fighting it. The reports behind the two JS challenges are in the manifest with
``must_archive: false`` (a browser-capable crawler may archive them).
"""

from __future__ import annotations

import datetime as dt
import secrets

from ..content import ContentStore
from ..http import Request, Response, html
from ..model import Portal
from .base import TLS_REFUSED, FarmState, Site
from .common import decoy, finish, make_agencies, make_reports
from .mini import add_minisite

RUISHU_HOST = "www.lingxi.gov.cn.test"
JSL_HOST = "www.xiaxi.gov.cn.test"
WAF_HOST = "www.meiling.gov.cn.test"
RUISHU_JS = "/4QbVtADbnLVIc/c.FxJzG50F.js"


def _small_portal(code: str, name: str, province: str, prefecture: str, host: str, **kw) -> Portal:
    p = Portal(
        code=code,
        name=name,
        province=province,
        prefecture=prefecture,
        url=f"http://{host}/",
        hosts=[host],
        **kw,
    )
    p.agencies = make_agencies(
        code,
        [
            ("gov", f"{name}人民政府", "government", name),
            ("office", f"{name}人民政府办公室", "office", "县政府办"),
        ],
    )
    make_reports(p, {"gov": range(2022, 2025), "office": range(2023, 2025)}, printed={"gov": name})
    for r in p.reports:
        r.must_archive = False
        r.note = "behind a JS challenge: reachable only by a browser that runs it"
    p.decoys.append(decoy(p, "notice", 2024, dt.date(2024, 12, 10)))
    return finish(p)


def lingxi(mutations: frozenset[str] = frozenset()) -> Portal:
    return _small_portal(
        "990402",
        "灵溪县",
        "福建省",
        "南平市",
        RUISHU_HOST,
        archetype="challenge",
        outcome="blocked",
        reason="Ruishu-like 412 + $_ts JS challenge on every path",
        section="portals.md §4.2 (412 / $_ts), §5.2 archetype 4 host A",
    )


def xiaxi(mutations: frozenset[str] = frozenset()) -> Portal:
    return _small_portal(
        "990403",
        "霞溪县",
        "福建省",
        "宁德市",
        JSL_HOST,
        archetype="challenge",
        outcome="blocked",
        reason="加速乐-like 521 + cookie-setting JS on every path",
        section="portals.md §4.2 (521), §5.2 archetype 4 host B",
    )


def meiling(mutations: frozenset[str] = frozenset()) -> Portal:
    p = Portal(
        code="990404",
        name="梅岭县",
        province="江西省",
        prefecture="九江市",
        url=f"http://{WAF_HOST}/",
        hosts=[WAF_HOST],
        archetype="challenge",
        outcome="blocked",
        reason="HTTP 200 '访问异常' page of normal size on every path (IP-level block that looks "
        "like success)",
        section="portals.md §4.2 (访问异常), §5.2 archetype 4 host C",
    )
    return p


def token(nonce: str) -> str:
    """What the challenge script computes from the nonce (mirrors RUISHU_SCRIPT)."""
    h = 0
    for ch in nonce:
        h = (h * 31 + ord(ch)) % 1_000_000_007
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        h, r = divmod(h, 36)
        out = digits[r] + out
        if h == 0:
            break
    return f"{out}.{len(nonce)}"


RUISHU_SCRIPT = """(function(){
  var s = $_ts.cd.split('').reverse().join(''), h = 0;
  for (var i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) % 1000000007; }
  var t = h.toString(36) + '.' + s.length;
  setTimeout(function () {
    document.cookie = 'FSSBBIl1UgzbN7N80T=' + t + '; path=/';
    location.reload();
  }, __DELAY__);
})();
"""


class RuishuSite(Site):
    server_header = "nginx"

    def build(self) -> None:
        self.add_host(RUISHU_HOST, tls=TLS_REFUSED, robots="User-agent: *\nDisallow:\n")
        add_minisite(self, RUISHU_HOST, "灵溪县人民政府", self.portal.reports, self.portal.decoys)

    def before(self, req: Request) -> Response | None:
        if req.path == RUISHU_JS:
            delay = int(2000 * self.state.time_scale)
            body = RUISHU_SCRIPT.replace("__DELAY__", str(delay))
            return Response(200, [("Content-Type", "application/javascript")], body.encode())
        cookies = req.cookies
        nonce = cookies.get("FSSBBIl1UgzbN7N80S")
        if nonce and cookies.get("FSSBBIl1UgzbN7N80T") == token(nonce):
            return None
        nonce = nonce or secrets.token_hex(12)
        body = (
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=utf-8"><meta http-equiv="Cache-Control" content="no-cache, no-store">'
            "<script>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=38211;"
            f'$_ts.cd="{nonce[::-1]}";$_ts.lcd=1;</script>'
            f'<script type="text/javascript" r="m" charset="utf-8" src="{RUISHU_JS}"></script>'
            "</head><body></body></html>"
        )
        headers = [
            ("Set-Cookie", f"FSSBBIl1UgzbN7N80S={nonce}; Path=/; HttpOnly"),
            ("Set-Cookie", f"__jsluid_s={nonce[:16]}; max-age=31536000; path=/; HttpOnly"),
            ("Cache-Control", "no-cache, no-store"),
        ]
        return html(body, 412, headers=headers)


class JslSite(Site):
    server_header = "__jsluid"

    def build(self) -> None:
        self.add_host(JSL_HOST, tls=TLS_REFUSED, robots="User-agent: *\nDisallow:\n")
        add_minisite(self, JSL_HOST, "霞溪县人民政府", self.portal.reports, self.portal.decoys)

    @staticmethod
    def clearance(jsluid: str) -> str:
        import hashlib

        return "1735660800.123|0|" + hashlib.md5(f"jsl:{jsluid}".encode()).hexdigest()[:24]

    def before(self, req: Request) -> Response | None:
        cookies = req.cookies
        uid = cookies.get("__jsluid_s")
        if uid and cookies.get("__jsl_clearance_s") == self.clearance(uid):
            return None
        headers = []
        if not uid:
            uid = secrets.token_hex(16)
            headers.append(("Set-Cookie", f"__jsluid_s={uid}; max-age=31536000; path=/; HttpOnly"))
        value = self.clearance(uid)
        # the cookie name and value spelled out as obfuscated single characters, as 加速乐 does
        parts = []
        for i, ch in enumerate("__jsl_clearance_s=" + value):
            c = ord(ch)
            parts.append(f"('{ch}')" if i % 3 else f"String.fromCharCode({c - 7}+7)")
        js = (
            "document.cookie=" + "+".join(parts) + "+(';max-age=3600;path=/');"
            "location.href=location.pathname+location.search"
        )
        return html(f"<script>{js}</script>", 521, headers=headers)


WAF_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>访问异常</title>
<style>body{{font-family:"Microsoft YaHei";background:#f5f5f5}}.box{{width:640px;margin:120px auto;
background:#fff;border:1px solid #ddd;padding:40px;text-align:center}}h2{{color:#c00}}
p{{color:#666;line-height:2}}</style></head>
<body><div class="box"><h2>访问异常</h2>
<p>您的IP（{ip}）访问存在异常，已被网站安全防护系统暂时限制访问。</p>
<p>如您是正常访问，请稍后再试，或联系网站管理员。</p>
<p>事件编号：{event}</p>
<p style="font-size:12px;color:#aaa">{pad}</p>
</div></body></html>"""


class WafPageSite(Site):
    def build(self) -> None:
        self.add_host(WAF_HOST, tls=TLS_REFUSED)

    def before(self, req: Request) -> Response | None:
        pad = "网站安全防护 · 智能拦截 · 访问控制 · " * 60
        body = WAF_PAGE.format(ip="203.0.113.7", event=secrets.token_hex(8).upper(), pad=pad)
        return html(body)


def build_ruishu(portal: Portal, content: ContentStore, state: FarmState) -> RuishuSite:
    return RuishuSite(portal, content, state)


def build_jsl(portal: Portal, content: ContentStore, state: FarmState) -> JslSite:
    return JslSite(portal, content, state)


def build_waf(portal: Portal, content: ContentStore, state: FarmState) -> WafPageSite:
    return WafPageSite(portal, content, state)
