"""`claims schema`: the JSON Schemas of the note types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import fail


def schema(
    note_type: Optional[str] = typer.Argument(None, help="Print this type's schema (claim, source, experiment, evidence, map)."),
    write: Optional[Path] = typer.Option(None, "--write", help="Write every type's schema into this folder (e.g. schema/)."),
) -> None:
    """Print or write the JSON Schema of note frontmatter, as used by the field checks."""
    from .. import atomic
    from ..schema import REQUIRED, json_schema

    types = sorted(t for t in REQUIRED)
    if write is not None:
        for t in types:
            atomic.write_text(write / f"{t}.schema.json", json.dumps(json_schema(t), indent=2) + "\n")
        typer.echo(f"wrote {len(types)} schemas to {write}")
        return
    if note_type is None:
        typer.echo("\n".join(types))
        return
    if note_type not in REQUIRED:
        raise fail(f"unknown note type '{note_type}'; choose one of {', '.join(types)}")
    typer.echo(json.dumps(json_schema(note_type), indent=2))


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
