"""ZIP archives that hold report documents, opened without trusting them.

Portals attach 年报.zip holding one report (a PDF, a DOCX), or a department's several reports,
or a report and its table as a workbook. An archive is untrusted input, so:

* it is read in memory only: a member's name is a label (its last path part tells the extension
  to sniff's tie-break), never a path — nothing inside ever touches the file system;
* limits: at most ``MAX_ENTRIES`` entries listed, ``MAX_MEMBERS`` documents read, each at most
  ``MAX_MEMBER_BYTES`` and all together ``MAX_TOTAL_BYTES`` uncompressed, and no member whose
  uncompressed/compressed ratio exceeds ``MAX_RATIO`` (a decompression bomb). Sizes are
  enforced on the bytes actually inflated, not on the sizes the archive claims;
* encrypted members, nested archives and pictures are listed in a warning and not read (a zip
  inside a zip is how bombs nest; pictures are a scan's pages whose order the archive does not
  say).

Member names without the zip's UTF-8 flag are decoded as GBK (Windows archivers in China).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from .sniff import sniff

MAX_ENTRIES = 1000
MAX_MEMBERS = 20
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # deflate gets ~1000:1 only on padding; real documents stay far below 100:1
RATIO_FLOOR = 1024 * 1024  # members smaller than this inflated are never a bomb
DOCUMENT_KINDS = ("pdf", "docx", "doc", "wps", "rtf", "ofd", "html", "text", "xlsx", "xls")


@dataclass
class Member:
    name: str  # as the archive names it (display only)
    data: bytes
    kind: str


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its archiver meant it: UTF-8 when flagged, else GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def basename(name: str) -> str:
    """The last part of a member name (``../../etc/x.pdf`` → ``x.pdf``): for display and the
    extension tie-break only."""
    return PurePosixPath(name.replace("\\", "/")).name


class Unsafe(Exception):
    """The archive breaks a limit; the message says which."""


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, stopping as soon as they exceed a limit (sizes in headers may lie)."""
    cap = min(MAX_MEMBER_BYTES, budget)
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > cap:
                raise Unsafe(f"{member_name(info)!r} inflates past {cap} bytes")
            if len(out) > RATIO_FLOOR and len(out) > MAX_RATIO * max(info.compress_size, 1):
                raise Unsafe(f"{member_name(info)!r} inflates more than {MAX_RATIO}:1")
    return bytes(out)


def check_zip(data: bytes) -> str | None:
    """Why a zip-based file (an XLSX) is unsafe to hand to a library, or None.

    Judged on the sizes the archive claims: the libraries inflate it themselves, so this is
    the first bound; the parse's memory limit (``guard``) is the second.
    """
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "not a readable zip"
    if len(infos) > MAX_ENTRIES:
        return f"more than {MAX_ENTRIES} entries"
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        return f"{total} bytes uncompressed"
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return f"{member_name(i)!r} claims more than {MAX_RATIO}:1"
    return None


def _skip_reason(info: zipfile.ZipInfo) -> str | None:
    name = member_name(info)
    if info.is_dir() or name.startswith("__MACOSX/") or basename(name).startswith("._"):
        return ""  # not a member at all: said nothing about
    if info.flag_bits & 0x1:
        return "encrypted"
    return None


def read_members(data: bytes) -> tuple[list[Member], list[str]]:
    """The report documents inside a zip, and warnings about everything else."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        return [], [f"the zip archive cannot be read: {type(exc).__name__}"]
    warnings: list[str] = []
    if len(infos) > MAX_ENTRIES:
        warnings.append(f"the zip lists {len(infos)} entries; only the first {MAX_ENTRIES} read")
        infos = infos[:MAX_ENTRIES]
    members: list[Member] = []
    skipped: dict[str, list[str]] = {}
    left = MAX_TOTAL_BYTES
    for info in infos:
        reason = _skip_reason(info)
        if reason == "":
            continue
        name = member_name(info)
        if reason is None and len(members) >= MAX_MEMBERS:
            reason = f"beyond the first {MAX_MEMBERS} documents"
        if reason is None:
            try:
                raw = _inflate(zf, info, left)
            except Unsafe as exc:
                skipped.setdefault("unsafe", []).append(str(exc))
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
                skipped.setdefault("unreadable", []).append(f"{name!r} ({type(e).__name__})")
                continue
            left -= len(raw)
            kind, _ = sniff(raw, basename(name))
            if kind in DOCUMENT_KINDS:
                members.append(Member(name, raw, kind))
                continue
            reason = "an archive inside the archive" if kind == "zip" else f"{kind}, not read"
        skipped.setdefault(reason, []).append(repr(name))
    for reason, names in skipped.items():
        warnings.append(f"zip members not read ({reason}): " + ", ".join(names[:10]))
    return members, warnings
