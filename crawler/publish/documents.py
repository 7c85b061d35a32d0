"""The original document one click away: ``/-/document/<sha256>`` serves the stored bytes.

Only files recorded in ``documents`` are served, found by their sha256 and read from the path
the archive recorded, which must resolve inside ``<archive>-files/``: no path from the URL ever
reaches the file system. HTML pages from portals are served under a ``sandbox`` Content Security
Policy so their scripts cannot run on this site.

``render_cell`` turns ids, hashes and titles into links on every table, view and query page.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, NotFound, Request
from markupsafe import Markup, escape

from crawler.archive.store import EXTENSIONS

from .common import archive, files_dir

SHA256 = r"[0-9a-f]{64}"


async def document(datasette, request: Request):
    digest = request.url_vars["sha256"]
    rows = await archive(datasette).execute(
        "SELECT media_type, path FROM documents WHERE sha256 = ?", [digest]
    )
    row = rows.first()
    if row is None:
        raise NotFound("No such document")
    root = files_dir(datasette)
    path = (root / row["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("The document is recorded but its file is missing")
    media_type = row["media_type"] or "application/octet-stream"
    name = f"{digest}{EXTENSIONS.get(media_type, '')}"
    return AsgiFileDownload(
        str(path),
        content_type=media_type,
        headers={
            "content-disposition": f'inline; filename="{name}"',
            "x-content-type-options": "nosniff",
            "content-security-policy": "sandbox",
            "cache-control": "max-age=31536000, immutable",  # the name is the hash of the bytes
        },
    )


@hookimpl
def register_routes():
    return [(rf"^/-/document/(?P<sha256>{SHA256})$", document)]


def _link(href: str, text: str, title: str = "") -> Markup:
    title_attr = Markup(' title="{}"').format(title) if title else ""
    return Markup('<a href="{}"{}>{}</a>').format(href, title_attr, text)


def _unwrap(value):
    """An expanded foreign key arrives as {"value": …, "label": …}."""
    if isinstance(value, dict):
        return value.get("value"), value.get("label")
    return value, None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    value, label = _unwrap(value)
    if value in (None, ""):
        return None
    if column in ("document_sha256", "sha256") and isinstance(value, str) and len(value) == 64:
        return _link(
            datasette.urls.path(f"/-/document/{value}"),
            Markup("原文 ⬇ ") + escape(value[:12]) + "…",
            "the original document as archived",
        )
    if column == "report_id" or (table == "reports" and column == "id"):
        return _link(
            datasette.urls.path(f"/-/report/{value}"), escape(label or value), "the report page"
        )
    if table == "reports" and column == "title" and "id" in row.keys():  # noqa: SIM118
        return _link(datasette.urls.path(f"/-/report/{row['id']}"), escape(value))
    return None
