"""`claims why CLAIM`: the tree of arguments behind a claim's status."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import console, find_note, open_base


def why(
    claim: str = typer.Argument(..., help="The claim: its name (file name without .md) or path relative to the base."),
    path: Optional[Path] = typer.Option(None, "--base", "-b", help="The claim base (default: configured or current folder)."),
    depth: int = typer.Option(4, "--depth", "-d", min=1, max=50, help="How many levels of arguments to show."),
) -> None:
    """Explain a claim's status: every argument for and against it, down to evidence and sources."""
    from ..explain import argument_tree

    base, _ = open_base(path)
    node = find_note(base, claim)
    console().print(argument_tree(base, node, depth))


def register(app: typer.Typer) -> None:
    app.command("why")(why)
