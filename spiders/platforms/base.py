"""What adapters return: entries of a report list and pages to follow."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """One item of a list: an article page or a file, with what the list says about it."""

    url: str
    title: str
    date: str | None = None
    is_file: bool = False
    attachments: tuple[tuple[str, str], ...] = ()  # (url, name) when an API lists them


@dataclass
class Follow:
    """A further page of the same list (or an API call standing for one)."""

    url: str
    kind: str = "list"  # list (an HTML list page) | api (JSON/XML) | column | nav | script
    method: str = "GET"
    formdata: dict[str, str] | None = None
    body: str | None = None  # a raw request body (JSON or form-encoded), as a page sent it
    headers: dict[str, str] | None = None
    playwright: bool = False
    meta: dict = field(default_factory=dict)


@dataclass
class ListResult:
    entries: list[Entry] = field(default_factory=list)
    follow: list[Follow] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)  # e.g. paging that cannot be followed


class Adapter:
    name = "base"

    def detect(self, response) -> bool:
        raise NotImplementedError

    def entry_points(self, response) -> list[Follow]:
        """Platform-specific ways into the 年报 lists from a home or navigation page."""
        return []

    def list_page(self, response) -> ListResult:
        """Entries and paging of an HTML list (column) page."""
        raise NotImplementedError

    def api_page(self, response) -> ListResult:
        """Entries and paging of an API answer (JSON or XML) of this platform."""
        return ListResult()

    def attachments(self, response) -> list[tuple[str, str]]:
        """(url, name) of the files attached to an article page."""
        raise NotImplementedError

    def needs_browser(self, response) -> bool:
        """True when the list is built by JavaScript and no API could be found."""
        return False
