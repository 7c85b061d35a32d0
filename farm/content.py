"""The farm's pre-generated binary documents (``farm/content/``), made by ``farm/build_content.py``.

Starting the farm needs no LibreOffice: PDFs, DOCs, scans, page images and the OFD are committed
files. ``index.json`` maps each file name to its sha256, the report it renders and a hash of the
report's generated truth, so a test can tell when the generator changed and the content must be
rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
INDEX = CONTENT_DIR / "index.json"

# file-name suffix per primary document format
SUFFIX = {
    "pdf": ".pdf",
    "docx": ".docx",
    "doc": ".doc",
    "wps": ".wps",
    "scan_pdf": ".scan.pdf",
    "ofd": ".ofd",
}


def truth_hash(truth: dict) -> str:
    data = json.dumps(truth, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()[:16]


class ContentStore:
    def __init__(self, directory: Path = CONTENT_DIR) -> None:
        self.directory = directory
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()
        index = directory / "index.json"
        self.index: dict[str, dict] = json.loads(index.read_text("utf-8")) if index.exists() else {}

    def get(self, name: str) -> bytes:
        with self._lock:
            data = self._cache.get(name)
            if data is None:
                path = self.directory / name
                if not path.exists():
                    raise FileNotFoundError(
                        f"farm content {name} missing: run .venv/bin/python -m farm.build_content"
                    )
                data = path.read_bytes()
                self._cache[name] = data
            return data

    def has(self, name: str) -> bool:
        return (self.directory / name).exists()

    def names_for(self, report_id: str) -> list[str]:
        return sorted(n for n, e in self.index.items() if e.get("report") == report_id)
