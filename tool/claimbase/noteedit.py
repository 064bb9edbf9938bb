"""Editing a note's frontmatter without touching anything else.

`set_fields` changes or adds top-level frontmatter keys and leaves every other byte as it was: the
BOM, line endings, comments (a comment after an edited value too), key order, quoting of other
values, and the body.  A key whose value spans several lines (a block list or mapping) is replaced by
a one-line flow value; comment lines after it stay.  The edit is checked by reading the result back:
if any other field would read differently, nothing is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from . import atomic, frontmatter

_DELIM = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?\n?$")
_PLAIN = re.compile(r"^[A-Za-z_](?:[\w .\-/]*[\w.])?$|^\d{4}-\d{2}-\d{2}$")
_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "y", "n", "~"})


class EditError(Exception):
    """The note cannot be edited safely; the message says why."""


def render(value: Any) -> str:
    """A one-line YAML value: plain when that reads back the same, else JSON (which YAML reads)."""
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _RESERVED and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def set_fields(data: bytes, updates: dict[str, Any]) -> bytes:
    """The note `data` with each top-level key in `updates` set to its value."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError as err:
        raise EditError(f"not valid UTF-8 ({err.reason} at byte {err.start})") from None
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise EditError("has no frontmatter (it must start with a line `---`)")
    close = next((i for i in range(1, len(lines)) if _DELIM.match(lines[i])), None)
    if close is None:
        raise EditError("its frontmatter is never closed")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    before = _read(lines, close)
    for key, value in updates.items():
        if key in before and _same(before[key], value):
            continue
        close = _set(lines, close, key, render(value), newline)
    result = "".join(lines)
    after = _read(lines, close)
    for key in set(before) | set(after):
        wanted = updates[key] if key in updates else before.get(key)
        if key not in after or not _same(after[key], wanted):
            raise EditError(f"editing '{key}' would change how the frontmatter reads; the note was left as it was")
    return bom + result.encode("utf-8")


def _read(lines: list[str], close: int) -> dict[str, Any]:
    text = "".join(lines[: close + 1]).replace("\r\n", "\n")
    fm = frontmatter.split(text + ("" if text.endswith("\n") else "\n"))
    if not fm.present or any(p.rule == "invalid-frontmatter" for p in fm.problems):
        raise EditError("its frontmatter is not valid YAML; fix it by hand first")
    return fm.meta


def _same(a: Any, b: Any) -> bool:
    scalars = not isinstance(a, (dict, list)) and not isinstance(b, (dict, list))
    return a == b or (scalars and str(a) == str(b))


def _key_line(line: str, key: str) -> bool:
    return re.match(rf"^{re.escape(key)}[ \t]*:(?=[ \t\r\n]|$)", line) is not None


def _is_top_level_key(line: str) -> bool:
    return re.match(r"^[^\s#][^:]*:(?=[ \t\r\n]|$)", line) is not None


def _set(lines: list[str], close: int, key: str, rendered: str, newline: str) -> int:
    """Set `key` in lines[1:close]; returns the (possibly moved) index of the closing delimiter."""
    start = next((i for i in range(1, close) if _key_line(lines[i], key)), None)
    if start is None:
        lines.insert(close, f"{key}: {rendered}{newline}")
        return close + 1
    end = start + 1
    while end < close and not _is_top_level_key(lines[end]):
        end += 1
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank and comment lines after the value stay where they are
    line = lines[start]
    if end == start + 1:
        value_start, value_end = _value_columns(line, key)
        lines[start] = line[:value_start] + rendered + line[value_end:]
        return close
    ending = newline if line.endswith("\n") else ""
    lines[start:end] = [f"{key}: {rendered}{ending}"]
    return close - (end - start - 1)


def _value_columns(line: str, key: str) -> tuple[int, int]:
    """Where the value of a one-line `key: value  # comment` starts and ends."""
    colon = line.index(":", len(key))
    content = line.rstrip("\r\n")
    start = colon + 1
    while start < len(content) and content[start] in " \t":
        start += 1
    try:
        node = yaml.compose(content)
    except yaml.YAMLError:
        node = None
    if isinstance(node, yaml.MappingNode) and node.value:
        _, value = node.value[0]
        if value.end_mark.line == 0 and value.end_mark.column > start:
            return start, value.end_mark.column
    return start, len(content)  # an empty value, or one the scanner cannot place


def edit_file(path: Path, updates: dict[str, Any]) -> bool:
    """Apply `updates` to the note at `path` (atomically); returns whether the file changed."""
    data = path.read_bytes()
    new = set_fields(data, updates)
    if new == data:
        return False
    atomic.write_bytes(path, new)
    return True
