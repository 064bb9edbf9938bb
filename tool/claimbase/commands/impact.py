"""`claims impact NOTE`: the cascade of claims whose status hinges on one note."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .common import BASE_ARG_HELP, console, fail, find_note, open_base

_STYLE = {
    "supported": "green",
    "in": "green",
    "unsupported": "dim",
    "out": "dim",
    "undermined": "magenta",
    "circular": "magenta",
    "contradicted": "red",
    "contested": "yellow",
}


def impact(
    note: str = typer.Argument(..., help="The claim (or evidence, or source): its name or its path relative to the base."),
    path: Optional[Path] = typer.Option(None, "--base", "-b", help=BASE_ARG_HELP, show_default=False),
    output_format: str = typer.Option("tree", "--format", "-f", help="tree (a rich tree of the cascade) or json."),
    all_changes: bool = typer.Option(
        False, "--all", "-a", help="Also show notes whose strength changes while their status stays the same."
    ),
) -> None:
    """Show every claim whose status would change if NOTE fell (or, for a note that is already
    out, every claim it takes down): the cascade, as a tree."""
    from ..impact import impact as compute

    if output_format not in ("tree", "json"):
        raise fail(f"unknown format '{output_format}'; choose tree or json")
    base, _ = open_base(path)
    node = find_note(base, note)
    result = compute(base, node)
    shown = {c.node for c in result.changes if all_changes or c.status_changed}
    # keep the notes on the way to a shown note, so that the tree stays connected
    via = {c.node: c.via for c in result.changes}
    for n in list(shown):
        parent = via.get(n)
        while parent is not None and parent != node and parent not in shown:
            shown.add(parent)
            parent = via.get(parent)
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
                for c in result.changes
                if c.node in shown
            ],
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    _print_tree(base, result, shown)


def _print_tree(base, result, shown: set[int]) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    notes = base.notes
    root = result.root
    status = base.labels.status[root]
    style = _STYLE.get(status, "")
    changed = [c for c in result.changes if c.node in shown and c.status_changed]
    if result.root_in:
        question = "if it fell"
    else:
        question = "that it takes down (they would change if it stood)"
    head = f"[bold]{escape(notes[root].name)}[/bold] [{style}]{status}[/{style}] [dim]{escape(notes[root].path)}[/dim]"
    tree = Tree(head)
    by_node = {c.node: c for c in result.changes}

    def grow(parent: int, branch: Tree) -> None:
        for child in result.children.get(parent, ()):
            if child not in shown:
                continue
            c = by_node[child]
            if c.status_changed:
                now, then = (c.stands, c.falls) if result.root_in else (c.falls, c.stands)
                what = f"[{_STYLE.get(now, '')}]{now}[/] -> [{_STYLE.get(then, '')}]{then}[/]"
            else:
                what = f"[dim]{c.stands}, strength {c.strength_stands:g} / {c.strength_falls:g}[/dim]"
            label = f"{escape(notes[child].name)}  {what} [dim]{escape(notes[child].path)}[/dim]"
            grow(child, branch.add(label))

    grow(root, tree)
    out = console()
    out.print(tree)
    n = sum(1 for c in changed if notes[c.node].arguable)
    if n:
        out.print(f"{n} claim{'s' if n != 1 else ''} {question} (of {result.cone - 1} downstream).")
    else:
        out.print(f"no claim's status hinges on it ({result.cone - 1} downstream).")


def register(app: typer.Typer) -> None:
    app.command("impact")(impact)
