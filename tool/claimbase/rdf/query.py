"""SPARQL over an exported graph, and the three ways of showing the answer (table, CSV, JSON).

The prefixes of `vocab.PREFIXES` (and `note:` for the base's notes) are declared for every query,
so a query may use `mp:Claim` or `cb:status` without its own PREFIX lines.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import vocab as v

if TYPE_CHECKING:  # pragma: no cover
    import rdflib


class QueryError(Exception):
    """The query cannot be parsed or run; the message says where (line and column) and why."""


@dataclass
class Answer:
    """A query's answer: `kind` is select, ask or graph.  Rows hold rdflib terms (or None for an
    unbound variable); `boolean` is the answer of an ASK; `graph` the result of CONSTRUCT/DESCRIBE."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Any = None


def namespaces(base_iri: str) -> dict[str, str]:
    found = dict(v.PREFIXES)
    found["note"] = base_iri + "note/"
    return found


def run(graph: "rdflib.Graph", text: str, base_iri: str = v.DEFAULT_BASE_IRI, bindings: dict[str, Any] | None = None) -> Answer:
    """Parse and evaluate `text` on `graph`; raises QueryError with the position of a syntax error."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    ns = namespaces(base_iri)
    try:
        prepared = prepareQuery(text, initNs=ns)
    except ParseBaseException as err:
        if not text[err.loc:].strip():
            raise QueryError(f"SPARQL syntax error: the query ends too early (line {err.lineno}, column {err.col}); "
                             "is a '}' or a closing parenthesis missing?") from None
        raise QueryError(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {_parse_message(err)}\n"
                         f"  {err.line}\n  {' ' * (err.col - 1)}^") from None
    except Exception as err:  # noqa: BLE001 - rdflib raises bare Exception for unknown prefixes
        raise QueryError(_algebra_message(text, err)) from None
    try:
        result = graph.query(prepared, initBindings=bindings or {})
    except Exception as err:  # noqa: BLE001 - an evaluation error is the user's query, not a crash
        raise QueryError(f"the query failed while running: {type(err).__name__}: {err}") from None
    if result.type == "ASK":
        return Answer("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Answer("graph", graph=result.graph)
    variables = [str(x) for x in (result.vars or [])]
    return Answer("select", variables, [list(row) for row in result])


def _parse_message(err: Any) -> str:
    message = str(getattr(err, "msg", "") or err)
    return re.sub(r"\s*\(at char \d+\).*", "", message)


def _algebra_message(text: str, err: Exception) -> str:
    message = str(err)
    m = re.match(r"Unknown namespace prefix : (\S+)", message)
    if m:
        prefix = m.group(1)
        hit = re.search(rf"(?<![\w:]){re.escape(prefix)}:", text)
        if hit:
            line = text.count("\n", 0, hit.start()) + 1
            col = hit.start() - (text.rfind("\n", 0, hit.start()) + 1) + 1
            return f"unknown prefix '{prefix}:' at line {line}, column {col}; declare it with PREFIX {prefix}: <...>"
        return f"unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <...>"
    return f"the query is not valid SPARQL: {message}"


# -- showing answers -------------------------------------------------------------------------------
def _plain(term: Any, shorten: Any = None) -> str:
    """A term as text: literals by their lexical form, IRIs shortened to prefixed names where
    `shorten` is given, and note IRIs decoded back to the note's name."""
    if term is None:
        return ""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, URIRef) and shorten is not None:
        return shorten(str(term))
    return str(term)


def shortener(base_iri: str):
    """IRI -> a readable form: a note's name in brackets, or a prefixed name."""
    ns = sorted(namespaces(base_iri).items(), key=lambda kv: -len(kv[1]))
    note_prefix = base_iri + "note/"
    path_prefix = base_iri + "path/"

    def shorten(iri: str) -> str:
        if iri.startswith(note_prefix):
            return "[[" + v.decode(iri[len(note_prefix):]) + "]]"
        if iri.startswith(path_prefix):
            return "[[" + v.decode(iri[len(path_prefix):]) + "]]"
        for prefix, base in ns:
            if iri.startswith(base) and iri != base:
                return f"{prefix}:{iri[len(base):]}"
        return iri

    return shorten


def to_csv(answer: Answer) -> str:
    """CSV as in the SPARQL 1.1 results CSV format: a header of variable names, lexical values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if answer.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if answer.boolean else "false"])
    else:
        writer.writerow(answer.variables)
        for row in answer.rows:
            writer.writerow([_plain(t) for t in row])
    return buffer.getvalue()


def to_json(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results JSON format."""
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(answer.boolean)}, indent=2) + "\n"
    from rdflib import BNode, Literal

    bindings = []
    for row in answer.rows:
        item: dict[str, Any] = {}
        for name, term in zip(answer.variables, row):
            if term is None:
                continue
            if isinstance(term, Literal):
                entry: dict[str, Any] = {"type": "literal", "value": str(term)}
                if term.language:
                    entry["xml:lang"] = term.language
                elif term.datatype is not None:
                    entry["datatype"] = str(term.datatype)
            elif isinstance(term, BNode):
                entry = {"type": "bnode", "value": str(term)}
            else:
                entry = {"type": "uri", "value": str(term)}
            item[name] = entry
        bindings.append(item)
    payload = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def to_table(answer: Answer, base_iri: str):
    """A rich Table (or, for ASK, a one-cell table) with IRIs shortened for reading."""
    from rich.table import Table
    from rich.text import Text

    shorten = shortener(base_iri)
    if answer.kind == "ask":
        table = Table("answer")
        table.add_row("yes" if answer.boolean else "no")
        return table
    table = Table(*answer.variables, caption=f"{len(answer.rows)} row{'s' if len(answer.rows) != 1 else ''}")
    for row in answer.rows:
        table.add_row(*(Text(_plain(t, shorten)) for t in row))  # Text: no markup in values
    return table
