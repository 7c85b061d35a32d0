"""DOCX → PDF and "MS Word 97" DOC through LibreOffice (headless); a WPS file is the DOC's bytes.

One soffice call converts a batch; the caller provides a private profile directory, because a
second soffice on the default profile (another user's, or a stale one) hangs or fails.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def soffice_convert(inputs: list[Path], target: str, outdir: Path, profile: Path) -> None:
    """Convert with one soffice call; ``profile`` is a private user installation directory,
    because a second soffice sharing the default profile with another user hangs or fails."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError(
            "LibreOffice (soffice) not found: apt-get install libreoffice-writer-nogui"
        )
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *[str(p) for p in inputs],
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    ext = target.split(":")[0]
    missing = [p.name for p in inputs if not (outdir / f"{p.stem}.{ext}").exists()]
    if missing:
        raise RuntimeError(f"soffice silently dropped conversions to {ext}: {missing}")
