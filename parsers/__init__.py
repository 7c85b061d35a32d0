"""Annual report documents → the canonical tables. Pure Python: no Scrapy in here.

>>> from parsers import parse_file
>>> report = parse_file("report.pdf")      # the JSON of shared/spec/parse-output.md, as a dict

Modules: ``sniff`` (what the bytes are), ``html``/``pdf``/``docx``/``office``/``ocr``/``text``
(bytes → ``document.Document``), ``tables``/``sections``/``metadata`` (Document → canonical
cells), ``checks`` (spec §7), ``report`` (assembles the JSON), ``guard`` (time/memory bounds).
"""

from __future__ import annotations

import hashlib
import os
import time

# onnxruntime (the OCR engine) ships a telemetry client that posts to Microsoft; a parser of
# public documents has no business phoning anywhere. Set before onnxruntime can be imported.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

# Bump whenever the output for some input could change: stored reports keep the version that
# produced them, and ``nianbao reparse`` refreshes the older ones.
PARSER_VERSION = "0.1.1"

DEFAULT_TIMEOUT = 180.0  # seconds per document, OCR included
DEFAULT_MEMORY_MB = 2048  # address space a parse may add to what the parser process had


def _parse(data: bytes, filename: str, source: dict, deadline_s: float, ocr: bool) -> dict:
    from .extract import extract
    from .report import build_report

    doc = extract(data, filename, deadline=time.monotonic() + deadline_s, ocr=ocr)
    return build_report(doc, source)


def _parse_pages(images: list[bytes], source: dict, deadline_s: float) -> dict:
    from .document import Document
    from .extract import ocr_pictures
    from .report import build_report

    deadline = time.monotonic() + deadline_s
    # Each picture is one page of the report.
    pictures = dict(enumerate(images, start=1))
    doc = Document(extraction="ocr", media_type="text/html", pages=len(images))
    doc.page_pictures = pictures
    ocr_pictures(doc, deadline)
    return build_report(doc, source)


def parse_pages(
    images: list[bytes],
    page: bytes,
    filename: str = "",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
) -> dict:
    """Parse a report published as pictures of its pages inside an HTML article (图片版).

    The report's document is the article ``page`` (its sha256 is the source); the pictures, in
    the article's order, are its pages, OCR'd like a scan. Isolated like :func:`parse_bytes`.
    """
    from .guard import Aborted, run_isolated

    source = {
        "file": filename,
        "sha256": hashlib.sha256(page).hexdigest(),
        "size": len(page),
        "media_type": "text/html",
        "pages_sha256": [hashlib.sha256(i).hexdigest() for i in images],
    }
    soft = max(1.0, timeout * 0.85 - 2)
    try:
        return run_isolated(
            _parse_pages, images, source, soft, timeout=timeout, memory_mb=memory_mb
        )
    except Aborted as exc:
        return failed_report(source, f"parsing aborted: {exc}")


def failed_report(source: dict, why: str) -> dict:
    """The JSON for a document nothing could be read from."""
    from .document import Document
    from .report import build_report
    from .sniff import sniff

    _, media_type = sniff(b"", "")
    doc = Document(
        extraction="none", media_type=source.get("media_type", media_type), warnings=[why]
    )
    return build_report(doc, source)


def parse_bytes(
    data: bytes,
    filename: str = "",
    *,
    isolate: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    ocr: bool = True,
) -> dict:
    """Parse one document. Never raises for bad input.

    :param isolate: run in a forked child with ``timeout`` and ``memory_mb`` limits (the
        default). ``False`` parses in this process (faster to debug, no protection).
    """
    source = {"file": filename, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    # Leave the child a margin to finish its JSON after its own deadline.
    soft = max(1.0, timeout * 0.85 - 2)
    if not isolate:
        return _parse(data, filename, source, soft, ocr)
    from .guard import Aborted, run_isolated

    try:
        return run_isolated(
            _parse, data, filename, source, soft, ocr, timeout=timeout, memory_mb=memory_mb
        )
    except Aborted as exc:
        from .sniff import sniff

        _, media_type = sniff(data[:4096], filename)
        return failed_report(source | {"media_type": media_type}, f"parsing aborted: {exc}")


def parse_file(path: str | os.PathLike, **kwargs) -> dict:
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_bytes(data, os.path.basename(os.fspath(path)), **kwargs)
