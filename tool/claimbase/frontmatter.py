"""Reading YAML frontmatter safely, and salvaging what can be read from broken frontmatter.

Real claim bases hold dates YAML rejects, undefined aliases, unclosed quotes and template
placeholders.  A broken value must cost only that value: the frontmatter is re-read one top-level
key at a time, so an impossible date never loses the note's `type`.  Dates stay strings here (the
field checks judge them and say which line), and alias expansion is bounded so that a "billion
laughs" document costs neither time nor memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import Problem

try:  # the C parser is ~10x faster; fall back to the pure-Python one where libyaml is absent
    _BaseLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_NODES = 20_000  # expanded size above which aliases are treated as a bomb
MAX_FRONTMATTER = 1_000_000  # characters

_KEY = re.compile(r"^([A-Za-z0-9_][\w .\-]*?)[ \t]*:(?=[ \t]|$)", re.M)
_DELIM = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass(slots=True)
class Frontmatter:
    meta: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    text: str = ""  # the raw frontmatter (between the delimiters)
    first_line: int = 2  # file line of the frontmatter's first line
    body: str = ""
    body_line: int = 1
    present: bool = False
    problems: list[Problem] = field(default_factory=list)


def split(text: str) -> Frontmatter:
    """Separate frontmatter from body and read it.  `text` has `\\n` line endings, no BOM."""
    fm = Frontmatter(body=text)
    if not (text.startswith("---") and text[3:4] in ("\n", " ", "\t", "")):
        return fm
    first_nl = text.find("\n")
    if first_nl < 0 or text[3:first_nl].strip():
        return fm
    close = _DELIM.search(text, first_nl + 1)
    if close is None:
        fm.problems.append(
            Problem("invalid-frontmatter", "frontmatter opened with `---` on line 1 is never closed", 1, 1)
        )
        return fm
    fm.present = True
    fm.text = text[first_nl + 1 : close.start()]
    end = text.find("\n", close.end())
    fm.body = "" if end < 0 else text[end + 1 :]
    fm.body_line = text.count("\n", 0, close.start()) + 2
    _read(fm)
    return fm


def _key_lines(fm: Frontmatter) -> list[tuple[str, int, int]]:
    """(key, line, offset) of every top-level key, in order."""
    found = []
    line = fm.first_line
    pos = 0
    for m in _KEY.finditer(fm.text):
        line += fm.text.count("\n", pos, m.start())
        pos = m.start()
        found.append((m.group(1), line, m.start()))
    return found


def _read(fm: Frontmatter) -> None:
    keys = _key_lines(fm)
    seen: dict[str, int] = {}
    for name, line, _ in keys:
        if name in seen:
            fm.problems.append(
                Problem(
                    "invalid-frontmatter",
                    f"key '{name}' appears twice (lines {seen[name]} and {line}); only the last is used",
                    line,
                    1,
                )
            )
        seen[name] = line
    fm.key_lines = seen

    if len(fm.text) > MAX_FRONTMATTER:
        fm.problems.append(
            Problem("invalid-frontmatter", f"frontmatter is {len(fm.text):,} characters; not read", fm.first_line, 1)
        )
        return
    if not fm.text.strip():
        return
    data = _fast_load(fm.text)
    try:
        if data is None:
            data = _load(fm.text)
    except _Unreadable as err:
        data = None
        _salvage(fm, keys, err)
    else:
        if data is None:
            return
        if not isinstance(data, dict):
            fm.problems.append(
                Problem(
                    "invalid-frontmatter",
                    f"frontmatter must be a mapping of fields, found {_kind(data)}",
                    fm.first_line,
                    1,
                )
            )
            return
        fm.meta = _checked(data, fm)


# -- the fast path ------------------------------------------------------------------------------
# Most frontmatter is flat: `key: plain words`, `key: "a quoted string"`, `key: ["[[a]]", "[[b]]"]`.
# PyYAML's constructor runs in Python and costs ~0.1 ms per note; this reader handles exactly that
# subset and returns None for anything else (nesting, block lists, escapes, anchors, multi-line
# values, values YAML would read as numbers, booleans or null), which then goes to PyYAML.  Plain
# values are resolved with PyYAML's own implicit resolvers, so both paths agree (a test holds them
# to that on real and synthetic bases and on generated edge cases).
_SIMPLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+([^\n]*?))?[ \t]*$")
_DOUBLE = re.compile(r'^"([^"\\]*)"$')
_SINGLE = re.compile(r"^'((?:[^']|'')*)'$")
_FLOW_QUOTED = re.compile(r'^\[[ \t]*(?:"[^"\\]*"(?:[ \t]*,[ \t]*"[^"\\]*")*)?[ \t]*\]$')
_FLOW_ITEM = re.compile(r'"([^"\\]*)"')
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")
_YAML_BREAKS = re.compile("[\r\x85\u2028\u2029]")  # line breaks to YAML 1.1, not to str.split
_PLAIN_STOP = re.compile(r":(?:[ \t]|$)|[ \t]#")


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NO_VALUE = object()


def _plain(raw: str) -> Any:
    """The value YAML gives a plain scalar: a string, or for the simple typed cases (decimal
    integers, booleans, null) the same value PyYAML constructs; `_NO_VALUE` for anything subtler."""
    resolvers = _Loader.yaml_implicit_resolvers
    for tag, regexp in [*resolvers.get(raw[:1], ()), *resolvers.get(None, ())]:
        if regexp.match(raw):
            if tag == "tag:yaml.org,2002:bool":
                return yaml.constructor.SafeConstructor.bool_values[raw.lower()]
            if tag == "tag:yaml.org,2002:null":
                return None
            if tag == "tag:yaml.org,2002:int" and _DECIMAL.fullmatch(raw):
                return int(raw)
            return _NO_VALUE
    return raw


_FLOW_PLAIN_BAD = re.compile(r"[\[\]{}#:'\"&*!|>%@`?]")


def _flow_items(raw: str) -> list[Any] | None:
    """A one-line flow sequence of plain or simply quoted items, or None."""
    if not raw.endswith("]"):
        return None
    inner = raw[1:-1].strip()
    if not inner:
        return []
    items: list[Any] = []
    for item in inner.split(","):
        item = item.strip(" \t")
        if not item:
            return None
        if item[0] == '"':
            q = _DOUBLE.match(item)
            if q is None:
                return None
            items.append(q.group(1))
            continue
        if _FLOW_PLAIN_BAD.search(item) or (item[0] == "-" and item[1:2] in ("", " ", "\t")) or "  " in item or "\t" in item:
            return None
        value = _plain(item)
        if value is _NO_VALUE:
            return None
        items.append(value)
    return items


def _fast_load(text: str) -> dict[str, Any] | None:
    if _NON_PRINTABLE.search(text) or _YAML_BREAKS.search(text):
        return None
    data: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _SIMPLE.match(line)
        if m is None:
            return None
        key, raw = m.group(1), m.group(2)
        if _plain(key) is not key:
            return None  # a key YAML would not read as this string (`yes:`, `null:`, `1:`)
        if not raw:
            data[key] = None
            continue
        first = raw[0]
        if first == '"':
            q = _DOUBLE.match(raw)
            if q is None:
                return None
            data[key] = q.group(1)
        elif first == "'":
            q = _SINGLE.match(raw)
            if q is None:
                return None
            data[key] = q.group(1).replace("''", "'")
        elif first == "[":
            if _FLOW_QUOTED.match(raw):
                data[key] = _FLOW_ITEM.findall(raw)
                continue
            items = _flow_items(raw)
            if items is None:
                return None
            data[key] = items
        elif (first in _PLAIN_START and not (first == "-" and raw[1:2] not in ("", " ", "\t"))) or _PLAIN_STOP.search(raw):
            return None
        else:
            value = _plain(raw)
            if value is _NO_VALUE:
                return None
            data[key] = value
    return data


class _Unreadable(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark is not None and (err.context or "").startswith("while scanning a quoted"):
            mark = err.context_mark  # point at the opening quote, not at the end of the text
        message = err.problem or err.context or "invalid YAML"
        if err.context and err.problem:
            message = f"{err.problem} ({err.context})"
        raise _Unreadable(message, (mark.line if mark else 0), (mark.column if mark else 0)) from None
    except yaml.YAMLError as err:
        raise _Unreadable(str(err).splitlines()[0], 0, 0) from None
    except RecursionError:
        raise _Unreadable("YAML nested too deeply", 0, 0) from None
    except (ValueError, TypeError, OverflowError) as err:  # e.g. an unhashable mapping key
        raise _Unreadable(f"YAML value cannot be read: {err}", 0, 0) from None


def _salvage(fm: Frontmatter, keys: list[tuple[str, int, int]], first_error: _Unreadable) -> None:
    """Read the frontmatter one top-level key at a time, keeping every key that parses."""
    whole = Problem(
        "invalid-frontmatter", f"YAML error: {first_error.message}", fm.first_line + first_error.line, first_error.col + 1
    )
    if not keys:
        fm.problems.append(whole)
        return
    bounds = [offset for _, _, offset in keys] + [len(fm.text)]
    meta: dict[str, Any] = {}
    reported = False
    for i, (name, line, offset) in enumerate(keys):
        chunk = fm.text[offset : bounds[i + 1]]
        try:
            value = _load(chunk)
        except _Unreadable as err:
            reported = True
            fm.problems.append(
                Problem(
                    "invalid-frontmatter",
                    f"YAML error in '{name}': {err.message}; the field is ignored",
                    line + err.line,
                    err.col + 1,
                )
            )
            continue
        if isinstance(value, dict):
            meta.update(value)
    if not reported:  # the culprit is outside every key's chunk, e.g. before the first key
        fm.problems.append(whole)
    fm.meta = _checked(meta, fm)


def _checked(data: dict, fm: Frontmatter) -> dict[str, Any]:
    """Keys as strings; values that are nested too deeply or expand through aliases beyond a bound
    are dropped with a problem."""
    clean: dict[str, Any] = {}
    for k, v in data.items():
        name = str(k) if not isinstance(k, str) else k
        if isinstance(v, (list, dict)):
            trouble = _too_big(v)
            if trouble:
                fm.problems.append(
                    Problem("invalid-frontmatter", f"'{name}' {trouble}; the field is ignored", fm.key_lines.get(name, fm.first_line), 1)
                )
                continue
        clean[name] = v
    return clean


MAX_DEPTH = 100


def _too_big(value: Any) -> str | None:
    """Why `value` is unsafe to walk (alias bomb, self-reference, deep nesting), or None.

    Shared references are counted every time they occur, as any consumer walking the value would."""
    count = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            return f"expands through YAML aliases to more than {MAX_NODES:,} values (an alias bomb, or a self-reference)"
        if depth > MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            count += len(item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return None


def _kind(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "a string"
    return f"a {type(data).__name__}"
