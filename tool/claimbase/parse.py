"""One file in, one `Note` out.  Parsing never raises on bad input: every problem becomes a
`Problem` on that note and the rest of the note is kept."""

from __future__ import annotations

import re
from typing import Any

import xxhash

from . import body as body_scan
from . import frontmatter, names, schema
from .model import (
    CHALLENGES,
    CITES,
    DEPENDS_ON,
    GENERATED_BY,
    MENTIONS,
    NEEDS,
    REVISES,
    SUPPORTS,
    TESTS,
    Link,
    Note,
    Problem,
    Suppression,
)

MAX_BODY = 25_000_000  # characters; larger bodies are not scanned for links

# field -> (edge kind, reverse): `reverse` means the edge runs from the linked note to this one.
LINK_FIELDS: dict[str, tuple[str, bool]] = {
    "depends_on": (DEPENDS_ON, False),
    "supports": (SUPPORTS, False),
    "supported_by": (SUPPORTS, True),
    "challenges": (CHALLENGES, False),
    "challenged_by": (CHALLENGES, True),
    "sources": (CITES, False),
    "experiment": (GENERATED_BY, False),
    "superseded_by": (REVISES, True),
}

_WIKI = re.compile(r"\[\[([^\[\]\n]{1,1000}?)\]\]")


def digest(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def parse_bytes(data: bytes, rel_path: str) -> Note:
    name = rel_path.rsplit("/", 1)[-1]
    name = name[:-3] if name.lower().endswith(".md") else name
    note = Note(path=rel_path, name=name, size=len(data), digest=digest(data))
    if b"\x00" in data[:8192]:
        note.readable = False
        note.problems.append(Problem("unreadable-file", "binary file (contains NUL bytes); not read as a note"))
        return note
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        note.problems.append(
            Problem(
                "unreadable-file",
                f"not valid UTF-8: byte 0x{data[err.start]:02x} at line {line}, column {col}; "
                "undecodable bytes were replaced to read the rest",
                line,
                col,
            )
        )
        text = data.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    _parse_text(note, text)
    return note


def _parse_text(note: Note, text: str) -> None:
    fm = frontmatter.split(text)
    note.problems.extend(fm.problems)
    note.meta = fm.meta
    note.key_lines = fm.key_lines
    note.body_line = fm.body_line
    raw_type = fm.meta.get("type")
    note.type = raw_type.strip().lower() if isinstance(raw_type, str) and raw_type.strip() else None
    is_map = note.name == "_map"
    if note.type is None and is_map:
        note.type = "map"
    if fm.present or not is_map:
        note.problems.extend(schema.check_fields(note.type, fm.meta, fm.key_lines, is_map))
    if fm.meta:
        note.links.extend(_frontmatter_links(fm))
        note.suppressions.extend(_frontmatter_suppressions(fm, note))
    if len(fm.body) > MAX_BODY:
        note.problems.append(
            Problem("unreadable-file", f"body is {len(fm.body):,} characters; links in it were not read", fm.body_line)
        )
        return
    scan = body_scan.scan_body(fm.body, fm.body_line)
    note.links.extend(scan.links)
    note.headings = scan.headings
    note.suppressions.extend(scan.suppressions)
    note.title = scan.title


class _Positions:
    """Where each `[[...]]` of the frontmatter is written, grouped by top-level key."""

    def __init__(self, fm: frontmatter.Frontmatter):
        self.fm = fm
        order = sorted(fm.key_lines.items(), key=lambda kv: kv[1])
        self.by_key: dict[str, list[tuple[str, int, int]]] = {k: [] for k, _ in order}
        line, pos = fm.first_line, 0
        for m in _WIKI.finditer(fm.text):
            line += fm.text.count("\n", pos, m.start())
            pos = m.start()
            col = m.start() - (fm.text.rfind("\n", 0, m.start()) + 1) + 1
            owner = None
            for k, key_line in order:
                if key_line <= line:
                    owner = k
                else:
                    break
            if owner is not None:
                self.by_key[owner].append((m.group(1), line, col))

    def take(self, key: str, inner: str) -> tuple[int, int]:
        for i, (text, line, col) in enumerate(self.by_key.get(key, ())):
            if text == inner:
                del self.by_key[key][i]
                return line, col
        return self.fm.key_lines.get(key, self.fm.first_line), 1


def _targets(value: Any, bare_ok: bool) -> list[tuple[str, str | None]]:
    """(inner text of a link, None) for each [[link]] in value, or (name, 'bare') for bare names."""
    found: list[tuple[str, str | None]] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, str):
            continue
        inner = _WIKI.findall(item)
        if inner:
            found.extend((i, None) for i in inner)
        elif bare_ok and item.strip():
            found.append((item.strip(), "bare"))
    return found


def _link(inner: str, kind: str, field: str, reverse: bool, pos: tuple[int, int], weight: float | None = None) -> Link | None:
    target, heading, alias = names.split_target(inner)
    if not target:
        return None
    return Link(
        target=target,
        key=names.key(target),
        line=pos[0],
        col=pos[1],
        kind=kind,
        field=field,
        heading=heading,
        alias=alias,
        reverse=reverse,
        weight=weight,
        end_col=pos[1] + len(inner) + 4,
    )


def _frontmatter_links(fm: frontmatter.Frontmatter) -> list[Link]:
    meta = fm.meta
    positions = _Positions(fm)
    links: list[Link] = []

    def add(field: str, value: Any, kind: str, reverse: bool, bare_ok: bool = True, weight: float | None = None) -> None:
        for inner, how in _targets(value, bare_ok):
            pos = positions.take(field, inner) if how is None else (fm.key_lines.get(field, fm.first_line), 1)
            link = _link(inner, kind, field, reverse, pos, weight)
            if link is not None:
                links.append(link)

    for field, (kind, reverse) in LINK_FIELDS.items():
        if field in meta:
            add(field, meta[field], kind, reverse)
    if isinstance(meta.get("source"), str):
        add("source", meta["source"], CITES, False, bare_ok=False)

    verdicts = meta.get("verdicts")
    if isinstance(verdicts, list):
        for item in verdicts:
            if isinstance(item, dict):
                verdict = item.get("verdict")
                kind = {"supports": SUPPORTS, "challenges": CHALLENGES}.get(verdict, MENTIONS)
                add("verdicts", item.get("claim"), kind, False)
    tests = meta.get("tests")
    if isinstance(tests, list):
        for item in tests:
            if isinstance(item, dict):
                add("tests", item.get("claim"), TESTS, False)
    job = meta.get("job")
    if isinstance(job, dict) and "needs" in job:
        add("job", job["needs"], NEEDS, False)

    handled = set(LINK_FIELDS) | {"source", "verdicts", "tests", "job"}
    for field, entries in positions.by_key.items():
        if field in handled:
            continue
        for inner, line, col in entries:
            link = _link(inner, MENTIONS, field, False, (line, col))
            if link is not None:
                links.append(link)
    return links


def _frontmatter_suppressions(fm: frontmatter.Frontmatter, note: Note) -> list[Suppression]:
    lint = fm.meta.get("lint")
    if not isinstance(lint, dict):
        return []
    ignore = lint.get("ignore")
    if isinstance(ignore, str):
        ignore = [ignore]
    if not isinstance(ignore, list):
        return []
    rules = tuple(str(r) for r in ignore if isinstance(r, str))
    return [Suppression(rules, None, fm.key_lines.get("lint", fm.first_line))] if rules else []
