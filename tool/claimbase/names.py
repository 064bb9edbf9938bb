"""How names and link targets are normalised and compared."""

from __future__ import annotations

import posixpath
import re
import unicodedata

_LOOSE = re.compile(r"[\W_]+", re.UNICODE)


def key(text: str) -> str:
    """The lookup form of a name or path: NFC, case-folded, surrounding space removed."""
    return unicodedata.normalize("NFC", text.strip()).casefold()


def loose_key(text: str) -> str:
    """A forgiving form used only for suggestions: punctuation, hyphens and spacing ignored."""
    return _LOOSE.sub(" ", key(text)).strip()


def split_target(inner: str) -> tuple[str, str | None, str | None]:
    """Split the inside of `[[...]]` into (target, heading, alias).

    `[[a#h|b]]` -> ("a", "h", "b").  A backslash before `|` (as written inside Markdown tables) is
    an escape, not part of the name.
    """
    inner = inner.replace("\\|", "|")
    alias = None
    if "|" in inner:
        inner, alias = inner.split("|", 1)
        alias = alias.strip() or None
    heading = None
    if "#" in inner:
        inner, heading = inner.split("#", 1)
        heading = heading.strip() or None
    target = inner.strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    return target, heading, alias


def safe_relpath(target: str) -> str | None:
    """Normalise a path-like target relative to the base; None if it climbs out of the base
    or is absolute."""
    if target.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", target):
        return None
    norm = posixpath.normpath(target.replace("\\", "/"))
    if norm == ".." or norm.startswith("../"):
        return None
    return norm
