"""The per-file parse cache.

One file per base holds, for every file, its size, modification time, content digest and parsed
`Note`.  A file whose size and mtime are unchanged is not read again; one whose mtime changed but
whose content digest is the same is not parsed again.  The cache is keyed on the tool version and
the absolute path of the base, written atomically, and any cache that cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from collections.abc import Callable
from typing import Any

from . import __version__, atomic
from .model import Heading, Link, Note, Problem, Suppression

FORMAT = 2


# Notes are stored as nested tuples with `marshal`: loading 10,000 pickled dataclasses takes ~0.7 s,
# the same data as tuples ~0.1 s.
def pack(note: Note) -> tuple[Any, ...]:
    return (
        note.path, note.name, note.type, note.meta, note.key_lines,
        [tuple(link) for link in note.links],
        [(h.level, h.text, h.line) for h in note.headings],
        [(p.rule, p.message, p.line, p.col, p.end_col) for p in note.problems if p.fix is None],
        [(s.rules, s.line, s.at) for s in note.suppressions],
        note.title, note.body_line, note.readable, note.size, note.digest,
    )


_make_link = Link._make


def unpack(t: tuple[Any, ...]) -> Note:
    return Note(
        t[0], t[1], t[2], t[3], t[4],
        list(map(_make_link, t[5])),
        [Heading(*x) for x in t[6]],
        [Problem(*x) for x in t[7]],
        [Suppression(*x) for x in t[8]],
        t[9], t[10], t[11], t[12], t[13],
    )


class ParseCache:
    def __init__(self, directory: Path | None, base: Path):
        self.path: Path | None = None
        self.entries: dict[str, tuple[int, int, Any]] = {}  # rel -> (size, mtime_ns, packed note)
        self.dirty = False
        if directory is None:
            return
        tag = hashlib.sha1(f"{FORMAT}:{__version__}:{base.resolve()}".encode()).hexdigest()[:16]
        self.path = directory / f"parse-{tag}.marshal"
        try:
            with open(self.path, "rb") as fh:
                data = marshal.load(fh)
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == __version__:
                self.entries = data["entries"]
        except Exception:  # noqa: BLE001 - a corrupt or foreign cache is simply rebuilt
            self.entries = {}

    def get(self, rel: str, size: int, mtime_ns: int) -> Note | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == size and hit[1] == mtime_ns:
            return unpack(hit[2])
        return None

    def get_by_digest(self, rel: str, digest: str) -> Note | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[2][13] == digest:
            return unpack(hit[2])
        return None

    def put(self, rel: str, size: int, mtime_ns: int, note: Note) -> None:
        self.put_packed(rel, size, mtime_ns, pack(note))

    def put_packed(self, rel: str, size: int, mtime_ns: int, packed: tuple[Any, ...]) -> None:
        if self.path is None:
            return
        self.entries[rel] = (size, mtime_ns, packed)
        self.dirty = True

    def keep_only(self, rels: set[str]) -> None:
        stale = [r for r in self.entries if r not in rels]
        for r in stale:
            del self.entries[r]
        if stale:
            self.dirty = True

    def save_in_background(self) -> "Callable[[], None]":
        """Write the cache from a forked child while the caller goes on analysing (the second
        core is otherwise idle then); returns a function that waits for the child.  Falls back to
        writing in place where fork is unavailable."""
        if self.path is None or not self.dirty:
            return lambda: None
        if not hasattr(os, "fork") or len(self.entries) < 2000:
            self.save()
            return lambda: None
        try:
            pid = os.fork()
        except OSError:
            self.save()
            return lambda: None
        if pid == 0:  # the child: write and leave without running the parent's exit handlers
            try:
                self.save()
            finally:
                os._exit(0)
        self.dirty = False

        def wait() -> None:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass

        return wait

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            data = marshal.dumps({"format": FORMAT, "version": __version__, "entries": self.entries})
        except ValueError:  # a value marshal cannot store (YAML can build exotic ones): skip those notes
            for rel in list(self.entries):
                try:
                    marshal.dumps(self.entries[rel])
                except ValueError:
                    del self.entries[rel]
            data = marshal.dumps({"format": FORMAT, "version": __version__, "entries": self.entries})
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
