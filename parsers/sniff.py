"""What kind of document is this? Decided from the bytes, never from the URL or extension.

Portals serve PDFs as ``application/octet-stream`` from extension-less ``downfile.jsp?id=…``
URLs, name DOC files ``.wps``, and answer missing files with an HTML page; the first bytes are
the only witness that does not lie. The extension only breaks ties the bytes cannot (an OLE file
is a Word 97 document whether its name says .doc or .wps).
"""

from __future__ import annotations

import re

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
    "rtf": "application/rtf",
    "ofd": "application/ofd",
    "html": "text/html",
    "text": "text/plain",
    "image": "image/*",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "empty": "application/x-empty",
    "unknown": "application/octet-stream",
}
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|table|p|script|title)\b",
    re.I | re.S,
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, filename: str = "") -> tuple[str, str]:
    """(kind, media_type) where kind is one of the keys of MEDIA_TYPES."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data.strip():
        return "empty", MEDIA_TYPES["empty"]
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf", MEDIA_TYPES["pdf"]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(OLE_MAGIC):
        if ext == "wps":
            return "wps", MEDIA_TYPES["wps"]
        if (
            b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data[:65536]
            or ext == "doc"
        ):
            return "doc", MEDIA_TYPES["doc"]
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data[:65536]:
            return "xls", MEDIA_TYPES["xls"]
        return "doc", MEDIA_TYPES["doc"]  # LibreOffice sniffs the OLE flavour itself
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf", MEDIA_TYPES["rtf"]
    for magic, media in _IMAGE_MAGIC:
        if head.startswith(magic):
            return "image", media
    if _HTML_START.match(head) or re.search(rb"<(html|body)[\s>]", head[:1024], re.I):
        return "html", MEDIA_TYPES["html"]
    if _looks_like_text(head):
        return "text", MEDIA_TYPES["text"]
    return "unknown", MEDIA_TYPES["unknown"]


def _zip_kind(data: bytes) -> tuple[str, str]:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return "zip", MEDIA_TYPES["zip"]
    if "word/document.xml" in names:
        return "docx", MEDIA_TYPES["docx"]
    if "OFD.xml" in names or any(n.lower().endswith("ofd.xml") for n in names):
        return "ofd", MEDIA_TYPES["ofd"]
    if "xl/workbook.xml" in names:
        return "xlsx", MEDIA_TYPES["xlsx"]
    return "zip", MEDIA_TYPES["zip"]


def _looks_like_text(head: bytes) -> bool:
    import codecs

    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))
    for enc in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character cut by the sample's end is not an error.
            text = codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        return controls <= len(text) * 0.01
    return False
