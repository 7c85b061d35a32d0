"""DOC, WPS and RTF → DOCX through LibreOffice headless, then the DOCX reader.

Word 97 and Kingsoft WPS files are binary formats no pure-Python reader handles reliably;
LibreOffice (Debian ``libreoffice-writer-nogui``) converts them faithfully, merged cells
included. Every call gets its own profile directory: concurrent ``soffice`` runs that share one
silently drop conversions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

from .document import Document
from .docx import extract_docx

SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice")
INSTALL_HINT = "apt-get install --no-install-recommends libreoffice-writer-nogui"


def soffice_path() -> str | None:
    for name in SOFFICE_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_docx(data: bytes, suffix: str, *, timeout: float = 90) -> tuple[bytes | None, str]:
    """(docx bytes, "") or (None, why)."""
    soffice = soffice_path()
    if soffice is None:
        return None, f"LibreOffice is needed to read {suffix} files ({INSTALL_HINT})"
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        src = os.path.join(tmp, f"input.{suffix}")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = os.path.join(tmp, "profile")
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            os.path.join(tmp, "out"),
            src,
        ]
        started = time.monotonic()
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "HOME": tmp},
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            return None, f"LibreOffice did not convert the {suffix} file within {timeout:.0f} s"
        out = os.path.join(tmp, "out", "input.docx")
        if proc.returncode != 0 or not os.path.exists(out):
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = err[-1] if err else f"exit code {proc.returncode}"
            return None, f"LibreOffice could not convert the {suffix} file ({detail})"
        with open(out, "rb") as fh:
            docx = fh.read()
        elapsed = time.monotonic() - started
        return docx, f"converted {suffix} → docx with LibreOffice in {elapsed:.1f} s"


def extract_office(data: bytes, kind: str, media_type: str, *, timeout: float = 90) -> Document:
    docx, note = convert_to_docx(data, kind, timeout=timeout)
    if docx is None:
        return Document(extraction="none", media_type=media_type, warnings=[note])
    doc = extract_docx(docx)
    doc.media_type = media_type
    return doc
