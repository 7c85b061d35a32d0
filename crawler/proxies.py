"""The standard proxy variables, for browser-rendered requests too.

Scrapy's HttpProxyMiddleware already honours ``http_proxy``/``https_proxy``/``no_proxy`` for
plain requests. Chromium does not read them, so the same values are turned into Playwright's
launch option; one proxy serves both schemes there (``https_proxy`` preferred).
"""

from __future__ import annotations

import os


def _env(name: str) -> str:
    return os.environ.get(name) or os.environ.get(name.upper()) or ""


def browser_proxy() -> dict | None:
    server = _env("https_proxy") or _env("http_proxy") or _env("all_proxy")
    if not server:
        return None
    proxy = {"server": server}
    if bypass := _env("no_proxy"):
        proxy["bypass"] = bypass
    return proxy


def launch_options(base: dict) -> dict:
    """Playwright launch options with the environment's proxy added."""
    options = dict(base)
    if proxy := browser_proxy():
        options["proxy"] = proxy
        # The sample farm terminates TLS with its own certificate; so do corporate proxies.
        options["args"] = [*options.get("args", []), "--ignore-certificate-errors"]
    return options
