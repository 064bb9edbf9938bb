"""Reading an export back: RDF (Turtle, N-Triples, JSON-LD) -> the notes, typed edges and statuses.

This is the other half of the round trip (export, re-import, compare): `summary(base)` gives the
same structure straight from a base, so the two can be compared with `==`.  It is also what
`claims query --data FILE` loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import vocab as v

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

    from ..base import ClaimBase

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml"}


class LoadError(Exception):
    """An RDF file cannot be read; the message names the file and, where known, the line."""


@dataclass(frozen=True)
class NoteSummary:
    """What the round trip must preserve about one note."""

    name: str
    type: str | None
    status: str
    pro: float | None
    con: float | None
    strength: float


@dataclass
class GraphSummary:
    """Notes by path; typed edges as (source path, target path, kind), as a set (RDF has no
    duplicate triples, so two links of one kind between two notes are one edge here)."""

    notes: dict[str, NoteSummary] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)


def summary(base: "ClaimBase") -> GraphSummary:
    """The round-trip view of a base, computed directly."""
    labels = base.labels
    out = GraphSummary()
    for i, note in enumerate(base.notes):
        out.notes[note.path] = NoteSummary(
            note.name,
            note.type,
            labels.status[i],
            labels.pro[i] if note.arguable else None,
            labels.con[i] if note.arguable else None,
            labels.strength[i],
        )
    for edge in base.graph.edges:
        out.edges.add((base.notes[edge.src].path, base.notes[edge.dst].path, edge.kind))
    return out


def read_rdf(path: Path, rdf_format: str | None = None) -> "rdflib.Graph":
    """Parse an RDF file into an rdflib Graph; the format comes from the extension by default."""
    import rdflib

    fmt = rdf_format or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: cannot tell the RDF format from the extension; use .ttl, .nt or .jsonld")
    graph = rdflib.Graph()
    try:
        graph.parse(str(path), format=fmt)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except OSError as err:
        raise LoadError(f"{path}: cannot be read: {err.strerror or err}") from None
    except Exception as err:  # noqa: BLE001 - rdflib's parsers raise many kinds; the user gets one line
        raise LoadError(f"{path}: not valid {fmt}: {_first_line(err)}") from None
    return graph


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def summary_of_rdf(graph: "rdflib.Graph") -> GraphSummary:
    """The round-trip view of an exported graph."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib import Literal as RdfLiteral

    cb = v.CB
    paths: dict[URIRef, str] = {}
    out = GraphSummary()

    def value(node: URIRef, predicate: str) -> object:
        found = graph.value(node, URIRef(predicate))
        return found.toPython() if isinstance(found, RdfLiteral) else found

    for node in graph.subjects(RDF.type, URIRef(v.NOTE)):
        path = value(node, cb + "path")
        if not isinstance(path, str):
            continue
        paths[node] = path  # type: ignore[index]
        status_term = graph.value(node, URIRef(cb + "status"))
        note_type = value(node, cb + "noteType")
        pro = value(node, cb + "proWeight")
        con = value(node, cb + "conWeight")
        out.notes[path] = NoteSummary(
            str(graph.value(node, RDFS.label)),
            note_type if isinstance(note_type, str) else None,
            v.STATUS_BY_TERM.get(str(status_term), str(status_term)),
            float(pro) if pro is not None else None,  # type: ignore[arg-type]
            float(con) if con is not None else None,  # type: ignore[arg-type]
            float(value(node, cb + "strength") or 0.0),  # type: ignore[arg-type]
        )
    for predicate, kind in v.EDGE_KINDS_BY_PREDICATE.items():
        for s, o in graph.subject_objects(URIRef(predicate)):
            if s in paths and o in paths:
                out.edges.add((paths[s], paths[o], kind))
    return out
