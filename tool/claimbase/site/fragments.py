"""Small pieces of HTML that pages repeat hundreds of times: note links, status badges, frontmatter
values, the neighbourhood diagram.

They are written here with `html.escape` rather than as Jinja macros because a 10,000-note site
repeats them about three million times: as macros they took most of the build.  Every text and every
attribute value goes through `_e` (which escapes `& < > " '`); the functions return `Markup` so that
the templates, which autoescape everything else, insert them as they are.  Links in these pieces
are only ever site-relative paths computed by the build, never URLs taken from a note.
"""

from __future__ import annotations

from html import escape as _escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:  # pragma: no cover
    from .neighbourhood import Neighbourhood
    from .pages import Ref, Value


NAV = (
    ("index.html", "Overview"),
    ("claims.html", "Claims"),
    ("notes.html", "Notes"),
    ("experiments.html", "Experiments"),
    ("wanted.html", "Wanted"),
    ("lint.html", "Lint"),
    ("graph.html", "Graph"),
    ("search.html", "Search"),
)


def _e(text: Any) -> str:
    return _escape(str(text), quote=True)


def badge(status: str) -> str:
    s = _e(status)
    return f'<span class="badge status-{s}">{s}</span>'


class Fragments:
    """The fragment writers for pages at one depth (`root` leads back to the site root).  Note
    links are cached: the same note is linked from many pages."""

    def __init__(self, root: str):
        self.root = root
        self._refs: dict[tuple[Any, ...], str] = {}
        self._nav: dict[str, Markup] = {}

    def nav(self, current: str) -> Markup:
        """The site's menu items, the current page marked."""
        got = self._nav.get(current)
        if got is None:
            items = []
            for href, label in NAV:
                mark = ' aria-current="page"' if href == current else ""
                items.append(f'<li><a href="{_e(self.root + href)}"{mark}>{_e(label)}</a></li>')
            got = self._nav[current] = Markup("".join(items))
        return got

    def ref(self, r: "Ref", show_status: bool = True) -> Markup:
        return Markup(self._ref(r, show_status))

    def _ref(self, r: "Ref", show_status: bool = True) -> str:
        key = (r.href, r.name, r.status, show_status)
        got = self._refs.get(key)
        if got is not None:
            return got
        if r.href:
            text = f'<a class="ref status-{_e(r.status)}" href="{_e(self.root + r.href)}">{_e(r.name)}</a>'
        else:
            tip = "several notes have this name" if r.status == "ambiguous" else "not in this base"
            text = f'<span class="ref missing" title="{tip}">{_e(r.name)}</span>'
        if show_status and r.status and r.status not in ("in", "out"):
            text += " " + badge(r.status)
        self._refs[key] = text
        return text

    def ref_items(self, refs: list["Ref"], show_status: bool = True) -> Markup:
        """`<li>` elements, one per note."""
        return Markup("".join(f"<li>{self._ref(r, show_status)}</li>" for r in refs))

    def value(self, v: "Value") -> Markup:
        return Markup(self._value(v))

    def _value(self, v: "Value") -> str:
        kind = v.kind
        if kind == "text":
            return _e(v.text)
        if kind in ("link", "missing"):
            return self._ref(v.ref, False) if v.ref is not None else _e(v.text)
        if kind == "parts":
            return "".join(self._value(p) for p in v.items)
        if kind == "seq":
            if not v.items:
                return ""
            return '<ul class="value-list">' + "".join(f"<li>{self._value(x)}</li>" for x in v.items) + "</ul>"
        if kind == "map":
            return '<dl class="value-map">' + "".join(f"<dt>{_e(k)}</dt><dd>{self._value(x)}</dd>" for k, x in v.items) + "</dl>"
        return ""

    def hood(self, h: "Neighbourhood") -> Markup:
        """The neighbourhood diagram as inline SVG (see neighbourhood.py for the layout)."""
        bw, bh = h.box_w, h.box_h
        cx, cy = h.centre.x, h.centre.y + bh / 2
        out = [
            f'<svg class="hood" viewBox="0 0 {h.width} {h.height}" role="group" '
            f'aria-label="The notes around {_e(h.centre.name)}: what it rests on at the left, what rests on it at the right">'
        ]
        for b in h.boxes:
            by = b.y + bh / 2
            if b.x < cx:
                d = f"M{b.x + bw} {by} C{b.x + bw + 25} {by} {cx - 25} {cy} {cx} {cy}"
            else:
                d = f"M{cx + bw} {cy} C{cx + bw + 25} {cy} {b.x - 25} {by} {b.x} {by}"
            out.append(f'<path class="edge edge-{_e(b.kind)}" d="{d}"/>')
        for b in h.boxes:
            inner = (
                f'<rect class="node status-{_e(b.status)}" x="{b.x}" y="{b.y}" width="{bw}" height="{bh}" rx="5"/>'
                f'<text x="{b.x + 8}" y="{b.y + 17}">{_e(b.text)}</text>'
                f"<title>{_e(b.label)}: {_e(b.name)} ({_e(b.status)})</title>"
            )
            out.append(f'<a href="{_e(self.root + b.href)}">{inner}</a>' if b.href else inner)
        c = h.centre
        out.append(f'<rect class="node centre status-{_e(c.status)}" x="{c.x}" y="{c.y}" width="{bw}" height="{bh}" rx="5"/>')
        out.append(f'<text class="centre-text" x="{c.x + 8}" y="{c.y + 17}">{_e(c.text)}</text>')
        if h.more_left:
            out.append(f'<text class="more" x="8" y="{h.height - 6}">and {h.more_left} more (listed below)</text>')
        if h.more_right:
            out.append(f'<text class="more" x="{h.width - bw + 8}" y="{h.height - 6}">and {h.more_right} more (listed below)</text>')
        out.append("</svg>")
        return Markup("".join(out))

    def claim_rows(self, rows: list[Any], status_rank: dict[str, int], confidence_rank: dict[str, int]) -> Markup:
        """The body rows of a claims table (see claims.html for the columns)."""
        out = []
        for r in rows:
            out.append(
                f'<tr><td><a href="{_e(self.root + r.ref.href)}">{_e(r.ref.name)}</a></td>'
                f'<td><a href="{_e(self.root + r.domain_href)}">{_e(r.domain)}</a></td>'
                f'<td data-value="{status_rank.get(r.ref.status, 99)}">{badge(r.ref.status)}</td>'
                f'<td data-value="{confidence_rank.get(r.confidence, -1)}">{_e(r.confidence)}</td>'
                f'<td class="num">{r.strength:g}</td><td class="num">{r.pro:g}</td><td class="num">{r.con:g}</td>'
                f'<td class="num">{r.findings}</td></tr>'
            )
        return Markup("\n".join(out))

    def note_rows(self, rows: list[Any]) -> Markup:
        out = []
        for r in rows:
            out.append(
                f'<tr><td><a href="{_e(self.root + r.ref.href)}">{_e(r.ref.name)}</a></td><td>{_e(r.ref.type)}</td>'
                f'<td>{_e(r.folder)}</td><td>{badge(r.ref.status)}</td><td class="num">{r.findings}</td></tr>'
            )
        return Markup("\n".join(out))

    def lint_rows(self, rows: list[Any], severity_rank: dict[str, int]) -> Markup:
        out = []
        for row in rows:
            f = row.finding
            where = f'<a href="{_e(self.root + row.ref.href)}">{_e(row.path)}</a>' if row.ref else _e(row.path)
            sev = _e(f.severity)
            out.append(
                f'<tr><td>{where}</td><td class="num">{f.line}</td>'
                f'<td data-value="{severity_rank.get(f.severity, 9)}"><span class="severity severity-{sev}">{sev}</span></td>'
                f"<td>{_e(f.rule)}</td><td>{_e(f.message)}</td></tr>"
            )
        return Markup("\n".join(out))
