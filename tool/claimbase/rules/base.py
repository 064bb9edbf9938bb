"""What a rule is, and what it is given."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Fix

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase
    from ..config import Config

DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")


@dataclass(frozen=True)
class Context:
    base: "ClaimBase"
    config: "Config"
    inputs: list[str] = field(default_factory=list)  # files outside the base that rules read
    shared: dict[str, Any] = field(default_factory=dict)  # work several rules need, done once per lint
    reuse: dict[str, Any] = field(default_factory=dict)  # kept by the caller across lints; key it on its inputs


@dataclass(slots=True)
class Hit:
    """One occurrence found by a rule, in note number `note`."""

    note: int
    line: int
    col: int
    message: str
    fix: Fix | None = None
    end_col: int = 0
    related: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: str
    summary: str
    doc: str
    check: Callable[[Context], Iterable[Hit]]
    fixable: bool = False

    def sections(self) -> dict[str, str]:
        return doc_sections(self.doc)

    def run(self, ctx: Context) -> list[Finding]:
        notes = ctx.base.notes
        return [
            Finding(self.slug, self.code, self.severity, notes[h.note].path, h.line, h.col, h.message, h.end_col, h.fix, list(h.related))
            for h in self.check(ctx)
        ]


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its fixed sections (What it does / Why it matters / Example / Fix)."""
    first, _, rest = doc.partition("\n")
    text = first.strip() + "\n" + textwrap.dedent(rest)
    parts: dict[str, str] = {}
    current = None
    lines: list[str] = []
    pattern = re.compile(r"^(%s):?$" % "|".join(re.escape(s) for s in DOC_SECTIONS))
    for raw in text.splitlines():
        header = pattern.match(raw.strip()) if not raw.startswith((" ", "\t")) else None
        if header:
            if current:
                parts[current] = textwrap.dedent("\n".join(lines)).strip()
            current, lines = header.group(1), []
        elif current:
            lines.append(raw)
    if current:
        parts[current] = textwrap.dedent("\n".join(lines)).strip()
    return parts


RULES: list[Rule] = []


def rule(code: str, slug: str, severity: str, fixable: bool = False):
    """Register a check function as a rule; its docstring is the rule's documentation."""

    def wrap(fn: Callable[[Context], Iterable[Hit]]):
        doc = fn.__doc__ or ""
        summary = doc.strip().splitlines()[0] if doc.strip() else slug
        RULES.append(Rule(code, slug, severity, summary, doc, fn, fixable))
        return fn

    return wrap


def parse_problems(ctx: Context, slug: str) -> Iterable[Hit]:
    """The problems of one kind that the parser recorded on each note."""
    for i, note in enumerate(ctx.base.notes):
        for p in note.problems:
            if p.rule == slug:
                yield Hit(i, p.line, p.col, p.message, p.fix, p.end_col)


def claim_line(note) -> int:
    """Where argument findings about a note point: its `confidence` line, else its first field."""
    if "confidence" in note.key_lines:
        return note.key_lines["confidence"]
    return min(note.key_lines.values(), default=1)


def describe_source(ctx: Context, arg) -> str:
    """A short human name for what an argument rests on."""
    from ..semantics import NO_SOURCE

    notes = ctx.base.notes
    names = [f"'{notes[s].name}'" for s in arg.sources if s != NO_SOURCE]
    if arg.kind == "cites" and not names:
        return "its free-text source"
    if arg.kind == "depends_on":
        return "premises " + ", ".join(names) if len(names) > 1 else "premise " + (names[0] if names else "(missing)")
    return names[0] if names else "(missing)"


def strongest(ctx: Context, node: int, sign: int):
    """The decided argument of the given sign with the largest weight, or None."""
    labels = ctx.base.labels
    best = None
    for a in labels.by_target[node]:
        arg = labels.arguments[a]
        if arg.sign == sign and (arg.value or 0) > 0 and (best is None or arg.value > best.value):
            best = arg
    return best


def fmt(x: float) -> str:
    return f"{x:g}"
