"""`claims evidence attach`: record a result obtained elsewhere as an evidence note."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import display_prefix, fail, find_note, load_config, open_base

evidence_app = typer.Typer(help="Evidence notes written by hand: results obtained outside `claims run`.", no_args_is_help=True)

VERDICTS = ("supports", "challenges")


def _metric(item: str) -> tuple[str, float]:
    import math

    name, sep, value = item.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not name.strip() or not math.isfinite(number):
        raise fail(f"--metric expects NAME=NUMBER, got '{item}'")
    return name.strip(), number


def _read_result(path: Path) -> tuple[dict[str, float], bytes]:
    """The numeric metrics of a result file (its top-level numbers, or its `metrics` object)."""
    import json
    import math

    try:
        data = path.read_bytes()
    except OSError as err:
        raise fail(f"{path}: cannot be read: {err.strerror or err}") from None
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise fail(f"{path}: not a JSON document ({err})") from None
    if not isinstance(doc, dict):
        raise fail(f"{path}: expected a JSON object of metrics, found {type(doc).__name__}")
    source = doc.get("metrics", doc)
    if not isinstance(source, dict):
        raise fail(f"{path}: 'metrics' should be an object of name -> number")
    metrics = {}
    for name, value in source.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if number:
            metrics[name] = float(value)
        elif source is not doc:
            raise fail(f"{path}: metric '{name}' is {value!r}; metrics must be finite numbers")
    return metrics, data


def attach(
    claim: str = typer.Argument(..., help="The claim the result bears on: its name or path in the base."),
    verdict: str = typer.Option(..., "--verdict", help="What the result does to the claim: supports or challenges."),
    source: str = typer.Option(..., "--source", help="Where the result comes from: a citation, a URL, or a link to a source note, \\[\\[name]]."),
    metric: Optional[list[str]] = typer.Option(None, "--metric", "-m", help="A metric of the result, NAME=NUMBER; repeatable."),
    file: Optional[Path] = typer.Option(None, "--file", help="A JSON result file: its numbers become metrics; a copy is kept beside the note."),
    description: Optional[str] = typer.Option(None, "--description", help="One sentence saying what the result is."),
    base_path: Optional[Path] = typer.Option(None, "--base", "-b", help="The claim base (default: \\[tool.claims] base, or the current folder)."),
) -> None:
    """Write an evidence note by hand for a result obtained elsewhere, with its provenance."""
    import datetime as dt
    import hashlib
    import json
    import shutil
    import socket

    import yaml

    from .. import __version__, atomic, names
    from ..jobs.evidence import note_name

    if verdict not in VERDICTS:
        raise fail(f"--verdict must be supports or challenges, got '{verdict}'")
    if not source.strip():
        raise fail("--source must say where the result comes from")
    metrics = dict(_metric(m) for m in metric or [])
    file_data = None
    if file is not None:
        from_file, file_data = _read_result(file)
        metrics = {**from_file, **metrics}
    config = load_config(base_path)
    if names.safe_relpath(config.evidence_dir) is None:
        raise fail(f"evidence-dir '{config.evidence_dir}' must be a folder inside the base")
    base, config = open_base(None, config=config)
    node = find_note(base, claim)
    target = base.notes[node]
    if not target.arguable:
        raise fail(f"'{target.name}' is a {target.type or 'note without a type'}, not a claim")
    now = dt.datetime.now(dt.timezone.utc)
    stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    key = hashlib.sha256(json.dumps([target.path, verdict, source, metrics, stamp], sort_keys=True).encode()).hexdigest()
    name = note_name(target.name, key).replace(" - run ", " - attached ")
    folder = base.root / config.evidence_dir
    provenance: dict = {"attached_by": _user(), "attached_at": stamp, "host": socket.gethostname(), "tool": f"claimbase {__version__}"}
    if file is not None and file_data is not None:
        kept = folder / name / file.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(kept, file_data)
        provenance["file"] = {"name": file.name, "sha256": hashlib.sha256(file_data).hexdigest(), "kept": f"{name}/{file.name}"}
    meta = {
        "type": "evidence",
        "description": description or f"A result from elsewhere that {verdict} the claim '{target.name}'.",
        "created": now.date().isoformat(),
        "source": source,
        "verdicts": [{"claim": f"[[{target.name}]]", "verdict": verdict, "reason": "attached by hand with `claims evidence attach`"}],
    }
    if metrics:
        meta["metrics"] = metrics
    meta["provenance"] = provenance
    body = [f"# {target.name}: attached evidence", "", f"A result obtained outside `claims run`, attached by {provenance['attached_by']} on {stamp}.",
            "", f"- Verdict: **{verdict}** [[{target.name}]]", f"- Source: {source}"]
    if metrics:
        body += ["", "| metric | value |", "|---|---|"] + [f"| {k} | {v:g} |" for k, v in metrics.items()]
    if "file" in provenance:
        body += ["", f"The result file is kept beside this note: [{file.name}](<{provenance['file']['kept']}>) (sha256 {provenance['file']['sha256'][:16]}...)."]  # type: ignore[union-attr]
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110) + "---\n" + "\n".join(body) + "\n"
    path = folder / f"{name}.md"
    try:
        atomic.write_text(path, text)
    except OSError as err:
        if file is not None:
            shutil.rmtree(folder / name, ignore_errors=True)
        raise fail(f"cannot write {path}: {err.strerror or err}") from None
    typer.echo(f"wrote {display_prefix(base.root)}{path.relative_to(base.root).as_posix()}")


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def register(app: typer.Typer) -> None:
    evidence_app.command("attach")(attach)
    app.add_typer(evidence_app, name="evidence")
