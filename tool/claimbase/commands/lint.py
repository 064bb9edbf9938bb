"""`claims lint`: check the argument."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .common import BASE_ARG_HELP, display_prefix, fail, open_base

FORMATS = ("text", "concise", "json", "sarif", "github")


def lint(
    path: Optional[Path] = typer.Argument(None, help=BASE_ARG_HELP, show_default=False),
    output_format: str = typer.Option("text", "--format", "-f", help="Output format: text, concise, json, sarif or github."),
    select: Optional[list[str]] = typer.Option(None, "--select", help="Only these rules (slug, code or code prefix); repeatable."),
    extend_select: Optional[list[str]] = typer.Option(None, "--extend-select", help="Add rules to the configured selection."),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help="Skip these rules (slug, code or code prefix); repeatable."),
    severity: Optional[list[str]] = typer.Option(None, "--severity", help="Override a rule's severity: RULE=error|warning|info."),
    statistics: bool = typer.Option(False, "--statistics", help="Show counts per rule instead of each finding."),
    fix: bool = typer.Option(False, "--fix", help="Apply safe fixes to the notes, then report what remains."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are errors."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where to keep the parse cache (default .claims-cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Parse every file; neither read nor write the cache."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Force colour on or off (default: when writing to a terminal)."),
) -> None:
    """Check the argument: schema, links, and the status of every claim.

    Exit status: 0 when no finding is at error level, 1 when some is, 2 on a usage or internal error.
    """
    if output_format not in FORMATS:
        raise fail(f"unknown --format '{output_format}'; choose one of {', '.join(FORMATS)}")
    from .common import load_config

    config = load_config(path)
    if cache_dir is not None:
        config.cache_dir = cache_dir.resolve()
    if no_cache:
        config.cache_dir = None
    if select:
        config.select = list(select)
    if extend_select:
        config.extend_select += list(extend_select)
    if ignore:
        config.ignore += list(ignore)
    if select or extend_select or ignore or severity:
        _check_rule_options([*(select or []), *(extend_select or []), *(ignore or [])], severity or [], config)
    if not config.base.is_dir():
        raise fail(f"{config.base}: no such folder")

    from .. import results
    from ..discover import discover
    from ..sourcefile import FileView

    entries = discover(str(config.base), config.excluded)
    key = results.fingerprint(entries, config)
    result = None if fix else results.load(config, key)
    view = FileView(config.base)
    if result is None:
        from ..lint import lint as run_lint

        base, config = open_base(None, config=config, entries=entries, no_cache=no_cache, background_save=True)
        result = run_lint(base, config)
        results.save(config, key, result, result.inputs)
        base.stats.wait_for_cache()
        if fix:
            from ..base import open_base as reopen
            from ..fixes import apply

            applied, skipped = apply(base.root, result.findings)
            for message in skipped:
                sys.stderr.write(f"claims: {message}\n")
            if applied:
                base = reopen(base.root, config, use_cache=not no_cache)
                result = run_lint(base, config)
                sys.stderr.write(f"claims: applied {applied} fix{'es' if applied != 1 else ''}\n")

    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        use_color = (out.isatty() if color is None else color) and output_format == "text"
        if statistics:
            _statistics(result, out, output_format, use_color)
        else:
            from ..reporters import render

            render(output_format, result, view, out, color=use_color, prefix=display_prefix(view.root))
    finally:
        if output:
            out.close()
    if result.errors and not exit_zero:
        raise typer.Exit(1)


def _check_rule_options(names: list[str], severities: list[str], config) -> None:
    from ..findings import SEVERITIES
    from ..rules import all_rules, by_name

    for name in names:
        if name != "ALL" and by_name(name) is None and not any(r.code.startswith(name) for r in all_rules()):
            raise fail(f"unknown rule '{name}' (see `claims rules`)")
    for item in severities:
        rule_name, _, level = item.partition("=")
        rule = by_name(rule_name)
        if level not in SEVERITIES or rule is None:
            raise fail(f"--severity expects RULE=error|warning|info with a known rule, got '{item}'")
        config.severity[rule.slug] = level


def _statistics(result, out, output_format: str, color: bool) -> None:
    import json

    from ..rules import by_name

    counts = result.counts()
    rows = []
    for slug, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        r = by_name(slug)
        fixable = sum(1 for f in result.findings if f.rule == slug and f.fix is not None)
        rows.append({"code": r.code if r else "", "rule": slug, "count": count, "fixable": fixable})
    if output_format == "json":
        json.dump(rows, out, indent=2)
        out.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(result.findings)} findings in {result.files} notes", show_lines=False)
    for col, justify in (("count", "right"), ("code", "left"), ("rule", "left"), ("fixable", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(str(row["count"]), row["code"], row["rule"], str(row["fixable"] or ""))
    Console(file=out, force_terminal=color, no_color=not color, width=120).print(table)


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
