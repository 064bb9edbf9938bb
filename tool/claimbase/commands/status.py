"""`claims status`: how many claims stand, and which do not."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .common import BASE_ARG_HELP, console, fail, open_base


def status(
    path: Optional[Path] = typer.Argument(None, help=BASE_ARG_HELP, show_default=False),
    show: Optional[str] = typer.Option(None, "--list", "-l", help="Also list the claims with this status (e.g. contradicted)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where the parse cache lives."),
) -> None:
    """Count claims per status (supported, unsupported, undermined, circular, contradicted, contested)."""
    from ..semantics import STATUSES

    if show is not None and show not in STATUSES:
        raise fail(f"unknown status '{show}'; choose one of {', '.join(STATUSES)}")
    base, _ = open_base(path, cache_dir)
    counts = base.labels.counts(base.notes)
    by_conf: dict[str, dict[str, int]] = {}
    for i, note in enumerate(base.notes):
        if note.arguable:
            row = by_conf.setdefault(note.confidence or "(none)", {s: 0 for s in STATUSES})
            row[base.labels.status[i]] += 1
    listed = [base.notes[i] for i in range(len(base.notes)) if base.notes[i].arguable and base.labels.status[i] == show] if show else []
    if output_format == "json":
        json.dump(
            {"notes": len(base.notes), "claims": sum(counts.values()), "status": counts, "by_confidence": by_conf,
             "listed": [{"name": n.name, "path": n.path} for n in listed]},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return
    from rich.table import Table

    styles = {"supported": "green", "contradicted": "red", "contested": "yellow", "undermined": "magenta", "circular": "magenta"}
    levels = [c for c in ("proven", "likely", "experimental", "speculative", "(none)") if c in by_conf]
    table = Table(title=f"{sum(counts.values())} claims in {len(base.notes)} notes ({base.root.name})")
    table.add_column("status")
    for conf in levels:
        table.add_column(conf, justify="right")
    table.add_column("all", justify="right", style="bold")
    for s in STATUSES:
        style = styles.get(s, "")
        label = f"[{style}]{s}[/{style}]" if style else s
        table.add_row(label, *(str(by_conf[c][s] or "") for c in levels), str(counts[s]))
    out = console()
    out.print(table)
    for note in listed:
        out.print(f"  {note.path}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
