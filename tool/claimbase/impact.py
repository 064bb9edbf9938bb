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
    """How one note fares in the two scenarios; `via` is the note it was first reached from."""

    node: int
    via: int
    stands: str
    state_stands: int
    strength_stands: float
    falls: str
    state_falls: int
    strength_falls: float

    @property
    def status_changed(self) -> bool:
        return self.stands != self.falls


@dataclass
class Impact:
    """The cascade of `root`.  `changes` lists every affected note (its status, state or strength
    differs between the scenarios) in breadth-first order from the root; `parent` is the
    breadth-first tree of the whole downstream cone, which connects them (`cone` notes in all)."""

    root: int
    root_in: bool
    cone: int
    changes: list[Change] = field(default_factory=list)
    parent: dict[int, int] = field(default_factory=dict)

    def path(self, node: int) -> list[int]:
        """The notes from just below the root down to `node`, along the tree."""
        steps = []
        while node in self.parent:
            steps.append(node)
            node = self.parent[node]
        return steps[::-1]

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
    return list(_cone_tree(labels, root, feeds))


def _cone_tree(labels: Labelling, root: int, feeds: dict[int, list[int]] | None) -> dict[int, int]:
    """Breadth-first tree of the cone: note -> the note it was first reached from (root -> -1)."""
    if feeds is None:
        feeds = argument_feeds(labels)
    parent = {root: -1}
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for t in feeds.get(v, ()):
            if t not in parent:
                parent[t] = v
                queue.append(t)
    return parent


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


def _scenario(labels: Labelling, cone: list[int], order: list[int] | None = None) -> dict[int, tuple[str, int, float]]:
    """(status, state, strength) of each cone note in one scenario.  `order` maps the notes of a
    sub-graph's labelling to the base (the cone first); None when `labels` is the base's own."""
    if order is None:
        return {v: (labels.status[v], labels.state[v], labels.strength[v]) for v in cone}
    return {v: (labels.status[i], labels.state[i], labels.strength[i]) for i, v in enumerate(order[: len(cone)])}


def impact(base: ClaimBase, root: int, feeds: dict[int, list[int]] | None = None) -> Impact:
    """What hinges on note `root`: see the module docstring.  `feeds` as for `downstream`."""
    labels = base.labels
    parent = _cone_tree(labels, root, feeds)
    cone = list(parent)
    root_in = labels.state[root] == IN
    result = Impact(root, root_in, len(cone))
    if len(cone) == 1:
        return result
    if root_in:
        stands = _scenario(labels, cone)
    else:
        order, sub = _relabel(base, cone, (IN, FULL_STRENGTH))
        stands = _scenario(sub, cone, order)
    if labels.state[root] == OUT:
        falls = _scenario(labels, cone)
    else:
        order, sub = _relabel(base, cone, (OUT, 0.0))
        falls = _scenario(sub, cone, order)
    # Affected: any part of the label differs.  Statuses such as circular vs undermined can change
    # behind a note whose own label does not, so the tree is the cone's, not the affected notes'.
    for v in cone[1:]:
        if stands[v] != falls[v]:
            result.changes.append(Change(v, parent[v], *stands[v], *falls[v]))
    result.parent = {v: p for v, p in parent.items() if v != root}
    return result


def stand_or_fall_with(base: ClaimBase, result: Impact) -> list[Change]:
    """The claims that stand while the root stands and fall when it falls: what a fallen root
    undermines, or what a standing root carries."""
    return [c for c in result.changed if base.notes[c.node].arguable and c.state_stands == IN and c.state_falls != IN]


def held_down_by(base: ClaimBase, result: Impact) -> list[Change]:
    """The claims that stand only while the root is out: those it challenges successfully."""
    return [c for c in result.changed if base.notes[c.node].arguable and c.state_falls == IN and c.state_stands != IN]


def undermined_by(base: ClaimBase, root: int, feeds: dict[int, list[int]] | None = None) -> int:
    """How many other claims stand or fall with `root` (for the linter's contradicted-claim message)."""
    return len(stand_or_fall_with(base, impact(base, root, feeds)))
