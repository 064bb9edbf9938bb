"""`claims impact NOTE`: the cascade of claims whose status hinges on one note."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..styles import STATUS_STYLE
from .common import BASE_ARG_HELP, console, fail, find_note, open_base


def impact(
    note: str = typer.Argument(..., help="The claim (or evidence, or source): its name or its path relative to the base."),
    path: Optional[Path] = typer.Option(None, "--base", "-b", help=BASE_ARG_HELP, show_default=False),
    output_format: str = typer.Option("tree", "--format", "-f", help="tree (a rich tree of the cascade) or json."),
    all_changes: bool = typer.Option(
        False, "--all", "-a", help="Also show notes whose strength or state changes while their status stays the same."
    ),
) -> None:
    """Show every claim whose status would change if NOTE fell: the cascade, as a tree.

    For a note that is already out (contradicted, undermined, ...), the tree shows every claim it
    takes down."""
    from ..impact import impact as compute

    if output_format not in ("tree", "json"):
        raise fail(f"unknown format '{output_format}'; choose tree or json")
    base, _ = open_base(path)
    node = find_note(base, note)
    result = compute(base, node)
    listed = [c for c in result.changes if all_changes or c.status_changed]
    if output_format == "json":
        notes = base.notes
        payload = {
            "note": notes[node].name,
            "path": notes[node].path,
            "status": base.labels.status[node],
            "scenario": "falls" if result.root_in else "stands",
            "cone": result.cone,
            "changes": [
                {
                    "name": notes[c.node].name,
                    "path": notes[c.node].path,
                    "via": notes[c.via].name,
                    "if_it_stands": c.stands,
                    "if_it_falls": c.falls,
                    "strength_if_it_stands": c.strength_stands,
                    "strength_if_it_falls": c.strength_falls,
                }
                for c in listed
            ],
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    _print_tree(base, result, listed)


def _print_tree(base, result, listed) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    notes = base.notes
    root = result.root
    status = base.labels.status[root]
    style = STATUS_STYLE.get(status, "")
    tree = Tree(f"[bold]{escape(notes[root].name)}[/bold] [{style}]{status}[/{style}] [dim]{escape(notes[root].path)}[/dim]")
    by_node = {c.node: c for c in listed}
    branches = {root: tree}
    states = {0: "undecided", 1: "in", 2: "out"}
    # each listed note hangs under the note it was reached from; notes on the way that did not
    # change themselves are shown dimmed, so the tree stays connected
    for c in listed:
        for step in result.path(c.node):
            if step in branches:
                continue
            change = by_node.get(step)
            if change is None:
                label = f"[dim]{escape(notes[step].name)}  (unchanged) {escape(notes[step].path)}[/dim]"
            elif change.status_changed:
                now, then = (change.stands, change.falls) if result.root_in else (change.falls, change.stands)
                what = f"[{STATUS_STYLE.get(now, '')}]{now}[/] -> [{STATUS_STYLE.get(then, '')}]{then}[/]"
                label = f"{escape(notes[step].name)}  {what} [dim]{escape(notes[step].path)}[/dim]"
            else:
                what = (f"{change.stands} ({states[change.state_stands]}, strength {change.strength_stands:g} if it stands;"
                        f" {states[change.state_falls]}, {change.strength_falls:g} if it falls)")
                label = f"{escape(notes[step].name)}  [dim]{what} {escape(notes[step].path)}[/dim]"
            branches[step] = branches[result.parent[step]].add(label)
    out = console()
    out.print(tree)
    from ..impact import held_down_by, stand_or_fall_with

    carried = len(stand_or_fall_with(base, result))
    held = len(held_down_by(base, result))
    other = sum(1 for c in listed if c.status_changed and notes[c.node].arguable) - carried - held
    parts = []
    if carried:
        parts.append(f"{_claims(carried)} stand{'s' if carried == 1 else ''} or fall{'s' if carried == 1 else ''} with it")
    if held:
        parts.append(f"{_claims(held)} it challenges stand{'s' if held == 1 else ''} only while it is out")
    if other > 0:
        parts.append(f"{_claims(other)} change{'s' if other == 1 else ''} status otherwise")
    now = {0: "it is undecided today", 1: "it stands today", 2: "it is out today"}[base.labels.state[root]]
    if parts:
        out.print(f"{'; '.join(parts)} ({now}; {result.cone - 1} notes downstream).")
    else:
        out.print(f"no claim's status hinges on it ({now}; {result.cone - 1} notes downstream).")


def _claims(n: int) -> str:
    return f"{n} claim{'s' if n != 1 else ''}"


def register(app: typer.Typer) -> None:
    app.command("impact")(impact)
