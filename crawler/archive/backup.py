"""``nianbao backup`` and ``restore``: a verified copy of the archive and its document store,
made while the site serves it (and even while a crawl writes).

The database is copied with SQLite's online backup API (``sqlite3.Connection.backup``): a
consistent snapshot as of one moment, whatever other connections do. Then the documents that
snapshot names are copied (those the backup has already, same hash, are kept: a nightly
backup into the same folder copies only the new ones). A backup is verified before it is
called done: ``PRAGMA integrity_check`` of the copy, and every document's bytes hashed
against its sha256. Only then is it renamed from ``*.partial`` into place, so a backup that
failed half way (disk full) never looks like a good one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .store import files_dir_for


class BackupError(RuntimeError):
    """The copy is not a faithful archive (its database or its documents)."""


@dataclass(frozen=True)
class Verified:
    db: Path
    documents: int
    bytes: int


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(db_path: Path, files: Path | None = None) -> Verified:
    """An archive and its store as they must be: the database intact, every document there
    with the bytes its name says. Raises ``BackupError`` naming what is wrong."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"{db_path}: integrity_check: {result[:5]}")
        rows = conn.execute("SELECT sha256, path FROM documents").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{db_path}: {exc}") from exc
    finally:
        conn.close()
    files, total = files or files_dir_for(db_path), 0
    for digest, rel in rows:
        path = files / rel
        if not path.is_file():
            raise BackupError(f"document {digest} missing ({path})")
        if _file_sha256(path) != digest:
            raise BackupError(f"document {digest} damaged ({path})")
        total += path.stat().st_size
    return Verified(db_path, len(rows), total)


def _copy_database(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one consistent snapshot of the live archive
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


def _copy_documents(db_copy: Path, from_files: Path, to_files: Path) -> None:
    conn = sqlite3.connect(f"file:{db_copy}?mode=ro", uri=True)
    rows = conn.execute("SELECT sha256, path FROM documents").fetchall()
    conn.close()
    for digest, rel in rows:
        target = to_files / rel
        if target.is_file() and _file_sha256(target) == digest:
            continue  # copied by an earlier backup into this folder
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(from_files / rel, tmp)
        os.replace(tmp, target)


def _copy(source: Path, target: Path) -> Verified:
    """The archive at ``source`` copied to ``target`` (its store beside it), verified."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _copy_database(source, partial)
    _copy_documents(partial, files_dir_for(source), files_dir_for(target))
    checked = verify(partial, files_dir_for(target))  # before it is renamed into place
    os.replace(partial, target)
    return Verified(target, checked.documents, checked.bytes)


def backup(db_path: Path, to_dir: Path) -> Verified:
    """A verified copy of the archive in ``to_dir`` (``<to_dir>/<name>.db`` and its store)."""
    return _copy(Path(db_path), Path(to_dir) / Path(db_path).name)


def restore(from_dir: Path, db_path: Path) -> Verified:
    """The backup in ``from_dir`` verified, then copied to ``db_path`` (which must not hold an
    archive already: a restore never overwrites one)."""
    db_path = Path(db_path)
    if db_path.exists():
        raise BackupError(f"{db_path} exists: restore into a new path, then swap them")
    source = Path(from_dir) / db_path.name
    if not source.exists():
        found = sorted(Path(from_dir).glob("*.db"))
        if len(found) != 1:
            raise BackupError(f"no single archive in {from_dir}")
        source = found[0]
    verify(source)
    return _copy(source, db_path)
