"""Content-addressed document store: bytes kept once, by sha256, beside the archive.

``archive.db`` → ``archive-files/ab/cd/abcd…ef.pdf``. The file name is the hash of the bytes
(plus an extension for people browsing the folder), so the same document served under two URLs
is stored once, and a changed document at the same URL is a second file — both versions stay.
Files are written to a temporary name and renamed, so a crash or a kill -9 never leaves a
half-written document under a real name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/vnd.ms-works": ".wps",
    "application/rtf": ".rtf",
    "application/ofd": ".ofd",
    "text/html": ".html",
    "text/plain": ".txt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
}


def files_dir_for(db_path: str | os.PathLike) -> Path:
    """``archive.db`` → ``archive-files`` in the same directory."""
    p = Path(db_path)
    return p.with_name(f"{p.stem}-files")


def snapshots_dir_for(db_path: str | os.PathLike) -> Path:
    """``archive.db`` → ``archive-snapshots``: the dated copies ``nianbao snapshot`` writes."""
    p = Path(db_path)
    return p.with_name(f"{p.stem}-snapshots")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocumentStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def relpath(self, digest: str, media_type: str) -> str:
        return f"{digest[:2]}/{digest[2:4]}/{digest}{EXTENSIONS.get(media_type, '')}"

    def path(self, relpath: str) -> Path:
        return self.root / relpath

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        """Store bytes; return (sha256, path relative to the store). Idempotent."""
        digest = sha256(data)
        rel = self.relpath(digest, media_type)
        target = self.root / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                with open(tmp, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            except BaseException:
                tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
                raise
            os.replace(tmp, target)
        return digest, rel

    def get(self, relpath: str) -> bytes:
        return (self.root / relpath).read_bytes()

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).exists()
