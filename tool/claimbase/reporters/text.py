"""Findings with the offending line shown, then a summary: counts, most-wanted missing claims."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.markup import escape

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False, width=200 if not color else None, soft_wrap=True)
    lines_cache: dict[str, list[str]] = {}
    for f in result.findings:
        style = _STYLE.get(f.severity, "")
        console.print(
            f"[bold]{escape(prefix + f.path)}[/bold]:{f.line}:{f.col}: [{style}]{f.code}[/{style}] "
            f"[dim]\\[{f.rule}][/dim] {escape(f.message)}"
        )
        if f.path not in lines_cache:
            lines_cache[f.path] = base.source_lines(f.path)
        lines = lines_cache[f.path] if f.rule != "unreadable-file" else []
        if 0 < f.line <= len(lines):
            text = lines[f.line - 1].replace("\t", "    ")
            if len(text) > 160:
                text = text[:157] + "..."
            gutter = " " * len(str(f.line))
            console.print(f"[dim]{gutter} |[/dim]")
            console.print(f"[dim]{f.line} |[/dim] {escape(text)}")
            width = max(1, (f.end_col - f.col) if f.end_col > f.col else 1)
            if f.col <= len(text) + 1:
                console.print(f"[dim]{gutter} |[/dim] {' ' * (f.col - 1)}[{style}]{'^' * min(width, 160)}[/{style}]")
        if f.fix is not None:
            console.print(f"  [green]fix:[/green] {escape(f.fix.description)} (run with --fix)")
        console.print()
    summary(result, console)


def summary(result, console) -> None:
    counts: dict[str, int] = defaultdict(int)
    for f in result.findings:
        counts[f.severity] += 1
    if not result.findings:
        console.print(f"[green]All checks passed[/green] ({result.files} notes).")
    else:
        parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
        console.print(f"Found {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} ({parts}) in {result.files} notes.")
        fixable = sum(1 for f in result.findings if f.fix is not None)
        if fixable:
            console.print(f"[green]{fixable} fixable[/green] with [bold]claims lint --fix[/bold].")
    if result.wanted:
        console.print("\n[bold]Most-wanted missing claims[/bold] (linked from most notes, not yet written):")
        for name, count in result.wanted:
            console.print(f"  {count:>4}  {escape(name)}")
