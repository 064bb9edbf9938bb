"""`claims query`: SPARQL over the exported graph of a base (or over an exported RDF file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .common import console, fail, open_base
from .export import BASE_IRI_HELP, _progress, resolve_base_iri

OUTPUTS = ("table", "csv", "json")


def query(
    sparql: Optional[str] = typer.Argument(None, help="The SPARQL query (or use --file).", show_default=False),
    file: Optional[Path] = typer.Option(None, "--file", "-F", help="Read the query from this file (e.g. queries/contradicted-by-experiments.rq)."),
    path: Optional[Path] = typer.Option(None, "--base", "-b", help="The claim base (default: configured or current folder).", show_default=False),
    data: Optional[Path] = typer.Option(None, "--data", "-d", help="Query this exported RDF file (.ttl, .nt, .jsonld) instead of a base."),
    output_format: str = typer.Option("table", "--format", "-f", help="table, csv or json (SPARQL 1.1 results formats)."),
    bind: list[str] = typer.Option(
        [], "--bind", help="VAR=NOTE: bind ?VAR to the IRI of the note NOTE (its name or path) before running; repeatable."
    ),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help=BASE_IRI_HELP, show_default=False),
) -> None:
    """Ask the argument a question in SPARQL.

    The prefixes cb:, mp:, cito:, prov:, obo:, dcterms:, rdf:, rdfs:, xsd:, owl:, skos: and note:
    are predeclared; queries/ in the project holds examples."""
    if output_format not in OUTPUTS:
        raise fail(f"unknown format '{output_format}'; choose one of {', '.join(OUTPUTS)}")
    text = _query_text(sparql, file)
    from ..rdf.query import QueryError, run, to_csv, to_json, to_table

    if data is not None:
        from ..rdf.load import LoadError, read_rdf
        from .common import load_config

        config = load_config(path)
        iri = resolve_base_iri(base_iri, config)
        try:
            with _progress(True, f"reading {data}"):
                graph = read_rdf(data)
        except LoadError as err:
            raise fail(str(err)) from None
        base = None
    else:
        from ..rdf.export import export, to_rdflib

        base, config = open_base(path)
        iri = resolve_base_iri(base_iri, config)
        with _progress(True, f"loading {len(base.notes):,} notes into the triple store"):
            graph = to_rdflib(export(base, iri))
    bindings = _bindings(bind, base, iri)
    try:
        answer = run(graph, text, iri, bindings)
    except QueryError as err:
        where = f"{file}: " if file is not None else ""
        raise fail(where + str(err)) from None
    if answer.kind == "graph":
        sys.stdout.write(answer.graph.serialize(format="turtle"))
        return
    if output_format == "csv":
        sys.stdout.write(to_csv(answer))
    elif output_format == "json":
        sys.stdout.write(to_json(answer))
    else:
        console().print(to_table(answer, iri))


def _query_text(sparql: str | None, file: Path | None) -> str:
    if (sparql is None) == (file is None):
        raise fail("give the query as an argument or with --file, not both" if sparql else "no query: give SPARQL text or --file q.rq")
    if file is None:
        return sparql  # type: ignore[return-value]
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise fail(f"{file}: cannot be read: {err}") from None


def _bindings(pairs: list[str], base, base_iri: str) -> dict:
    from rdflib import URIRef, Variable

    from ..rdf.export import note_iris
    from ..rdf.vocab import name_iri

    found = {}
    iris = note_iris(base, base_iri) if base is not None else None
    for pair in pairs:
        var, eq, name = pair.partition("=")
        var = var.strip().lstrip("?$")
        if not eq or not var or not name.strip():
            raise fail(f"--bind {pair!r}: expected VAR=NOTE, e.g. --bind claim='the alignment tax is negative'")
        if base is not None:
            from .common import find_note

            found[Variable(var)] = URIRef(iris[find_note(base, name)])  # type: ignore[index]
        else:
            found[Variable(var)] = URIRef(name_iri(base_iri, name.strip()))
    return found


def register(app: typer.Typer) -> None:
    app.command("query")(query)
