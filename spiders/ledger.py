"""What happened on one portal during a crawl, and the outcome it adds up to.

Outcomes (``portals.status``): ``ok`` — the 年报 column was found and every report in it was
fetched; ``partial`` — reports were found but something was lost (a failed download, a blocked
sub-page, paging that stopped early, the page budget); ``disallowed`` — robots.txt forbids the
portal; ``blocked`` — an anti-bot challenge or WAF page stood in front of it; ``unreachable``
— the home page never answered; ``no-column-found`` — the portal answered but no 年报 column or
report link was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Ledger:
    code: str
    platform: str = ""
    home: str = "pending"  # pending | ok | failed | disallowed | blocked
    home_error: str = ""
    pages: int = 0  # HTML/API pages requested (the budget counts these)
    rendered: int = 0  # of which rendered in Chromium
    columns: set[str] = field(default_factory=set)
    candidates: set[str] = field(default_factory=set)  # report URLs (articles or files)
    documents: int = 0
    losses: list[str] = field(default_factory=list)  # why the result is partial
    blocked: list[str] = field(default_factory=list)
    # What the portal taught (column URLs, endpoints, pages that need a browser), for the next
    # crawl to start from.
    learned: dict[str, list] = field(default_factory=dict)

    def learn(self, kind: str, what) -> None:
        items = self.learned.setdefault(kind, [])
        if what not in items:
            items.append(what)

    def broken_paths(self, before: dict) -> list[str]:
        """Columns and endpoints the last crawl learned that gave no report this time."""
        if self.home != "ok":
            return []  # the portal was not walked: nothing can be said
        columns = set(self.learned.get("columns", ()))
        endpoint_columns = {e.get("column") for e in self.learned.get("endpoints", ())}
        broken = [f"column {c}" for c in before.get("columns", ()) if c not in columns]
        broken += [
            f"endpoint {e.get('url')}"
            for e in before.get("endpoints", ())
            if e.get("column") not in endpoint_columns and e.get("column") not in columns
        ]
        return broken

    def lose(self, why: str) -> None:
        if why not in self.losses:
            self.losses.append(why)

    def outcome(self) -> tuple[str, str]:
        if self.home == "disallowed":
            return "disallowed", self.home_error or "robots.txt forbids the home page"
        if self.home == "blocked":
            return "blocked", self.home_error
        if self.home in ("failed", "pending"):
            return "unreachable", self.home_error or "the home page never answered"
        if not self.candidates:
            if self.blocked:
                return "blocked", self.blocked[0]
            if self.columns:
                return (
                    "no-column-found",
                    f"{len(self.columns)} column(s) found but no report in them",
                )
            return "no-column-found", "no 年报 column or report link found"
        found = f"{len(self.candidates)} report link(s), {self.documents} document(s) archived"
        if self.losses or self.blocked:
            return "partial", f"{found}; " + "; ".join((self.blocked + self.losses)[:5])
        return "ok", found
