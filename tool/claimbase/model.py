"""Plain data passed between the stages: notes, links, problems found while parsing.

Everything here is cheap to pickle (the parse cache stores these objects) and carries positions:
lines and columns are 1-based, columns count Unicode code points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Edge kinds a link can carry.  The force each has in the argument is decided in semantics.py.
DEPENDS_ON = "depends_on"
SUPPORTS = "supports"
CHALLENGES = "challenges"
CITES = "cites"
TESTS = "tests"
GENERATED_BY = "generated_by"
NEEDS = "needs"
REVISES = "revises"
MENTIONS = "mentions"

EDGE_KINDS = (DEPENDS_ON, SUPPORTS, CHALLENGES, CITES, TESTS, GENERATED_BY, NEEDS, REVISES, MENTIONS)

CONFIDENCE_LEVELS = ("speculative", "experimental", "likely", "proven")

# Note types whose status the argument semantics computes.
ARGUABLE_TYPES = frozenset({"claim", "position", "belief", "conviction"})


class Link(NamedTuple):
    """One reference from a note to another, as written.

    `target` is the name or base-relative path with alias and heading removed; `key` is its lookup
    form (NFC, case-folded).  `reverse` marks fields such as `challenged_by` where the edge runs
    from the linked note to this one.  (A named tuple: a 10,000-note base has ~90,000 links, and
    tuples are built from the parse cache several times faster than dataclass instances.)
    """

    target: str
    key: str
    line: int
    col: int
    kind: str = MENTIONS
    field: str | None = None
    heading: str | None = None
    alias: str | None = None
    reverse: bool = False
    weight: float | None = None
    end_col: int = 0


@dataclass(slots=True)
class Problem:
    """A per-file finding discovered while parsing (before any cross-file analysis)."""

    rule: str
    message: str
    line: int = 1
    col: int = 1
    end_col: int = 0
    fix: Any = None


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(slots=True)
class Suppression:
    """A request to silence rules: on one line (`line` set) or in the whole file (`line` None)."""

    rules: tuple[str, ...]
    line: int | None
    at: int  # where the suppression itself is written (for "unused suppression")


@dataclass(slots=True)
class Note:
    """One parsed file.  `meta` keeps whatever frontmatter could be salvaged, even from a file
    whose YAML was broken, so that one bad value does not hide the rest of the note."""

    path: str  # relative to the base, POSIX separators
    name: str  # file name without `.md`
    type: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    title: str | None = None
    body_line: int = 1
    readable: bool = True
    size: int = 0
    digest: str = ""

    @property
    def confidence(self) -> str | None:
        value = self.meta.get("confidence")
        return value if isinstance(value, str) and value in CONFIDENCE_LEVELS else None

    @property
    def arguable(self) -> bool:
        return self.type in ARGUABLE_TYPES

    def line_of(self, key: str) -> int:
        """The line of a top-level frontmatter key, or of the frontmatter start if absent."""
        return self.key_lines.get(key, 1)
