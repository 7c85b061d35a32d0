"""A registry cut into parts for several crawl workers, each part crawled into its own archive
and the archives merged (``nianbao merge``) — the static way to share a national crawl.

Politeness across machines holds only if no host is crawled by two workers at once, so portals
whose home pages share a host (a provincial platform serving several counties) stay in one part.
Groups are dealt out largest first, each to the part with the fewest portals so far: the parts
differ in size by at most the largest group.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def host_of(row: dict) -> str:
    """The host a registry row's portal is reached at (``www.`` aside), or its code when it
    has no URL (such a row shares nothing)."""
    host = (urlsplit((row.get("url") or "").strip()).hostname or "").lower()
    return host.removeprefix("www.") or f"code:{row.get('code', '')}"


def split_rows(rows: list[dict], parts: int) -> list[list[dict]]:
    """The rows in ``parts`` lists (registry order kept within each), hosts never split."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(host_of(row), []).append(i)
    shares: list[list[int]] = [[] for _ in range(parts)]
    for _, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        smallest = min(range(parts), key=lambda k: (len(shares[k]), k))
        shares[smallest].extend(members)
    return [[rows[i] for i in sorted(share)] for share in shares]
