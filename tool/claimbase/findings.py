"""What the linter reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(slots=True)
class Fix:
    """A safe edit: replace `old` by `new` at (line, col) of the note's file.  Applied only if the
    text there is still exactly `old`."""

    line: int
    col: int
    old: str
    new: str
    description: str


@dataclass(slots=True)
class Finding:
    rule: str  # the slug, e.g. "broken-link"
    code: str  # the stable code, e.g. "L001"
    severity: str
    path: str  # relative to the base
    line: int
    col: int
    message: str
    end_col: int = 0
    fix: Fix | None = None
    related: list[tuple[str, int]] = field(default_factory=list)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.col, self.code)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "message": self.message,
        }
        if self.end_col:
            out["end_column"] = self.end_col
        if self.fix is not None:
            out["fix"] = {"description": self.fix.description, "replacement": self.fix.new}
        if self.related:
            out["related"] = [{"path": p, "line": ln} for p, ln in self.related]
        return out


def severity_rank(severity: str) -> int:
    return _ORDER.get(severity, 3)


@dataclass
class LintResult:
    findings: list[Finding]
    wanted: list[tuple[str, int]] = field(default_factory=list)  # (missing name, notes linking to it)
    files: int = 0
    inputs: list[str] = field(default_factory=list)  # files outside the base the rules depended on

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    def counts(self) -> Counter[str]:
        return Counter(f.rule for f in self.findings)
