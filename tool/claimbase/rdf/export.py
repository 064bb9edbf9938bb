"""The labelled graph of a base as RDF triples in published vocabularies (see `vocab.py`).

`export(base, base_iri)` walks the notes once and returns the triples grouped by subject, as plain
Python values (`str` for an IRI, `Literal`, `Blank`); `turtle.py` writes them as Turtle or
N-Triples without rdflib (fast, streaming), and `to_rdflib()` below builds an rdflib `Graph` for
SPARQL and JSON-LD.  Nothing is parsed again: the triples come from the same notes, graph and
labelling the linter uses.

What is exported, per note (the full mapping is in `schema/README.md`):

* identity: `a cb:Note` plus the published class of its type, `rdfs:label` (the name),
  `cb:path`, `cb:noteType`, `cb:digest` (the content hash of the file);
* declared frontmatter: description, created date, domains, confidence, source bibliography,
  aliases (`skos:altLabel`, and `dcterms:replaces` the IRI the alias would have: a declared rename);
* the computed labelling: `cb:status`, `cb:state`, `cb:strength`, and for claims `cb:proWeight`,
  `cb:conWeight`, `cb:proofStandard`, `cb:meetsProofStandard`;
* every resolved link as a typed edge, and the challenges one step up an argument as
  `mp:indirectlyChallenges`;
* every argument as a SEPIO evidence line (direction, kind, weight, the notes it rests on);
* for evidence written by a run (`run:` mapping): the run as a `prov:Activity`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from .. import __version__, names
from ..model import CHALLENGES, GENERATED_BY, MENTIONS
from ..semantics import IN, NO_SOURCE, PRO as SIGN_PRO, UNDECIDED
from . import vocab as v

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

    from ..base import ClaimBase


@dataclass(frozen=True, slots=True)
class Literal:
    """An RDF literal: its lexical form and a datatype IRI (None for a plain string)."""

    value: str
    datatype: str | None = None


@dataclass(frozen=True, slots=True)
class Blank:
    """A blank node, labelled uniquely within one export."""

    id: str


Term = Union[str, Literal, Blank]
Subject = Union[str, Blank]


@dataclass
class Export:
    """Triples grouped by subject, in a stable order (notes in base order, then their parts)."""

    base_iri: str
    iris: list[str]
    blocks: list[tuple[Subject, list[tuple[str, Term]]]] = field(default_factory=list)

    def triples(self) -> Iterator[tuple[Subject, str, Term]]:
        for subject, pairs in self.blocks:
            for predicate, obj in pairs:
                yield subject, predicate, obj

    def __len__(self) -> int:
        return sum(len(pairs) for _, pairs in self.blocks)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def note_iris(base: "ClaimBase", base_iri: str) -> list[str]:
    """One IRI per note: from its name, or from its path where several notes share the name
    (links to such a name are ambiguous, so the name identifies nothing)."""
    counts: dict[str, int] = {}
    for note in base.notes:
        k = names.key(note.name)
        counts[k] = counts.get(k, 0) + 1
    return [
        v.name_iri(base_iri, note.name) if counts[names.key(note.name)] == 1 else v.path_iri(base_iri, note.path)
        for note in base.notes
    ]


def export(base: "ClaimBase", base_iri: str = v.DEFAULT_BASE_IRI, arguments: bool = True) -> Export:
    """The base as triples.  `arguments=False` leaves out the evidence lines (smaller output)."""
    iris = note_iris(base, base_iri)
    out = Export(base_iri, iris)
    builder = _Builder(base, iris, out)
    for i in range(len(base.notes)):
        builder.note(i, arguments)
    return out


class _Builder:
    def __init__(self, base: "ClaimBase", iris: list[str], out: Export):
        self.base = base
        self.iris = iris
        self.out = out
        self.blank_count = 0
        self.agents: dict[str, list[tuple[str, Term]]] = {}
        self.runs: dict[str, list[tuple[str, Term]]] = {}
        self.supported_by_source = self._supported_by_source()

    def blank(self) -> Blank:
        self.blank_count += 1
        return Blank(f"b{self.blank_count}")

    def _supported_by_source(self) -> dict[int, list[int]]:
        """For each note, the claims it lends a pro argument to (for mp:indirectlyChallenges)."""
        feeds: dict[int, list[int]] = {}
        for arg in self.base.labels.arguments:
            if arg.sign == SIGN_PRO:
                for s in arg.sources:
                    if s != NO_SOURCE:
                        feeds.setdefault(s, []).append(arg.target)
        return feeds

    # -- one note ---------------------------------------------------------------------------------
    def note(self, i: int, arguments: bool) -> None:
        base = self.base
        note = base.notes[i]
        labels = base.labels
        iri = self.iris[i]
        pairs: list[tuple[str, Term]] = [(v.TYPE, v.NOTE)]
        extra: list[tuple[Subject, list[tuple[str, Term]]]] = []
        for cls in v.TYPE_CLASSES.get(note.type or "", ()):
            pairs.append((v.TYPE, cls))
        pairs.append((v.LABEL, Literal(note.name)))
        pairs.append((v.CB + "path", Literal(note.path)))
        if note.type:
            pairs.append((v.CB + "noteType", Literal(note.type)))
        if note.digest:
            pairs.append((v.CB + "digest", Literal(note.digest)))
        if note.title and note.title != note.name:
            pairs.append((v.DCT + "title", Literal(note.title)))
        meta = note.meta
        _text(pairs, v.DCT + "description", meta.get("description"))
        created = meta.get("created")
        if isinstance(created, str) and _valid_date(created):
            pairs.append((v.DCT + "created", Literal(created, v.XSD + "date")))
        _text(pairs, v.DCT + "subject", meta.get("domain"))
        for domain in _strings(meta.get("secondary_domains")):
            pairs.append((v.DCT + "subject", Literal(domain)))
        for alias in _strings(meta.get("aliases")):
            pairs.append((v.SKOS + "altLabel", Literal(alias)))
            alias_iri = v.name_iri(self.out.base_iri, alias)
            if alias_iri != iri:
                pairs.append((v.DCT + "replaces", alias_iri))

        # the computed labelling
        status = labels.status[i]
        pairs.append((v.CB + "status", v.STATUS_TERMS[status]))
        state = labels.state[i]
        pairs.append((v.CB + "state", Literal("in" if state == IN else "undecided" if state == UNDECIDED else "out")))
        pairs.append((v.CB + "strength", _number(labels.strength[i])))
        if note.arguable:
            pairs.append((v.CB + "proWeight", _number(labels.pro[i])))
            pairs.append((v.CB + "conWeight", _number(labels.con[i])))
            confidence = note.confidence
            if confidence:
                pairs.append((v.CB + "confidence", v.CONFIDENCE_TERMS[confidence]))
                pairs.append((v.CB + "proofStandard", v.PROOF_STANDARDS[confidence]))
            pairs.append((v.CB + "meetsProofStandard", _boolean(labels.meets_standard(i, confidence))))

        if note.type == "source":
            self._source(meta, pairs)
        elif note.type == "evidence":
            self._evidence(i, meta, pairs, extra)

        # typed edges written from this note (as source of the edge)
        graph = base.graph
        for e in graph.out_edges[i]:
            edge = graph.edges[e]
            predicate = v.EDGE_PREDICATES[edge.kind]
            if edge.kind == MENTIONS and edge.link.field == "verdicts":
                predicate = v.INCONCLUSIVE
            pairs.append((predicate, self.iris[edge.dst]))
            if edge.kind == CHALLENGES:
                for claim in self.supported_by_source.get(edge.dst, ()):
                    if claim != i:
                        pairs.append((v.INDIRECTLY_CHALLENGES, self.iris[claim]))

        if arguments and note.arguable:
            for a in labels.by_target[i]:
                arg = labels.arguments[a]
                line = self.blank()
                pairs.append((v.HAS_EVIDENCE_LINE, line))
                parts: list[tuple[str, Term]] = [
                    (v.TYPE, v.CB + "Argument"),
                    (v.CB + "direction", v.PRO if arg.sign == SIGN_PRO else v.CON),
                    (v.CB + "argumentKind", Literal(arg.kind)),
                    (v.CB + "weight", _number(arg.value or 0.0)),
                ]
                for s in arg.sources:
                    if s == NO_SOURCE:
                        parts.append((v.CB + "restsOnMissing", _boolean(True)))
                    else:
                        parts.append((v.HAS_EVIDENCE_ITEM, self.iris[s]))
                if arg.circular:
                    parts.append((v.CB + "circular", _boolean(True)))
                if arg.value is None:
                    parts.append((v.CB + "undecided", _boolean(True)))
                extra.append((line, parts))
        self.out.blocks.append((iri, list(dict.fromkeys(pairs))))  # a set of triples: no repeats
        self.out.blocks.extend(extra)

    def _source(self, meta: dict[str, Any], pairs: list[tuple[str, Term]]) -> None:
        authors = meta.get("authors")
        for author in _strings(authors):
            pairs.append((v.DCT + "creator", Literal(author)))
        year = meta.get("year")
        if isinstance(year, int) and not isinstance(year, bool) and 1000 <= year <= 9999:
            pairs.append((v.DCT + "issued", Literal(str(year), v.XSD + "gYear")))
        url = meta.get("url")
        if isinstance(url, str) and re.match(r"^https?://[^\s<>\"{}|\\^`]+$", url):
            pairs.append((v.RDFS + "seeAlso", url))
        doi = meta.get("doi")
        if isinstance(doi, str) and doi.strip():
            pairs.append((v.DCT + "identifier", Literal("doi:" + doi.strip().removeprefix("doi:"))))
        _text(pairs, v.DCT + "bibliographicCitation", meta.get("venue"))
        if meta.get("retracted") is True:
            pairs.append((v.CB + "retracted", _boolean(True)))

    def _evidence(self, i: int, meta: dict[str, Any], pairs: list[tuple[str, Term]], extra: list) -> None:
        status = meta.get("status")
        if isinstance(status, str) and status.strip():
            pairs.append((v.CB + "evidenceStatus", Literal(status.strip())))
        if meta.get("smoke") is True:
            pairs.append((v.CB + "smoke", _boolean(True)))
        weight = meta.get("weight")
        if isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight >= 0:
            pairs.append((v.CB + "declaredWeight", _number(float(weight))))
        metrics = meta.get("metrics")
        if isinstance(metrics, dict):
            for name, value in metrics.items():
                node = self.blank()
                parts = _metric(str(name), value)
                if parts:
                    pairs.append((v.CB + "metric", node))
                    extra.append((node, parts))
        run = meta.get("run")
        if isinstance(run, dict):
            self._run(i, run, pairs, extra)

    def _run(self, i: int, run: dict[str, Any], pairs: list[tuple[str, Term]], extra: list) -> None:
        """The run that wrote this evidence, as a prov:Activity (see schema/README.md for keys)."""
        base_iri = self.out.base_iri
        key = _first(run, "key", "id", "run_key")
        run_iri = f"{base_iri}run/{v.encode(str(key) if key is not None else self.base.notes[i].path)}"
        pairs.append((v.PROV + "wasGeneratedBy", run_iri))
        if run_iri in self.runs:
            return  # several evidence notes from one run: the activity is described once
        parts: list[tuple[str, Term]] = [(v.TYPE, v.PROV + "Activity")]
        if key is not None:
            parts.append((v.CB + "runKey", Literal(str(key))))
        for keys, predicate in (
            (("started", "started_at", "start", "startedAtTime", "begin"), "startedAtTime"),
            (("ended", "ended_at", "end", "finished", "finished_at", "endedAtTime"), "endedAtTime"),
        ):
            stamp = _datetime(_first(run, *keys))
            if stamp:
                parts.append((v.PROV + predicate, Literal(stamp, v.XSD + "dateTime")))
        for name in ("profile", "host", "executor", "device"):
            if isinstance(run.get(name), (str, int, float)) and not isinstance(run.get(name), bool):
                parts.append((v.CB + name, Literal(str(run[name]))))
        seeds = run.get("seeds", run.get("seed"))
        for seed in seeds if isinstance(seeds, list) else [seeds]:
            if isinstance(seed, int) and not isinstance(seed, bool):
                parts.append((v.CB + "seed", Literal(str(seed), v.XSD + "integer")))
        tool = run.get("tool") if isinstance(run.get("tool"), str) else "claimbase"
        version = _first(run, "version", "tool_version", "claimbase")
        version = str(version) if isinstance(version, (str, int, float)) else __version__
        agent = f"{base_iri}agent/{v.encode(tool)}/{v.encode(version)}"
        parts.append((v.PROV + "wasAssociatedWith", agent))
        if agent not in self.agents:
            self.agents[agent] = [(v.TYPE, v.PROV + "SoftwareAgent"), (v.LABEL, Literal(f"{tool} {version}"))]
            extra.append((agent, self.agents[agent]))
        experiments = [self.iris[self.base.graph.edges[e].dst] for e in self.base.graph.out_edges[i]
                       if self.base.graph.edges[e].kind == GENERATED_BY]
        for experiment in experiments:
            association = self.blank()
            parts.append((v.PROV + "qualifiedAssociation", association))
            extra.append((association, [(v.TYPE, v.PROV + "Association"), (v.PROV + "agent", agent),
                                        (v.PROV + "hadPlan", experiment)]))
        for field_name in ("inputs", "used", "code", "digests"):
            used = run.get(field_name)
            items = used.items() if isinstance(used, dict) else ((None, d) for d in used) if isinstance(used, list) else ()
            for name, value in items:
                digest = value.get("digest") if isinstance(value, dict) else value
                if not isinstance(digest, str):
                    continue
                entity = self.blank()
                parts.append((v.PROV + "used", entity))
                entity_parts: list[tuple[str, Term]] = [(v.TYPE, v.PROV + "Entity"), (v.CB + "digest", Literal(digest))]
                if name is not None:
                    entity_parts.append((v.LABEL, Literal(str(name))))
                entity_parts.append((v.CB + "role", Literal(field_name)))
                extra.append((entity, entity_parts))
        self.runs[run_iri] = parts
        extra.append((run_iri, parts))


# -- values -----------------------------------------------------------------------------------------
def _text(pairs: list[tuple[str, Term]], predicate: str, value: Any) -> None:
    if isinstance(value, str) and value.strip():
        pairs.append((predicate, Literal(value.strip())))


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [x.strip() for x in items if isinstance(x, str) and x.strip()]


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _number(x: float) -> Literal:
    """A weight as xsd:decimal (xsd:double where a decimal cannot spell it)."""
    text = repr(float(x))
    if "e" in text or "n" in text:  # exponent, inf, nan
        return Literal(text.replace("inf", "INF").replace("nan", "NaN"), v.XSD + "double")
    return Literal(text, v.XSD + "decimal")


def _boolean(flag: bool) -> Literal:
    return Literal("true" if flag else "false", v.XSD + "boolean")


def _first(mapping: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if mapping.get(k) is not None:
            return mapping[k]
    return None


def _datetime(value: Any) -> str | None:
    """An ISO timestamp as xsd:dateTime's lexical form, or None if it is not one."""
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.isoformat()


_LOW = ("low", "lo", "ci_low", "lower")
_HIGH = ("high", "hi", "ci_high", "upper")
_VALUE = ("value", "mean", "estimate", "point", "median")


def _metric(name: str, value: Any) -> list[tuple[str, Term]]:
    """A metric value with its interval, when it is a number or a mapping holding numbers."""

    def num(x: Any) -> Literal | None:
        return _number(float(x)) if isinstance(x, (int, float)) and not isinstance(x, bool) else None

    parts: list[tuple[str, Term]] = [(v.TYPE, v.CB + "Metric"), (v.LABEL, Literal(name))]
    if num(value) is not None:
        parts.append((v.PROV + "value", num(value)))  # type: ignore[arg-type]
        return parts
    if not isinstance(value, dict):
        return []
    for keys, predicate in ((_VALUE, v.PROV + "value"), (_LOW, v.CB + "low"), (_HIGH, v.CB + "high")):
        found = num(_first(value, *keys))
        if found is not None:
            parts.append((predicate, found))
    ci = value.get("ci")
    if isinstance(ci, list) and len(ci) == 2 and all(num(x) is not None for x in ci):
        parts.append((v.CB + "low", num(ci[0])))  # type: ignore[arg-type]
        parts.append((v.CB + "high", num(ci[1])))  # type: ignore[arg-type]
    return parts if len(parts) > 2 else []


# -- rdflib -------------------------------------------------------------------------------------------
def to_rdflib(data: Export) -> "rdflib.Graph":
    """The export as an rdflib Graph (in-memory store), with the usual prefixes bound."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, ns in v.PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("note", data.base_iri + "note/", override=True)
    iris: dict[str, rdflib.URIRef] = {}
    blanks: dict[str, rdflib.BNode] = {}
    types: dict[str | None, rdflib.URIRef | None] = {None: None}

    def term(t: Term):
        if isinstance(t, str):
            ref = iris.get(t)
            if ref is None:
                ref = iris[t] = rdflib.URIRef(t)
            return ref
        if isinstance(t, Blank):
            node = blanks.get(t.id)
            if node is None:
                node = blanks[t.id] = rdflib.BNode()
            return node
        dt = types.get(t.datatype)
        if dt is None and t.datatype is not None:
            dt = types[t.datatype] = rdflib.URIRef(t.datatype)
        return rdflib.Literal(t.value, datatype=dt)

    store_add = graph.store.add
    for subject, predicate, obj in data.triples():
        store_add((term(subject), term(predicate), term(obj)), graph)
    return graph
