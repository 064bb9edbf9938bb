"""Reading a note's text back for display, without opening the whole base."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileView:
    """Just enough of a base to show findings in context, without reading the base."""

    root: Path

    def source_lines(self, path: str) -> list[str]:
        return source_lines(self.root, path)


def source_lines(root: Path, path: str) -> list[str]:
    """The text lines of a note's file (for showing findings in context)."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
