"""The labelled graph in the two non-RDF formats: GraphML (for Gephi, yEd, networkx) and a plain
JSON document (for scripts and notebooks).  Both carry the same IRIs as the RDF export, so rows
from one can be joined with the other."""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any

from ..semantics import IN, NO_SOURCE, PRO, UNDECIDED
from .export import note_iris

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase

JSON_FORMAT_VERSION = 1


def _state(code: int) -> str:
    return "in" if code == IN else "undecided" if code == UNDECIDED else "out"


def _node_attrs(base: "ClaimBase", i: int, iri: str) -> dict[str, Any]:
    note = base.notes[i]
    labels = base.labels
    attrs: dict[str, Any] = {
        "iri": iri,
        "name": note.name,
        "path": note.path,
        "type": note.type or "",
        "title": note.title or note.name,
        "status": labels.status[i],
        "state": _state(labels.state[i]),
        "strength": labels.strength[i],
    }
    if note.arguable:
        attrs["pro"] = labels.pro[i]
        attrs["con"] = labels.con[i]
        attrs["confidence"] = note.confidence or ""
        attrs["meets_standard"] = labels.meets_standard(i, note.confidence)
    return attrs


def to_json(base: "ClaimBase", base_iri: str) -> str:
    """Notes (with declared frontmatter and computed labels), typed edges, arguments and
    unresolved links, as one JSON document (format described in docs/linked-data.md)."""
    iris = note_iris(base, base_iri)
    labels = base.labels
    notes = []
    for i, note in enumerate(base.notes):
        item = _node_attrs(base, i, iris[i])
        item["frontmatter"] = _jsonable(note.meta)
        notes.append(item)
    edges = [
        {
            "source": iris[e.src],
            "target": iris[e.dst],
            "kind": e.kind,
            "field": e.link.field,
            "written_in": base.notes[e.owner].path,
            "line": e.link.line,
        }
        for e in base.graph.edges
    ]
    arguments = [
        {
            "target": iris[a.target],
            "direction": "pro" if a.sign == PRO else "con",
            "kind": a.kind,
            "sources": [None if s == NO_SOURCE else iris[s] for s in a.sources],
            "weight": a.value,
            "circular": a.circular,
        }
        for a in labels.arguments
    ]
    unresolved = [
        {"in": base.notes[u.owner].path, "target": u.link.target, "line": u.link.line, "reason": u.reason}
        for u in base.graph.unresolved
    ]
    document = {
        "format": "claimbase-graph",
        "version": JSON_FORMAT_VERSION,
        "base_iri": base_iri,
        "notes": notes,
        "edges": edges,
        "arguments": arguments,
        "unresolved": unresolved,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(x) for k, x in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(x) for x in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_graphml(base: "ClaimBase", base_iri: str) -> str:
    """GraphML: one node per note (keyed by path) with its labels, one edge per typed link."""
    import networkx as nx

    iris = note_iris(base, base_iri)
    g = nx.MultiDiGraph()
    for i, note in enumerate(base.notes):
        g.add_node(note.path, **_node_attrs(base, i, iris[i]))
    for e in base.graph.edges:
        g.add_edge(
            base.notes[e.src].path,
            base.notes[e.dst].path,
            kind=e.kind,
            field=e.link.field or "",
            line=e.link.line,
            written_in=base.notes[e.owner].path,
        )
    return "\n".join(nx.generate_graphml(g)) + "\n"
