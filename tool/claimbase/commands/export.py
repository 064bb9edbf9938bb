"""`claims export`: the labelled graph as Turtle, JSON-LD, N-Triples, GraphML or JSON."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Optional

import typer

from .common import BASE_ARG_HELP, fail, open_base

FORMATS = ("turtle", "jsonld", "nt", "graphml", "json")
BASE_IRI_HELP = (
    "Prefix of every note's IRI (default: \\[tool.claims.rdf] base-iri, else urn:claimbase:). "
    "Notes get <BASE>note/<percent-encoded name>."
)


def resolve_base_iri(option: str | None, config) -> str:
    """The base IRI from the option, else from `[tool.claims.rdf] base-iri`, else the default;
    exits with a message when it cannot prefix IRIs."""
    from ..rdf.vocab import DEFAULT_BASE_IRI, check_base_iri

    value = option
    where = "--base-iri"
    if value is None:
        setting = config.sections.get("rdf", {}).get("base-iri")
        if setting is not None:
            if not isinstance(setting, str):
                raise fail(f"{config.source}: [tool.claims.rdf] base-iri must be a string")
            value, where = setting, f"{config.source}: [tool.claims.rdf] base-iri"
    if value is None:
        return DEFAULT_BASE_IRI
    problem = check_base_iri(value)
    if problem:
        raise fail(f"{where}: {problem}")
    return value


def export(
    path: Optional[Path] = typer.Argument(None, help=BASE_ARG_HELP, show_default=False),
    output_format: str = typer.Option("turtle", "--format", "-f", help="turtle, jsonld, nt (N-Triples), graphml or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file (atomically) instead of standard output."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help=BASE_IRI_HELP, show_default=False),
    no_arguments: bool = typer.Option(
        False, "--no-arguments", help="RDF only: leave out the evidence lines (one node per argument); smaller output."
    ),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where the parse cache lives."),
) -> None:
    """Export the whole graph with the computed statuses: RDF in standard vocabularies, GraphML or JSON.

    See docs/linked-data.md and schema/README.md for the mapping."""
    if output_format not in FORMATS:
        raise fail(f"unknown format '{output_format}'; choose one of {', '.join(FORMATS)}")
    if out is not None and out.is_dir():
        raise fail(f"{out}: is a folder; give a file name")
    base, config = open_base(path, cache_dir)
    iri = resolve_base_iri(base_iri, config)
    with _progress(out is not None, f"exporting {len(base.notes):,} notes as {output_format}"):
        chunks = render(base, output_format, iri, not no_arguments)
        if out is None:
            stream = sys.stdout.buffer
            for chunk in chunks:
                stream.write(chunk.encode("utf-8"))
            stream.flush()
            return
        from .. import atomic

        try:
            atomic.write_text(out, "".join(chunks))
        except OSError as err:
            raise fail(f"{out}: cannot write: {err.strerror or err}") from None
    sys.stderr.write(f"wrote {out} ({output_format}, {len(base.notes):,} notes)\n")


def render(base, output_format: str, base_iri: str, arguments: bool = True) -> Iterable[str]:
    """The export of `base` in `output_format`, as text chunks."""
    if output_format == "graphml":
        from ..rdf.plain import to_graphml

        return [to_graphml(base, base_iri)]
    if output_format == "json":
        from ..rdf.plain import to_json

        return [to_json(base, base_iri)]
    from ..rdf.export import export as build
    from ..rdf.turtle import ntriples_chunks, to_jsonld, turtle_chunks

    data = build(base, base_iri, arguments)
    if output_format == "turtle":
        return turtle_chunks(data)
    if output_format == "nt":
        return ntriples_chunks(data)
    return [to_jsonld(data)]


class _progress:
    """A spinner on the terminal's standard error while long work runs (only when `enabled` and
    standard error is a terminal, so that piped output and logs stay clean)."""

    def __init__(self, enabled: bool, message: str):
        self.status = None
        if enabled and sys.stderr.isatty():
            from .common import console

            self.status = console(stderr=True).status(message)

    def __enter__(self):
        if self.status is not None:
            self.status.__enter__()
        return self

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.__exit__(*exc)
        return False


def register(app: typer.Typer) -> None:
    app.command("export")(export)
