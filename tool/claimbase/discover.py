"""Finding the notes of a base on disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

SKIP_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass(slots=True)
class Entry:
    rel: str  # POSIX path relative to the base
    path: str  # absolute path
    size: int
    mtime_ns: int
    problem: str | None = None  # set when the entry cannot be read safely (e.g. a link out of the base)


def discover(root: str, excluded: Callable[[str], bool] = lambda rel: False) -> list[Entry]:
    """Every `*.md` file under `root`, skipping hidden and excluded folders, in a stable order.

    Folders reached through symbolic links are not entered (they can loop or leave the base); a
    file that is a symbolic link to somewhere outside the base is listed with a problem, not read.
    """
    root = os.path.abspath(root)
    real_root = os.path.realpath(root)
    entries: list[Entry] = []
    stack = [("", root)]
    while stack:
        rel_dir, abs_dir = stack.pop()
        try:
            items = list(os.scandir(abs_dir))
        except OSError:
            continue
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                if item.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS and not excluded(rel):
                        stack.append((rel, item.path))
                    continue
                if not name.lower().endswith(".md") or excluded(rel):
                    continue
                if item.is_symlink():
                    target = os.path.realpath(item.path)
                    if os.path.commonpath([target, real_root]) != real_root or not os.path.isfile(target):
                        entries.append(Entry(rel, item.path, 0, 0, "symbolic link to a file outside the base; not read"))
                        continue
                st = item.stat()
                if not item.is_file():
                    continue
            except OSError as err:
                entries.append(Entry(rel, item.path, 0, 0, f"cannot be read: {err.strerror or err}"))
                continue
            entries.append(Entry(rel, item.path, st.st_size, st.st_mtime_ns))
    entries.sort(key=lambda e: e.rel)
    return entries
