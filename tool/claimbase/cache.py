"""The per-file parse cache.

One pickle per base holds, for every file, its size, modification time, content digest and parsed
`Note`.  A file whose size and mtime are unchanged is not read again; one whose mtime changed but
whose content digest is the same is not parsed again.  The cache is keyed on the tool version and
the absolute path of the base, written atomically, and any cache that cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from . import __version__, atomic
from .model import Note

FORMAT = 1


class ParseCache:
    def __init__(self, directory: Path | None, base: Path):
        self.path: Path | None = None
        self.entries: dict[str, tuple[int, int, Note]] = {}
        self.dirty = False
        if directory is None:
            return
        tag = hashlib.sha1(f"{FORMAT}:{__version__}:{base.resolve()}".encode()).hexdigest()[:16]
        self.path = directory / f"parse-{tag}.pickle"
        try:
            with open(self.path, "rb") as fh:
                data = pickle.load(fh)
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == __version__:
                self.entries = data["entries"]
        except Exception:  # noqa: BLE001 - a corrupt or foreign cache is simply rebuilt
            self.entries = {}

    def get(self, rel: str, size: int, mtime_ns: int) -> Note | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == size and hit[1] == mtime_ns:
            return hit[2]
        return None

    def get_by_digest(self, rel: str, digest: str) -> Note | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[2].digest == digest:
            return hit[2]
        return None

    def put(self, rel: str, size: int, mtime_ns: int, note: Note) -> None:
        self.entries[rel] = (size, mtime_ns, note)
        self.dirty = True

    def keep_only(self, rels: set[str]) -> None:
        stale = [r for r in self.entries if r not in rels]
        for r in stale:
            del self.entries[r]
        if stale:
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        data = pickle.dumps(
            {"format": FORMAT, "version": __version__, "entries": self.entries}, protocol=pickle.HIGHEST_PROTOCOL
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                atomic.write_text(gitignore, "*\n")
            atomic.write_bytes(self.path, data)
        except OSError:
            pass  # a read-only checkout still lints, just without a cache
        self.dirty = False


def file_changed_during_read(path: str, size: int, mtime_ns: int) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return True
    return st.st_size != size or st.st_mtime_ns != mtime_ns
