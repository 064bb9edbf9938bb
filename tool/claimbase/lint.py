"""Running the rules over a base: selection, severities, suppressions, the summary."""

from __future__ import annotations

from .base import ClaimBase
from .config import Config
from .findings import Finding, LintResult, severity_rank
from .rules import Context, all_rules, by_name


def lint(base: ClaimBase, config: Config, reuse: dict | None = None) -> LintResult:
    """Run the selected rules.  `reuse` is a dict a long-lived caller (`claims site serve`) keeps
    between lints of a changing base; rules keep expensive, validated work there."""
    ctx = Context(base, config, reuse=reuse if reuse is not None else {})
    findings: list[Finding] = []
    unused_selected = False
    for r in all_rules():
        if not config.selects(r.code, r.slug):
            continue
        if r.slug == "unused-suppression":
            unused_selected = True
            continue
        findings.extend(r.run(ctx))
    for f in findings:
        level = config.severity.get(f.rule) or config.severity.get(f.code)
        if level:
            f.severity = level
    findings = [f for f in findings if not config.ignored_in(f.path, f.code, f.rule)]
    findings, unused = _apply_suppressions(base, findings)
    if unused_selected:
        r = by_name("unused-suppression")
        assert r is not None
        for path, line, message in unused:
            if not config.ignored_in(path, r.code, r.slug):
                findings.append(Finding(r.slug, r.code, config.severity.get(r.slug, r.severity), path, line, 1, message))
    findings.sort(key=Finding.sort_key)
    return LintResult(findings, most_wanted(base), len(base.notes), ctx.inputs)


def _apply_suppressions(base: ClaimBase, findings: list[Finding]) -> tuple[list[Finding], list[tuple[str, int, str]]]:
    by_path = {note.path: note for note in base.notes}
    used: set[tuple[str, int, str]] = set()
    kept = []
    for f in findings:
        note = by_path.get(f.path)
        silenced = False
        if note is not None and note.suppressions:
            for s in note.suppressions:
                if s.line is not None and s.line != f.line:
                    continue
                for name in s.rules:
                    if name in ("all", "ALL", f.rule, f.code):
                        used.add((f.path, s.at, name))
                        silenced = True
        if not silenced:
            kept.append(f)
    unused = []
    for note in base.notes:
        for s in note.suppressions:
            for name in s.rules:
                if (note.path, s.at, name) in used:
                    continue
                if name not in ("all", "ALL") and by_name(name) is None:
                    unused.append((note.path, s.at, f"suppression names an unknown rule '{name}'"))
                else:
                    unused.append((note.path, s.at, f"suppression of '{name}' silences nothing"))
    return kept, unused


def most_wanted(base: ClaimBase, limit: int = 10) -> list[tuple[str, int]]:
    """Missing notes ranked by how many notes link to them."""
    linkers: dict[str, set[int]] = {}
    shown: dict[str, str] = {}
    for u in base.graph.unresolved:
        if u.reason != "missing":
            continue
        linkers.setdefault(u.link.key, set()).add(u.owner)
        shown.setdefault(u.link.key, u.link.target)
    ranked = sorted(linkers.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(shown[k], len(v)) for k, v in ranked[:limit]]


def worst_severity(findings: list[Finding]) -> str | None:
    return min((f.severity for f in findings), key=severity_rank, default=None)
