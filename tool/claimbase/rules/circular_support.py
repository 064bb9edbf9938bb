from ..model import DEPENDS_ON, SUPPORTS
from ..semantics import CIRCULAR, NO_SOURCE, PRO, _sccs
from .base import Context, Hit, claim_line, rule


@rule("A003", "circular-support", "error")
def check(ctx: Context):
    """A claim's support goes round in a circle.

    What it does
        Reports claims whose only support comes from a cycle (A supports B supports A; A depends on
        B depends on A) and which therefore count as unsupported - circular support never counts -
        and every claim in a `depends_on` cycle, even one with other support, since a premise that
        rests on its own conclusion is a structural error.

    Why it matters
        A cycle of claims propping each other up looks well supported in a graph view while resting
        on nothing.

    Example
        ```yaml
        # a.md
        depends_on: ["[[b]]"]
        # b.md
        depends_on: ["[[a]]"]
        ```

    Fix
        Break the cycle: decide which claim is the premise, and give the cycle support from outside
        it (a source, evidence).
    """
    base = ctx.base
    labels = base.labels
    notes = base.notes
    reported: set[int] = set()
    succ: dict[int, list[int]] = {}
    self_loops: set[int] = set()
    for edge in base.graph.edges:
        if edge.kind == DEPENDS_ON and notes[edge.src].arguable:
            if edge.src == edge.dst:
                self_loops.add(edge.src)
            succ.setdefault(edge.src, []).append(edge.dst)
    nodes = list(succ)
    for comp in _sccs(nodes, succ):
        if len(comp) > 1 or comp[0] in self_loops:
            members = set(comp)
            for i in comp:
                cycle = _cycle_from(i, members, succ)
                path = " -> ".join(f"'{notes[j].name}'" for j in cycle)
                line = notes[i].key_lines.get("depends_on", claim_line(notes[i]))
                reported.add(i)
                yield Hit(i, line, 1, f"depends_on forms a cycle: {path}")
    for i, note in enumerate(notes):
        if note.arguable and labels.status[i] == CIRCULAR and i not in reported:
            feeders = [
                s
                for a in labels.by_target[i]
                if labels.arguments[a].sign == PRO and labels.arguments[a].kind in (SUPPORTS, DEPENDS_ON)
                for s in labels.arguments[a].sources
                if s != NO_SOURCE
            ]
            shown = ", ".join(f"'{notes[s].name}'" for s in feeders[:3])
            yield Hit(i, claim_line(note), 1, f"only circular support: everything for this claim comes back to it ({shown})")


def _cycle_from(start: int, members: set[int], succ: dict[int, list[int]]) -> list[int]:
    """A shortest cycle through `start` inside its component (breadth-first)."""
    parent = {start: -1}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in succ.get(v, ()):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if w in members and w not in parent:
                    parent[w] = v
                    nxt.append(w)
        frontier = nxt
    return [start, start]
