"""Files copied from the base into the site: plots, images, small data files.

Only a short list of kinds is copied, each checked for what it claims to be (an image's first bytes
must match its extension), up to `MAX_FILE` bytes.  An SVG is an active document - opened on its own
it may run scripts and load remote resources - so every SVG is rebuilt from an allow-list of
drawing elements and attributes: scripts, event handlers, `foreignObject`, animations, external
references and remote `url(...)`s in styles are dropped.  A file that fails the checks is not
copied and the note shows the reference as broken.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

MAX_FILE = 20_000_000

IMAGE_KINDS = frozenset({"svg", "png", "jpg", "jpeg", "gif", "webp"})
DATA_KINDS = frozenset({"csv", "tsv", "json", "txt", "pdf"})
_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF-",),
}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "title", "desc", "clipPath", "mask", "linearGradient", "radialGradient", "stop", "pattern", "marker",
    "symbol", "use", "style", "image", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood",
    "feComposite", "feMerge", "feMergeNode", "feColorMatrix",
})
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_BAD_CSS = re.compile(r"@import|expression\s*\(|javascript:|behavio(?:u)?r\s*:|-moz-binding", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)


class FileRejected(ValueError):
    """A referenced file that will not be copied; the message says why."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str  # path relative to the base
    size: int
    mtime_ns: int


def kind_of(rel: str) -> str:
    return rel.rsplit(".", 1)[-1].lower() if "." in rel.rsplit("/", 1)[-1] else ""


def locate(root: str, rel: str, image: bool) -> SourceFile | None:
    """The file `rel` inside the base at `root` if it may be copied (right kind, size, a regular
    file that does not lead out of the base); else None."""
    kind = kind_of(rel)
    if kind not in IMAGE_KINDS and (image or kind not in DATA_KINDS):
        return None
    if any(part.startswith(".") for part in rel.split("/")):
        return None
    path = os.path.join(root, *rel.split("/"))
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real, real_root]) != real_root:
        return None
    try:
        st = os.stat(real)
    except OSError:
        return None
    if not os.path.isfile(real) or st.st_size > MAX_FILE:
        return None
    return SourceFile(rel, st.st_size, st.st_mtime_ns)


def prepare(data: bytes, kind: str) -> bytes:
    """The bytes to publish for a file of this kind, or FileRejected."""
    if kind == "svg":
        return sanitise_svg(data)
    magic = _MAGIC.get(kind)
    if magic and not data.startswith(magic):
        raise FileRejected(f"content is not {kind.upper()}")
    if kind == "webp" and data[8:12] != b"WEBP":
        raise FileRejected("content is not WEBP")
    return data


def sanitise_svg(data: bytes) -> bytes:
    """Rebuild an SVG document from its allowed parts; FileRejected if it is not a readable SVG."""
    if b"<!ENTITY" in data:
        raise FileRejected("SVG declares entities")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise FileRejected(f"not well-formed XML: {err}") from None
    if _local(root.tag) != "svg" or _ns(root.tag) not in ("", SVG_NS):
        raise FileRejected("the root element is not <svg>")
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, out, top=True)
    return "".join(out).encode("utf-8")


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _esc(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attr else text


def _clean_css(text: str) -> str | None:
    if _BAD_CSS.search(text):
        return None
    for m in _CSS_URL.finditer(text):
        if not m.group(2).strip().startswith("#"):
            return None
    return text


def _write(el: ET.Element, out: list[str], top: bool = False) -> None:
    if not isinstance(el.tag, str) or _ns(el.tag) not in ("", SVG_NS):
        return
    name = _local(el.tag)
    if name not in _SVG_ELEMENTS:
        return
    attrs: list[str] = []
    if top:
        attrs.append(f'xmlns="{SVG_NS}"')
        attrs.append(f'xmlns:xlink="{XLINK_NS}"')
    for key, value in el.attrib.items():
        ns, local = _ns(key), _local(key)
        if ns not in ("", XLINK_NS) or local.lower().startswith("on"):
            continue
        if local == "href":
            ok = value.startswith("#") or (name == "image" and _SAFE_DATA_IMAGE.match(value))
            if not ok:
                continue
            attrs.append(f'xlink:href="{_esc(value, True)}"' if ns == XLINK_NS else f'href="{_esc(value, True)}"')
            continue
        if ns:
            continue
        if local == "style":
            cleaned = _clean_css(value)
            if cleaned is None:
                continue
            value = cleaned
        elif "url(" in value.lower() and _clean_css(value) is None:
            continue
        elif "javascript:" in value.lower().replace(" ", ""):
            continue
        attrs.append(f'{local}="{_esc(value, True)}"')
    if name == "image" and not any(a.startswith(("href=", "xlink:href=")) for a in attrs):
        return
    text = el.text or ""
    if name == "style":
        text = _clean_css(text) or ""
    out.append(f"<{name}{' ' if attrs else ''}{' '.join(attrs)}>")
    out.append(_esc(text))
    for child in el:
        _write(child, out)
        if child.tail:
            out.append(_esc(child.tail))
    out.append(f"</{name}>")
