"""`claims rules` and `claims rule SLUG`: the rules and their documentation."""

from __future__ import annotations

import json
import sys

import typer

from .common import console, fail


def rules(output_format: str = typer.Option("text", "--format", "-f", help="text or json.")) -> None:
    """List every lint rule: code, slug, default severity, whether it can fix, what it checks."""
    from ..rules import all_rules

    items = all_rules()
    if output_format == "json":
        json.dump(
            [{"code": r.code, "rule": r.slug, "severity": r.severity, "fixable": r.fixable, "summary": r.summary} for r in items],
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return
    if output_format != "text":
        raise fail(f"unknown --format '{output_format}'; choose text or json")
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for col in ("code", "rule", "severity", "fix", "what it checks"):
        table.add_column(col, overflow="fold")
    for r in items:
        table.add_row(r.code, r.slug, r.severity, "yes" if r.fixable else "", r.summary)
    console().print(table)


def rule(name: str = typer.Argument(..., help="A rule's slug (e.g. broken-link) or code (e.g. L001).")) -> None:
    """Show one rule's documentation: what it does, why it matters, an example, how to fix it."""
    from ..rules import all_rules, by_name

    r = by_name(name)
    if r is None:
        import difflib

        close = difflib.get_close_matches(name, [x.slug for x in all_rules()], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else " (see `claims rules`)"
        raise fail(f"unknown rule '{name}'{hint}")
    from rich.markdown import Markdown

    sections = r.sections()
    text = [f"# {r.slug} ({r.code})", "", r.summary, "", f"Default severity: **{r.severity}**" + (" · fixable with `--fix`" if r.fixable else "")]
    for title in ("What it does", "Why it matters", "Example", "Fix"):
        if title in sections:
            text += ["", f"## {title}", "", sections[title]]
    console().print(Markdown("\n".join(text)))


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
    app.command("rule")(rule)
