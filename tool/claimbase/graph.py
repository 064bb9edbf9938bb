"""The typed graph of a claim base: every note a node, every resolved link a typed edge.

The graph is held as plain lists (node = index into `notes`), which is what the semantics and the
rules iterate over; `to_networkx()` gives the same graph as a networkx `MultiDiGraph` for export,
the site and ad-hoc analysis.  (Importing networkx alone costs ~0.25 s, half the budget of a warm
`claims lint`, so the lint path does not touch it.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from . import names
from .model import DEPENDS_ON, Link, Note

if TYPE_CHECKING:  # pragma: no cover
    import networkx


class Edge(NamedTuple):
    src: int
    dst: int
    kind: str
    link: Link
    owner: int  # the note in which the link is written


@dataclass(slots=True)
class Unresolved:
    owner: int
    link: Link
    reason: str  # "missing" | "outside" | "ambiguous" | "heading"
    candidates: tuple[int, ...] = ()


@dataclass
class Graph:
    notes: list[Note]
    edges: list[Edge] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    by_path: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    by_alias: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.out_edges: list[list[int]] = [[] for _ in self.notes]
        self.in_edges: list[list[int]] = [[] for _ in self.notes]

    # -- lookup ---------------------------------------------------------------------------------
    def find(self, name_or_path: str) -> list[int]:
        """Notes a user-typed name or base-relative path refers to (several if ambiguous)."""
        target, _, _ = names.split_target(name_or_path.strip().strip("[]"))
        hit = self._lookup(target)
        return list(hit) if isinstance(hit, (list, tuple)) else []

    def _lookup(self, target: str) -> list[int] | str:
        """Indices the target resolves to, or a reason string when it cannot resolve."""
        if "/" in target or "\\" in target:
            rel = names.safe_relpath(target)
            if rel is None:
                return "outside"
            idx = self.by_path.get(names.key(rel))
            if idx is not None:
                return [idx]
            return "missing"
        k = names.key(target)
        hits = self.by_name.get(k) or self.by_alias.get(k)
        if not hits:
            idx = self.by_path.get(k)
            return [idx] if idx is not None else "missing"
        return hits

    def neighbours(self, node: int, kinds: frozenset[str] | None = None) -> list[tuple[int, str, str]]:
        """(other node, kind, 'out'|'in') for every edge touching `node`."""
        found = []
        for e in self.out_edges[node]:
            edge = self.edges[e]
            if kinds is None or edge.kind in kinds:
                found.append((edge.dst, edge.kind, "out"))
        for e in self.in_edges[node]:
            edge = self.edges[e]
            if kinds is None or edge.kind in kinds:
                found.append((edge.src, edge.kind, "in"))
        return found

    def to_networkx(self, labels: Any = None) -> "networkx.MultiDiGraph":
        """The graph as a networkx MultiDiGraph keyed by note path; edge key = edge kind."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for i, note in enumerate(self.notes):
            attrs = {"name": note.name, "type": note.type or "", "title": note.title or note.name}
            if labels is not None:
                attrs["status"] = labels.status[i]
            g.add_node(note.path, **attrs)
        for edge in self.edges:
            g.add_edge(
                self.notes[edge.src].path,
                self.notes[edge.dst].path,
                key=edge.kind,
                kind=edge.kind,
                line=edge.link.line,
                written_in=self.notes[edge.owner].path,
            )
        return g


def build(notes: list[Note]) -> Graph:
    g = Graph(notes)
    for i, note in enumerate(notes):
        rel = note.path[:-3] if note.path.lower().endswith(".md") else note.path
        g.by_path[names.key(rel)] = i
        g.by_name.setdefault(names.key(note.name), []).append(i)
    for i, note in enumerate(notes):
        aliases = note.meta.get("aliases")
        if isinstance(aliases, list):
            for alias in aliases:
                if isinstance(alias, str) and alias.strip():
                    g.by_alias.setdefault(names.key(alias), []).append(i)

    lookup_cache: dict[str, list[int] | str] = {}
    edges = g.edges
    unresolved = g.unresolved
    lookup = g._lookup
    for i, note in enumerate(notes):
        for link in note.links:
            hit = lookup_cache.get(link.key)
            if hit is None:
                hit = lookup_cache[link.key] = lookup(link.target)
            if hit.__class__ is str:
                unresolved.append(Unresolved(i, link, hit))  # type: ignore[arg-type]
                continue
            if len(hit) > 1:
                unresolved.append(Unresolved(i, link, "ambiguous", tuple(hit)))
                continue
            j = hit[0]
            if link.heading and notes[j].readable and not _has_heading(notes[j], link.heading):
                unresolved.append(Unresolved(i, link, "heading", (j,)))
            if link.reverse:
                edges.append(Edge(j, i, link.kind, link, i))
            else:
                edges.append(Edge(i, j, link.kind, link, i))
    out_edges, in_edges = g.out_edges, g.in_edges
    for e, edge in enumerate(edges):
        out_edges[edge.src].append(e)
        in_edges[edge.dst].append(e)
    return g


def _has_heading(note: Note, heading: str) -> bool:
    wanted = names.loose_key(heading)
    return any(names.loose_key(h.text) == wanted for h in note.headings)


def missing_premises(g: Graph) -> dict[int, int]:
    """Per note, how many of its depends_on premises are not in the base (or cannot resolve)."""
    counts: dict[int, int] = {}
    for u in g.unresolved:
        if u.link.kind == DEPENDS_ON and u.reason != "heading":
            counts[u.owner] = counts.get(u.owner, 0) + 1
    return counts
