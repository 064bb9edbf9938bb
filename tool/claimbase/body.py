"""Scanning a Markdown body for what the linter needs: wiki-links, headings, suppressions.

The linter does not build a Markdown syntax tree: on a base of 10,000 notes that alone would cost
more than the whole lint budget.  It finds the regions where `[[...]]` is *not* a link (fenced and
indented code blocks, code spans, HTML comments) with a few regular expressions and keeps the links
outside them, with their exact positions.  The site renderer reuses these positions, so the linter
and the site always agree on what is a link.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from . import names
from .model import CHALLENGES, MENTIONS, SUPPORTS, Heading, Link, Suppression

_FENCE = re.compile(r"^(?: {0,3}>)* {0,3}(`{3,}|~{3,})([^\n]*)$", re.M)  # also inside block quotes
_BACKTICKS = re.compile(r"`+")
_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")
_LINK = re.compile(r"\[\[([^\[\]\n]{1,1000}?)\]\]")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+([^\n]*)$", re.M)
_BLOCK_KIND = re.compile(r"\((challenge|confirm|extend)\)\s*$", re.I)
_SUPPRESS = re.compile(r"<!--\s*claims:\s*(ignore|ignore-file)\b([^\n>]*?)-->")
_BLOCK_END = re.compile(r"^ {0,3}(?:(?:[-*_])[ \t]*){3,}$|^(?:Relevant Notes|Topics):", re.M)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")

_BLOCK_EDGE = {"challenge": CHALLENGES, "confirm": SUPPORTS, "extend": MENTIONS}


@dataclass(slots=True)
class BodyScan:
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    title: str | None = None
    code: list[tuple[int, int]] = field(default_factory=list)


class _Lines:
    """Offset -> (line, column) for offsets visited in increasing order."""

    __slots__ = ("text", "first", "pos", "line")

    def __init__(self, text: str, first_line: int):
        self.text, self.first, self.pos, self.line = text, first_line, 0, first_line

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.pos:
            self.pos, self.line = 0, self.first
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


def _fenced_blocks(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opener = None
    for m in _FENCE.finditer(text):
        fence = m.group(1)
        if opener is None:
            if fence[0] == "`" and "`" in m.group(2):
                continue  # a line like ```code``` is inline code, not a fence
            opener = (m.start(), fence[0], len(fence))
        elif fence[0] == opener[1] and len(fence) >= opener[2] and not m.group(2).strip():
            spans.append((opener[0], m.end()))
            opener = None
    if opener is not None:  # an unclosed fence runs to the end, as in CommonMark
        spans.append((opener[0], len(text)))
    return spans


def _indented_blocks(text: str, fenced: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Indented code blocks: 4+ spaces after a blank line, outside lists and fences."""
    spans: list[tuple[int, int]] = []
    offset = 0
    prev_blank = True
    in_list = False
    in_code = False
    start = 0
    for line in text.split("\n"):
        end = offset + len(line)
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        inside_fence = any(a <= offset < b for a, b in fenced)
        if in_code and not blank and not indented:
            spans.append((start, offset))
            in_code = False
        if not inside_fence and not blank:
            if indented and not in_list and (prev_blank or in_code):
                if not in_code:
                    in_code, start = True, offset
            elif _LIST_ITEM.match(line):
                in_list = True
            elif not indented and prev_blank:
                in_list = False
        prev_blank = blank
        offset = end + 1
    if in_code:
        spans.append((start, len(text)))
    return spans


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Inline code spans: a run of backticks closed by the next run of the same length on the same
    line.  (Pairing runs in Python is ~10x faster than one regular expression with look-arounds.)"""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        width = end - start
        line_end = text.find("\n", end)
        if line_end < 0:
            line_end = len(text)
        for j in range(i + 1, len(runs)):
            a, b = runs[j]
            if a >= line_end:
                break
            if b - a == width:
                spans.append((start, b))
                i = j
                break
        i += 1
    return spans


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []
    for a, b in spans:
        if starts and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _inside(starts: list[int], ends: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def _closing_hashes(text: str) -> str:
    """A heading's text without an optional closing sequence of `#` (which needs a space before it)."""
    text = text.rstrip()
    stripped = text.rstrip("#")
    if stripped != text and (not stripped or stripped[-1] in " \t"):
        text = stripped
    return text.strip()


def scan_body(text: str, first_line: int = 1) -> BodyScan:
    """Scan `text` (the body, which begins on file line `first_line`)."""
    scan = BodyScan()
    has_link = "[[" in text
    has_comment = "<!--" in text
    if not has_link and not has_comment and "#" not in text:
        return scan

    fenced = _fenced_blocks(text) if ("```" in text or "~~~" in text) else []
    excluded = list(fenced)
    if "\n    " in text or "\n\t" in text:
        excluded += _indented_blocks(text, fenced)
    scan.code = list(excluded)
    if has_link and "`" in text:
        excluded += _code_spans(text)
    comments = [m.span() for m in _COMMENT.finditer(text)] if has_comment else []
    starts, ends = _merge(excluded + comments)
    code_starts, code_ends = _merge(list(scan.code))

    lines = _Lines(text, first_line)
    blocks: list[tuple[int, int, str]] = []  # (start, end, edge kind) of "### x (challenge)" blocks
    open_blocks: list[tuple[int, int, str]] = []  # (level, start, kind)
    if "#" in text:
        for m in _HEADING.finditer(text):
            if _inside(code_starts, code_ends, m.start()):
                continue
            level = len(m.group(1))
            heading_text = _closing_hashes(m.group(2))
            line, _ = lines.at(m.start())
            scan.headings.append(Heading(level, heading_text, line))
            if level == 1 and scan.title is None:
                scan.title = heading_text
            while open_blocks and open_blocks[-1][0] >= level:
                lvl, start, kind = open_blocks.pop()
                blocks.append((start, m.start(), kind))
            kind_match = _BLOCK_KIND.search(heading_text)
            if kind_match:
                open_blocks.append((level, m.end(), _BLOCK_EDGE[kind_match.group(1).lower()]))
        blocks.extend((start, len(text), kind) for _, start, kind in open_blocks)
        if blocks:  # a thematic break or the closing link lists also end a block
            breaks = [m.start() for m in _BLOCK_END.finditer(text) if not _inside(code_starts, code_ends, m.start())]
            blocks = [(a, min([b] + [e for e in breaks if a <= e < b]), kind) for a, b, kind in blocks]

    if has_link:
        lines = _Lines(text, first_line)
        for m in _LINK.finditer(text):
            if _inside(starts, ends, m.start()) or (m.start() and text[m.start() - 1] == "\\"):
                continue  # in code, or `\[[x]]`: an escaped bracket
            target, heading, alias = names.split_target(m.group(1))
            if not target and not heading:
                continue
            kind = MENTIONS
            for a, b, block_kind in blocks:
                if a <= m.start() < b:
                    kind = block_kind
            line, col = lines.at(m.start())
            scan.links.append(
                Link(
                    target=target,
                    key=names.key(target),
                    line=line,
                    col=col,
                    kind=kind,
                    heading=heading,
                    alias=alias,
                    reverse=kind != MENTIONS,
                    end_col=col + (m.end() - m.start()),
                )
            )

    if has_comment:
        lines = _Lines(text, first_line)
        for m in _SUPPRESS.finditer(text):
            if _inside(code_starts, code_ends, m.start()):
                continue
            rules = tuple(r for r in re.split(r"[\s,]+", m.group(2).strip()) if r)
            line, _ = lines.at(m.start())
            if m.group(1) == "ignore-file":
                scan.suppressions.append(Suppression(rules, None, line))
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            alone = not text[line_start : m.start()].strip() and not text[m.end() : line_end].strip()
            target_line = line
            if alone:  # a comment on its own line covers the next non-blank line
                rest = text[line_end + 1 :]
                skipped = 1
                for following in rest.split("\n"):
                    if following.strip():
                        break
                    skipped += 1
                target_line = line + skipped
            scan.suppressions.append(Suppression(rules, target_line, line))
    return scan
