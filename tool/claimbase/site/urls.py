"""What a URL written in a note may become on the site.

A note is untrusted input.  Its URLs are read the way a browser would read them (entities decoded,
tabs and newlines dropped anywhere, control characters and spaces trimmed, backslashes taken for
slashes) and then sorted into:

* `external`  - http, https or mailto: kept as a link (never loaded by itself: images are not);
* `fragment`  - `#something` on the same page;
* `relative`  - a path inside the base (a note, or a file to copy); resolved by the caller;
* `unsafe`    - anything else (`javascript:`, `data:`, `vbscript:`, `file:`, unknown schemes, paths
                climbing out of the base): the link is dropped and its text kept.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})
_STRIP = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


@dataclass(frozen=True, slots=True)
class Target:
    kind: str  # external | fragment | relative | unsafe
    url: str  # the cleaned URL (external), the fragment without '#', or the base-relative path
    fragment: str = ""


def classify(raw: str, note_dir: str) -> Target:
    """Sort `raw` (as found in an HTML attribute, entities still encoded) for a note whose file is
    in base folder `note_dir` ('' for the base root)."""
    url = _STRIP.sub("", html.unescape(raw)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                                 "\x1e\x1f\x7f ")
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        return Target("unsafe", "")
    m = _SCHEME.match(url)
    if m:
        scheme = m.group(1).lower()
        if scheme in EXTERNAL_SCHEMES and len(url) <= 4000:
            return Target("external", url)
        return Target("unsafe", "")
    slashed = url.replace("\\", "/")
    if slashed.startswith("//"):
        # A network-path reference: another host.  Only http(s) is meant by such links.
        return Target("external", "https:" + slashed) if len(url) <= 4000 else Target("unsafe", "")
    if url.startswith("#"):
        return Target("fragment", unquote(url[1:]))
    path, _, fragment = slashed.partition("#")
    path = path.split("?", 1)[0]
    path = unquote(path)
    if not path:
        return Target("fragment", unquote(fragment)) if fragment else Target("unsafe", "")
    if "\x00" in path:
        return Target("unsafe", "")
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(note_dir, path)
    norm = posixpath.normpath(joined)
    if norm in (".", "..") or norm.startswith("../") or norm.startswith("/"):
        return Target("unsafe", "")
    return Target("relative", norm, unquote(fragment))
