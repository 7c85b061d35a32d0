"""Read and validate the portal registry (docs/usage.md, "The registry").

A CSV (UTF-8, header row) with the columns of shared/spec/archive.md — ``code, name, province,
prefecture, url, platform, js`` — plus the optional ``robots`` column: ``ignore`` overrides
robots.txt for that portal (an explicit, logged decision; the default obeys).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

PLATFORMS = ("hanweb", "trs", "gkmlpt", "vsb", "jsonapi", "generic")
REQUIRED = ("code", "name", "url")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Portal:
    code: str
    name: str
    province: str
    prefecture: str
    url: str
    platform: str = ""  # empty: detect from the pages
    js: bool | None = None  # None: detect
    robots: str = "obey"  # obey | ignore

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def as_row(self) -> dict:
        row = asdict(self)
        row["js"] = None if self.js is None else int(self.js)
        return row


def parse_registry(text: str, source: str = "registry") -> list[Portal]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"{source}: missing column(s) {', '.join(missing)}")
    portals: list[Portal] = []
    seen: set[str] = set()
    errors: list[str] = []
    for n, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()) or row.get("code", "").startswith("#"):
            continue
        code, url = row.get("code", ""), row.get("url", "")
        problems = []
        if not re.fullmatch(r"\d{6}", code):
            problems.append(f"code {code!r} is not a 6-digit 行政区划代码")
        elif code in seen:
            problems.append(f"code {code} appears twice")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"url {url!r} is not an http(s) URL")
        platform = row.get("platform", "").lower()
        if platform and platform not in PLATFORMS:
            problems.append(f"platform {platform!r} is not one of {', '.join(PLATFORMS)}")
        js = row.get("js", "")
        if js not in ("", "0", "1"):
            problems.append(f"js must be empty, 0 or 1 (got {js!r})")
        robots = row.get("robots", "").lower() or "obey"
        if robots not in ("obey", "ignore"):
            problems.append(f"robots must be empty, obey or ignore (got {robots!r})")
        if problems:
            errors.extend(f"{source}, line {n}: {p}" for p in problems)
            continue
        seen.add(code)
        portals.append(
            Portal(
                code=code,
                name=row.get("name", ""),
                province=row.get("province", ""),
                prefecture=row.get("prefecture", ""),
                url=url,
                platform=platform,
                js=None if js == "" else js == "1",
                robots=robots,
            )
        )
    if errors:
        raise RegistryError("\n".join(errors))
    return portals


NO_REGISTRY = (
    "no portal registry given: pass --registry FILE (a CSV with code,name,url,…; see "
    "docs/usage.md, 'The registry'). `nianbao demo` crawls the bundled sample portals."
)


def load_registry(path: str | Path | None, codes: list[str] | None = None) -> list[Portal]:
    if not path:
        raise RegistryError(NO_REGISTRY)
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"no registry at {path}")
    portals = parse_registry(path.read_text(encoding="utf-8-sig"), str(path))
    if codes:
        unknown = set(codes) - {p.code for p in portals}
        if unknown:
            raise RegistryError(f"not in {path}: {', '.join(sorted(unknown))}")
        portals = [p for p in portals if p.code in codes]
    return portals


def parse_years(spec: str | None) -> tuple[int, int] | None:
    """The crawl's report years: '2021-2024' → (2021, 2024); '2023' → (2023, 2023); '' → None."""
    spec = (spec or "").strip()
    if not spec:
        return None
    lo, _, hi = spec.partition("-")
    return int(lo), int(hi or lo)
