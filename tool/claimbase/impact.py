"""The cascade of one note: every claim whose status hinges on whether that note stands.

`impact(base, node)` compares two labellings of the base, computed by the one argument semantics
(`semantics.label`) with the note held fixed through its `fixed` hook:

* *stands* - the note is In (with its own strength if it is In already, else at full strength 1);
* *falls* - the note is Out.

For a note that is In today, *stands* is the labelling the base already has, so the answer is
"what would change if this note fell"; for a note that is Out today (a contradicted premise, a
retracted paper), *falls* is today's labelling, and the answer is "what it currently takes down".

Only the note's downstream cone can change: the notes reachable from it along arguments (source ->
target).  The cone is closed under that relation, so every support cycle that touches it lies
inside it, and everything outside the cone keeps its label.  The two labellings are therefore
computed on a small sub-graph - the cone plus the notes that feed it, frozen at their current
labels - which keeps `impact` cheap enough for the linter to call once per contradicted claim.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .base import ClaimBase
from .graph import Edge, Graph, Unresolved
from .model import CHALLENGES, CITES, DEPENDS_ON, SUPPORTS
from .semantics import IN, NO_SOURCE, OUT, Labelling, label

FULL_STRENGTH = 1.0


@dataclass(frozen=True)
class Change:
    """How one note fares in the two scenarios; `via` is the note it was reached from."""

    node: int
    via: int
    stands: str
    falls: str
    strength_stands: float
    strength_falls: float

    @property
    def status_changed(self) -> bool:
        return self.stands != self.falls


@dataclass
class Impact:
    """The cascade of `root`.  `changes` lists every affected note in breadth-first order from
    the root (a note is affected when its status or its strength differs between the scenarios);
    `children` gives the cascade as a tree."""

    root: int
    root_in: bool
    cone: int
    changes: list[Change] = field(default_factory=list)
    children: dict[int, list[int]] = field(default_factory=dict)

    @property
    def changed(self) -> list[Change]:
        """The affected notes whose status (not only strength) changes."""
        return [c for c in self.changes if c.status_changed]


def argument_feeds(labels: Labelling) -> dict[int, list[int]]:
    """For each note, the notes it argues about (for or against), from its arguments."""
    feeds: dict[int, list[int]] = {}
    for arg in labels.arguments:
        for s in arg.sources:
            if s != NO_SOURCE:
                feeds.setdefault(s, []).append(arg.target)
    return feeds


def downstream(labels: Labelling, root: int, feeds: dict[int, list[int]] | None = None) -> list[int]:
    """The notes reachable from `root` along arguments, root first, in breadth-first order.
    Pass `feeds` (from `argument_feeds`) when asking about many roots of one labelling."""
    if feeds is None:
        feeds = argument_feeds(labels)
    seen = {root}
    order = [root]
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for t in feeds.get(v, ()):
            if t not in seen:
                seen.add(t)
                order.append(t)
                queue.append(t)
    return order


def _relabel(base: ClaimBase, cone: list[int], root_state: tuple[int, float]) -> tuple[list[int], Labelling]:
    """Label the cone with the root held at `root_state` and its inputs frozen at today's labels.

    Returns the sub-graph's notes (as indices into the base) and its labelling."""
    labels = base.labels
    graph = base.graph
    members = set(cone)
    local: dict[int, int] = {}
    order: list[int] = []

    def index(v: int) -> int:
        if v not in local:
            local[v] = len(order)
            order.append(v)
        return local[v]

    for v in cone:
        index(v)
    edges: list[Edge] = []
    for v in cone:
        for e in graph.in_edges[v]:
            edge = graph.edges[e]
            if edge.kind in (SUPPORTS, CHALLENGES):
                edges.append(Edge(index(edge.src), local[v], edge.kind, edge.link, edge.owner))
        for e in graph.out_edges[v]:
            edge = graph.edges[e]
            if edge.kind in (CITES, DEPENDS_ON):
                edges.append(Edge(local[v], index(edge.dst), edge.kind, edge.link, edge.owner))
    unresolved = [Unresolved(local[u.owner], u.link, u.reason, ()) for u in graph.unresolved if u.owner in members]
    fixed = {local[v]: (labels.state[v], labels.strength[v]) for v in order if v not in members}
    fixed[0] = root_state
    sub = Graph([base.notes[v] for v in order], edges, unresolved)
    return order, label(sub, fixed)


def impact(base: ClaimBase, root: int, feeds: dict[int, list[int]] | None = None) -> Impact:
    """What hinges on note `root`: see the module docstring.  `feeds` as for `downstream`."""
    labels = base.labels
    cone = downstream(labels, root, feeds)
    root_in = labels.state[root] == IN
    if len(cone) == 1:
        return Impact(root, root_in, 1)
    stands_status: dict[int, str]
    if root_in:
        stands_status = {v: labels.status[v] for v in cone}
        stands_strength = {v: labels.strength[v] for v in cone}
    else:
        order, sub = _relabel(base, cone, (IN, FULL_STRENGTH))
        stands_status = {v: sub.status[i] for i, v in enumerate(order[: len(cone)])}
        stands_strength = {v: sub.strength[i] for i, v in enumerate(order[: len(cone)])}
    if labels.state[root] == OUT:
        falls_status = {v: labels.status[v] for v in cone}
        falls_strength = {v: labels.strength[v] for v in cone}
    else:
        order, sub = _relabel(base, cone, (OUT, 0.0))
        falls_status = {v: sub.status[i] for i, v in enumerate(order[: len(cone)])}
        falls_strength = {v: sub.strength[i] for i, v in enumerate(order[: len(cone)])}

    affected = {
        v
        for v in cone[1:]
        if stands_status[v] != falls_status[v] or abs(stands_strength[v] - falls_strength[v]) > 1e-12
    }
    result = Impact(root, root_in, len(cone))
    # Breadth-first from the root through affected notes only: the tree of the cascade.
    feeds: dict[int, list[int]] = {}
    for v in affected:
        for a in labels.by_target[v]:
            for s in labels.arguments[a].sources:
                if s != NO_SOURCE and (s == root or s in affected):
                    feeds.setdefault(s, []).append(v)
    seen = {root}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in sorted(set(feeds.get(u, ())), key=lambda n: base.notes[n].name.casefold()):
            if v in seen:
                continue
            seen.add(v)
            result.children.setdefault(u, []).append(v)
            result.changes.append(
                Change(v, u, stands_status[v], falls_status[v], stands_strength[v], falls_strength[v])
            )
            queue.append(v)
    return result


def claims_taken_down(base: ClaimBase, root: int, feeds: dict[int, list[int]] | None = None) -> int:
    """How many other claims change status between `root` standing and falling (for the linter)."""
    return sum(1 for c in impact(base, root, feeds).changed if base.notes[c.node].arguable)
