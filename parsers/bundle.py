"""A ZIP of report documents → one parse result per document inside (``members``).

The archive's own JSON stands for the archive: with exactly one document inside it *is* that
document's report (its cells, checks and metadata, so a crawl that found ``年报.zip`` archives
the report as before), and ``source.member`` names the member it was read from; with several,
it has no cells of its own and a warning says so — each report is in ``members``, in archive
order, every one a complete parse result whose ``source`` is the member's (``file`` is
``archive.zip/member name``). The crawl's ingest archives each member as a document of its own.
All members are parsed in the one isolated child the archive's parse runs in, under its deadline.
"""

from __future__ import annotations

import hashlib
import time

from .container import basename, read_members
from .document import Document
from .extract import extract
from .report import build_report
from .sniff import MEDIA_TYPES


def member_source(archive_name: str, name: str, data: bytes) -> dict:
    return {
        "file": f"{archive_name}/{name}" if archive_name else name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }


def parse_archive(data: bytes, filename: str, source: dict, deadline: float, ocr: bool) -> dict:
    members, warnings = read_members(data)
    reports = []
    for member in members:
        if time.monotonic() > deadline:
            warnings.append(f"zip member {member.name!r} not parsed: out of time")
            continue
        doc = extract(member.data, basename(member.name), deadline=deadline, ocr=ocr)
        reports.append(build_report(doc, member_source(filename, member.name, member.data)))
    if len(reports) == 1:
        one = reports[0]
        out = dict(one)
        out["source"] = source | {"media_type": MEDIA_TYPES["zip"], "member": one["source"]}
        out["warnings"] = [f"read from {members[0].name!r} inside the zip", *warnings]
        out["warnings"] += one["warnings"]
        out["members"] = [one]
        return out
    why = (
        f"the zip holds {len(reports)} documents: each is parsed in members"
        if reports
        else ("the zip holds no report document")
    )
    doc = Document(extraction="none", media_type=MEDIA_TYPES["zip"], warnings=[why, *warnings])
    out = build_report(doc, source)
    out["members"] = reports
    return out
