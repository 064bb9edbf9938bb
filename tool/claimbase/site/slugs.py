"""Page and file names on the site: ASCII slugs that cannot climb out of the output folder or collide.

A note's page is `notes/<slug>.html`.  The slug comes from the note's name (for a topic map named
`_map`, from its path), folded to lower-case ASCII letters, digits and hyphens, and cut to a length
every file system accepts.  Notes whose slugs would coincide all get a short hash of their path
appended, so that a page name never depends on the order in which notes were read.  Copied files get
a name derived from their path in the base, with a hash of that path, so that they too are unique.

Whatever name is computed, `OutDir.path()` checks the final path against the output folder before
anything is written there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import xxhash

MAX_SLUG = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Names Windows refuses for files, whatever the extension.
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
_GENERIC_NAMES = frozenset({"_map", "index", "readme", "_index"})


class UnsafePath(ValueError):
    """A computed output path would land outside the output folder."""


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """Lower-case ASCII letters, digits and single hyphens; '' when nothing of `text` survives."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_SLUG.sub("-", folded).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rstrip("-")
    if slug in _RESERVED:
        slug += "-"
    return slug


def short_hash(text: str, length: int = 8) -> str:
    return xxhash.xxh3_64_hexdigest(text.encode("utf-8", "surrogatepass"))[:length]


def note_slugs(paths: list[str]) -> list[str]:
    """One unique slug per note path (base-relative, with `.md`), in the same order."""
    wanted: list[str] = []
    for path in paths:
        stem = path[:-3] if path.lower().endswith(".md") else path
        name = stem.rsplit("/", 1)[-1]
        source = stem.replace("/", " ") if name.lower() in _GENERIC_NAMES else name
        wanted.append(slugify(source) or "note")
    counts: dict[str, int] = {}
    for slug in wanted:
        counts[slug] = counts.get(slug, 0) + 1
    taken = {slug for slug, n in counts.items() if n == 1}
    result: list[str] = []
    for path, slug in zip(paths, wanted):
        if counts[slug] == 1:
            result.append(slug)
            continue
        length = 8
        candidate = f"{slug}-{short_hash(path, length)}"
        while candidate in taken:  # only if a note is literally named like another's hashed slug
            length += 4
            candidate = f"{slug}-{short_hash(path, length)}"
        taken.add(candidate)
        result.append(candidate)
    return result


def file_name(rel_path: str) -> str:
    """The site name of a file copied from the base: `files/<hash>-<slug>.<ext>`."""
    base = rel_path.rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = _NON_SLUG.sub("", ext.lower())[:10]
    slug = slugify(stem, 60) or "file"
    return f"files/{short_hash(rel_path, 12)}-{slug}" + (f".{ext}" if ext else "")


class OutDir:
    """The output folder, checking every path written into it.  The real location of each folder
    is looked up once and remembered (a build writes thousands of files into a few folders)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.real = os.path.realpath(root)
        self._folders: dict[str, bool] = {}

    def path(self, rel: str) -> Path:
        if not rel or rel.startswith(("/", "\\")) or "\\" in rel or "\x00" in rel:
            raise UnsafePath(f"refusing to write {rel!r}: not a plain relative path")
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise UnsafePath(f"refusing to write {rel!r}: empty, '.' or '..' component")
        target = os.path.join(self.real, *parts)
        folder = os.path.dirname(target)
        ok = self._folders.get(folder)
        if ok is None:
            parent = os.path.realpath(folder)
            ok = os.path.commonpath([parent, self.real]) == self.real
            if os.path.isdir(folder):  # remember only what exists; a missing folder is checked again
                self._folders[folder] = ok
        if not ok:
            raise UnsafePath(f"refusing to write {rel!r}: it would land outside {self.root}")
        # A symbolic link at `target` itself is harmless: files are renamed into place, which
        # replaces the link rather than writing through it.
        return Path(target)


def relative_prefix(page: str) -> str:
    """The relative path from a page (site-relative, e.g. `notes/x.html`) back to the site root."""
    return "../" * page.count("/")
