"""Writing an `Export` as Turtle, N-Triples or JSON-LD, directly.

rdflib's Turtle serializer sorts and indexes the whole graph first and takes tens of seconds on a
10,000-note base; the export already arrives grouped by subject, so writing it is one pass of
string formatting.  The output is checked by reading it back with rdflib (tests/rdf).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import vocab as v
from .export import Blank, Export, Literal, Term

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# A prefixed name's local part we can write as is (a subset of Turtle's PN_LOCAL).
_LOCAL = re.compile(r"^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:(?:[A-Za-z0-9_.\-]|%[0-9A-Fa-f]{2})*(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2}))?$")
_SHORT = {v.XSD + "boolean", v.XSD + "integer", v.XSD + "decimal"}
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def string(text: str) -> str:
    """A Turtle / N-Triples string literal (double quotes, one line)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def iriref(iri: str) -> str:
    return "<" + _IRI_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri) + ">"


class _Names:
    """Shortens IRIs to prefixed names where the local part allows it."""

    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so that `note:` wins over a shorter base IRI prefix
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        hit = self.cache.get(iri)
        if hit is None:
            hit = iriref(iri)
            for prefix, ns in self.prefixes:
                if iri.startswith(ns):
                    local = iri[len(ns):]
                    if local == "" or _LOCAL.match(local):
                        hit = f"{prefix}:{local}"
                    break
            self.cache[iri] = hit
        return hit


def prefixes_for(data: Export) -> dict[str, str]:
    names = dict(v.PREFIXES)
    names["note"] = data.base_iri + "note/"
    return names


def turtle_chunks(data: Export) -> Iterator[str]:
    """The export as Turtle, in chunks (one per subject)."""
    prefixes = prefixes_for(data)
    name = _Names(prefixes)
    yield "".join(f"@prefix {p}: {iriref(ns)} .\n" for p, ns in prefixes.items()) + "\n"

    def term(t: Term) -> str:
        if isinstance(t, str):
            return name(t)
        if isinstance(t, Blank):
            return "_:" + t.id
        if t.datatype is None:
            return string(t.value)
        if t.datatype in _SHORT:
            if t.datatype == v.XSD + "boolean" and t.value in ("true", "false"):
                return t.value
            if t.datatype == v.XSD + "decimal" and _DECIMAL.match(t.value):
                return t.value
            if t.datatype == v.XSD + "integer" and _INTEGER.match(t.value):
                return t.value
        return f"{string(t.value)}^^{name(t.datatype)}"

    for subject, pairs in data.blocks:
        if not pairs:
            continue
        lines: list[str] = []
        current = None
        objects: list[str] = []
        for predicate, obj in pairs:
            if predicate != current:
                if current is not None:
                    lines.append(_pred(current, name) + " " + ", ".join(objects))
                current, objects = predicate, []
            objects.append(term(obj))
        lines.append(_pred(current, name) + " " + ", ".join(objects))  # type: ignore[arg-type]
        yield term(subject) + " " + " ;\n    ".join(lines) + " .\n\n"


def _pred(predicate: str, name: _Names) -> str:
    return "a" if predicate == v.TYPE else name(predicate)


def ntriples_chunks(data: Export) -> Iterator[str]:
    """The export as N-Triples, in chunks (one per subject)."""

    def term(t: Term) -> str:
        if isinstance(t, str):
            return iriref(t)
        if isinstance(t, Blank):
            return "_:" + t.id
        if t.datatype is None:
            return string(t.value)
        return f"{string(t.value)}^^{iriref(t.datatype)}"

    for subject, pairs in data.blocks:
        s = term(subject)
        yield "".join(f"{s} {iriref(p)} {term(o)} .\n" for p, o in pairs)


def to_turtle(data: Export) -> str:
    return "".join(turtle_chunks(data))


def to_ntriples(data: Export) -> str:
    return "".join(ntriples_chunks(data))


def to_jsonld(data: Export) -> str:
    """The export as JSON-LD: one node object per subject, properties as prefixed names declared
    in the context, values with their exact lexical form and datatype.

    Written directly because rdflib's JSON-LD serializer, given a context, drops literals whose
    value is falsy (an integer 0 disappears)."""
    import json

    prefixes = prefixes_for(data)
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def compact(iri: str) -> str:
        for prefix, ns in ordered:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def node_id(t: str | Blank) -> str:
        return "_:" + t.id if isinstance(t, Blank) else t

    nodes = []
    for subject, pairs in data.blocks:
        item: dict[str, object] = {"@id": node_id(subject)}
        for predicate, obj in pairs:
            if predicate == v.TYPE and isinstance(obj, str):
                item.setdefault("@type", []).append(compact(obj))  # type: ignore[union-attr]
                continue
            if isinstance(obj, Literal):
                value: dict[str, str] = {"@value": obj.value}
                if obj.datatype is not None:
                    value["@type"] = compact(obj.datatype)
            else:
                value = {"@id": node_id(obj)}
            item.setdefault(compact(predicate), []).append(value)  # type: ignore[union-attr]
        nodes.append(item)
    document = {"@context": prefixes, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
