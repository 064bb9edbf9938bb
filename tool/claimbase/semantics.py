"""The argument semantics: one labelling of the whole graph.

The labelling is the least fixpoint of a Carneades-style evaluation (grounded semantics, as in Dung's
frameworks), computed with a worklist in time linear in the size of the graph and without recursion:

* Evidence starts **In** (unless retracted, superseded, invalidated or a smoke run: then **Out**);
  sources start In (unless retracted); arguable notes (claims, positions, ...) start undecided.
* Every `supports` / `challenges` edge into a claim is one pro / con argument.  A claim's
  `depends_on` premises form one *linked* pro argument.  A cited source is a pro argument of weight
  0.5 (weak backing), and so is a non-empty free-text `source:` field.
* An argument is decided once what it rests on is decided.  Its weight is its edge's weight capped by
  the strength of what it rests on (weakest link): the strength of an In claim is its best pro
  argument; a linked argument counts only if every premise is In, and then weighs no more than its
  weakest premise.  An argument resting on something Out weighs 0.
* P = the strongest pro argument, K = the strongest con argument.  A claim whose arguments are all
  decided is In if P > K, otherwise Out.  Repeat until nothing changes.
* Circular support never counts: when nothing more can be decided, each strongly connected group of
  undecided claims that support one another (with no attack among them, and nothing undecided feeding
  them from outside) is settled by letting support flow only from outside the cycle - a well-founded
  reading.  Whatever stays undecided after that is caught in an attack cycle, or rests on something
  that is, and is reported as *contested*.

Status per arguable note:

========== ===========================================================================
supported  In
unsupported Out with P = K = 0
undermined unsupported because a depends_on premise is Out (or was never written)
circular   unsupported, and every support it had came from a support cycle
contradicted Out with K > P
contested  Out with P = K > 0 (a tie), or undecided (attack cycle or contested premise)
========== ===========================================================================

Declared confidence is then held to a proof standard on the same P and K: speculative - none;
experimental - scintilla (P > 0); likely - preponderance (P > K); proven - dialectical validity with a
full-strength argument (P >= 1 and K = 0: a citation alone never makes a claim proven).  Evidence
against a claim never flows back to its premises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .graph import Graph, missing_premises
from .model import ARGUABLE_TYPES, CHALLENGES, CITES, DEPENDS_ON, REVISES, SUPPORTS, Note

UNDECIDED, IN, OUT = 0, 1, 2

SOURCE_WEIGHT = 0.5
OUT_EVIDENCE_STATUS = frozenset({"superseded", "retracted", "invalidated"})

SUPPORTED = "supported"
UNSUPPORTED = "unsupported"
UNDERMINED = "undermined"
CIRCULAR = "circular"
CONTRADICTED = "contradicted"
CONTESTED = "contested"
STATUSES = (SUPPORTED, UNSUPPORTED, UNDERMINED, CIRCULAR, CONTRADICTED, CONTESTED)

_RANK = {"speculative": 0, "experimental": 1, "likely": 2, "proven": 3}

PRO, CON = 1, -1
NO_SOURCE = -1  # the free-text `source:` argument, or a premise that was never written


@dataclass(slots=True)
class Argument:
    """One pro or con argument about `target`.  `sources` are the notes it rests on (several for a
    linked depends_on argument; NO_SOURCE for a premise never written or a free-text source)."""

    target: int
    sign: int
    kind: str
    sources: tuple[int, ...]
    cap: float
    value: float | None = None
    pending: int = 0
    circular: bool = False


@dataclass
class Labelling:
    state: list[int]
    strength: list[float]
    pro: list[float]
    con: list[float]
    status: list[str]
    arguments: list[Argument]
    by_target: list[list[int]]
    cycle_broken: list[bool] = field(default_factory=list)

    def counts(self, notes: list[Note]) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for i, note in enumerate(notes):
            if note.arguable:
                out[self.status[i]] += 1
        return out

    def meets_standard(self, node: int, confidence: str | None) -> bool:
        """Whether the node's P and K meet the proof standard of `confidence`."""
        p, k = self.pro[node], self.con[node]
        if confidence in (None, "speculative"):
            return True
        if confidence == "experimental":
            return p > 0
        if confidence == "likely":
            return self.state[node] == IN
        return self.state[node] == IN and p >= 1 and k == 0


def base_state(note: Note, revised: bool) -> tuple[int, float]:
    """Initial (state, strength) of a note that is not itself argued about."""
    t = note.type
    meta = note.meta
    if t == "evidence":
        status = meta.get("status")
        if revised or meta.get("smoke") is True or (isinstance(status, str) and status in OUT_EVIDENCE_STATUS):
            return OUT, 0.0
        weight = meta.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            weight = 1
        return IN, float(weight)
    if t == "source":
        return (OUT, 0.0) if meta.get("retracted") is True else (IN, SOURCE_WEIGHT)
    if t == "experiment":
        return IN, 0.0  # an experiment carries no force by itself: its evidence does
    return IN, SOURCE_WEIGHT  # entities, musings, maps, unknown types: weak backing at most


def label(graph: Graph, fixed: dict[int, tuple[int, float]] | None = None) -> Labelling:
    """Label every note of `graph`.

    `fixed` maps notes to a (state, strength) held fixed instead of computed: the hook behind
    `claims impact`, which asks what changes when one claim is taken to stand or to fall.  A fixed
    note is treated like evidence: decided from the start, and no argument about it is evaluated.
    A note fixed as UNDECIDED stays undecided, and so does every argument resting on it.
    """
    fixed = fixed or {}
    notes = graph.notes
    n = len(notes)
    arguable = [note.type in ARGUABLE_TYPES for note in notes]
    # the notes whose arguments are evaluated: the arguable ones not held fixed
    argued = [a and i not in fixed for i, a in enumerate(arguable)] if fixed else arguable
    state = [UNDECIDED] * n
    strength = [0.0] * n
    args: list[Argument] = []
    by_target: list[list[int]] = [[] for _ in range(n)]
    by_source: list[list[int]] = [[] for _ in range(n)]
    pending = [0] * n
    missing = missing_premises(graph)

    revised = [False] * n
    for edge in graph.edges:
        if edge.kind == REVISES and edge.src != edge.dst:
            revised[edge.dst] = True

    def add_single(target: int, sign: int, kind: str, source: int, cap: float) -> None:
        a = len(args)
        arg = Argument(target, sign, kind, (source,), cap)
        arg.pending = 1
        args.append(arg)
        by_target[target].append(a)
        pending[target] += 1
        by_source[source].append(a)

    def add(target: int, sign: int, kind: str, sources: tuple[int, ...], cap: float) -> None:
        a = len(args)
        arg = Argument(target, sign, kind, sources, cap)
        args.append(arg)
        by_target[target].append(a)
        real = [s for s in sources if s != NO_SOURCE]
        if NO_SOURCE in sources and kind == DEPENDS_ON:
            arg.value = 0.0
        elif not real:
            arg.value = cap
        else:
            arg.pending = len(real)
            pending[target] += 1
            for s in real:
                by_source[s].append(a)

    premises: dict[int, list[int]] = {}
    for edge in graph.edges:
        kind = edge.kind
        if kind == SUPPORTS or kind == CHALLENGES:
            if argued[edge.dst]:
                w = edge.link.weight
                add_single(edge.dst, PRO if kind == SUPPORTS else CON, kind, edge.src, 1.0 if w is None else w)
        elif kind == CITES:
            if argued[edge.src]:
                add_single(edge.src, PRO, CITES, edge.dst, SOURCE_WEIGHT)
        elif kind == DEPENDS_ON and argued[edge.src]:
            premises.setdefault(edge.src, []).append(edge.dst)

    for i, note in enumerate(notes):
        if not argued[i]:
            continue
        deps = premises.get(i)
        if deps or i in missing:
            sources = tuple(dict.fromkeys(deps or ()))
            if i in missing:
                sources += (NO_SOURCE,)
            add(i, PRO, DEPENDS_ON, sources, 1.0)
        text_source = note.meta.get("source")
        if isinstance(text_source, str) and text_source.strip() and "[[" not in text_source:
            add(i, PRO, CITES, (NO_SOURCE,), SOURCE_WEIGHT)

    pro = [0.0] * n
    con = [0.0] * n
    queue: list[int] = []

    def settle(v: int) -> None:
        p, k = pro[v], con[v] = _strongest(args, by_target[v])
        if p > k:
            state[v], strength[v] = IN, p
        else:
            state[v], strength[v] = OUT, 0.0
        queue.append(v)

    def arg_value(arg: Argument) -> float:
        if arg.kind == DEPENDS_ON:
            weakest = arg.cap
            for s in arg.sources:
                if state[s] != IN:
                    return 0.0
                weakest = min(weakest, strength[s])
            return weakest
        s = arg.sources[0]
        return min(arg.cap, strength[s]) if state[s] == IN else 0.0

    def drain() -> None:
        while queue:
            u = queue.pop()
            for a in by_source[u]:
                arg = args[a]
                if arg.value is not None:
                    continue
                if arg.kind == DEPENDS_ON and state[u] == OUT:
                    arg.value = 0.0
                else:
                    arg.pending -= 1
                    if arg.pending:
                        continue
                    arg.value = arg_value(arg)
                t = arg.target
                pending[t] -= 1
                if pending[t] == 0 and state[t] == UNDECIDED:
                    settle(t)

    for i, note in enumerate(notes):
        if i in fixed:
            state[i], strength[i] = fixed[i]
            if state[i] != UNDECIDED:
                queue.append(i)
        elif not arguable[i]:
            state[i], strength[i] = base_state(note, revised[i])
            queue.append(i)
        elif pending[i] == 0:
            settle(i)
    drain()

    cycle_broken = [False] * n
    if UNDECIDED in state:
        held = {i for i, (fixed_state, _) in fixed.items() if fixed_state == UNDECIDED}
        _settle_support_cycles(notes, state, strength, args, by_target, pending, cycle_broken, pro, con, queue, drain, held)

    status = [""] * n
    for i in range(n):
        if not arguable[i]:
            status[i] = "in" if state[i] == IN else "out"
            continue
        if state[i] == UNDECIDED:
            pro[i], con[i] = _strongest(args, by_target[i])  # over the arguments decided so far
            status[i] = CONTESTED
        elif state[i] == IN:
            status[i] = SUPPORTED
        elif con[i] > pro[i]:
            status[i] = CONTRADICTED
        elif pro[i] > 0:
            status[i] = CONTESTED
        else:
            status[i] = UNSUPPORTED
    for i in range(n):
        if status[i] != UNSUPPORTED:
            continue
        undermined = False
        circular = cycle_broken[i]
        for a in by_target[i]:
            arg = args[a]
            if arg.kind == DEPENDS_ON and any(s == NO_SOURCE or state[s] != IN for s in arg.sources):
                undermined = True
        if undermined and not circular:
            status[i] = UNDERMINED
        elif circular:
            status[i] = CIRCULAR
    if CIRCULAR in status:
        _propagate_circular(status, args, by_target, notes)
    return Labelling(state, strength, pro, con, status, args, by_target, cycle_broken)


def _strongest(args: list[Argument], ids: list[int]) -> tuple[float, float]:
    """(P, K): the weights of the strongest decided pro and con arguments among `ids`."""
    p = k = 0.0
    for a in ids:
        arg = args[a]
        value = arg.value or 0.0
        if arg.sign == PRO:
            if value > p:
                p = value
        elif value > k:
            k = value
    return p, k


def _propagate_circular(status: list[str], args: list[Argument], by_target: list[list[int]], notes: list[Note]) -> None:
    """An unsupported claim whose only support comes from circular claims is circular too."""
    changed = True
    while changed:
        changed = False
        for i, note in enumerate(notes):
            if status[i] not in (UNSUPPORTED, UNDERMINED):
                continue
            pro_sources = [s for a in by_target[i] if args[a].sign == PRO for s in args[a].sources if s != NO_SOURCE]
            if pro_sources and all(status[s] == CIRCULAR for s in pro_sources):
                status[i] = CIRCULAR
                changed = True


def _settle_support_cycles(notes, state, strength, args, by_target, pending, cycle_broken, pro, con, queue, drain, held=frozenset()) -> None:
    """Settle the undecided support cycles, sources first; see the module docstring.  Notes in
    `held` are kept undecided (and so block what they feed)."""
    n = len(notes)
    # dependency edges among undecided nodes: source -> target, with the sign of the argument
    succ: dict[int, list[int]] = {}
    for v in range(n):
        if state[v] != UNDECIDED:
            continue
        for a in by_target[v]:
            arg = args[a]
            if arg.value is not None:
                continue
            for s in arg.sources:
                if s != NO_SOURCE and state[s] == UNDECIDED:
                    succ.setdefault(s, []).append(v)
    order = _sccs([v for v in range(n) if state[v] == UNDECIDED], succ)
    comp_of: dict[int, int] = {}
    for c, members in enumerate(order):
        for v in members:
            comp_of[v] = c
    for c, members in enumerate(order):
        live = [v for v in members if state[v] == UNDECIDED]
        if not live or any(v in held for v in live):
            continue
        blocked = False
        for v in live:
            for a in by_target[v]:
                arg = args[a]
                if arg.value is not None:
                    continue
                for s in arg.sources:
                    if s == NO_SOURCE or state[s] != UNDECIDED:
                        continue
                    if comp_of.get(s) != c or arg.sign == CON:
                        blocked = True  # fed by something undecided outside, or an attack inside
        if blocked:
            continue
        _well_founded(live, state, strength, args, by_target, cycle_broken)
        for v in live:
            for a in by_target[v]:
                arg = args[a]
                if arg.value is None:
                    arg.circular = True
                    arg.value = _final_value(arg, state, strength)
            pending[v] = 0
            pro[v], con[v] = _strongest(args, by_target[v])
            queue.append(v)
        drain()


def _final_value(arg: Argument, state: list[int], strength: list[float]) -> float:
    weakest = arg.cap
    for s in arg.sources:
        if s == NO_SOURCE or state[s] != IN:
            return 0.0
        weakest = min(weakest, strength[s])
    return weakest


def _well_founded(live: list[int], state, strength, args, by_target, cycle_broken) -> None:
    """Inside one support-only cycle group: start from nothing, let support flow in from outside and
    spread along the cycle; what never becomes In is Out (and circular if it had cyclic support)."""
    members = set(live)
    tentative: dict[int, float] = {}
    feeds: dict[int, list[int]] = {}
    for v in live:
        for a in by_target[v]:
            if args[a].value is None:
                for s in args[a].sources:
                    if s in members:
                        feeds.setdefault(s, []).append(v)

    def best(v: int) -> tuple[float, float]:
        p = k = 0.0
        for a in by_target[v]:
            arg = args[a]
            if arg.value is not None:
                value = arg.value
            else:
                value = arg.cap
                for s in arg.sources:
                    if s in members:
                        if s not in tentative:
                            value = 0.0
                            break
                        value = min(value, tentative[s])
                    elif s == NO_SOURCE or state[s] != IN:
                        value = 0.0
                        break
                    else:
                        value = min(value, strength[s])
            if arg.sign == PRO:
                p = max(p, value)
            else:
                k = max(k, value)
        return p, k

    work = list(live)
    while work:
        v = work.pop()
        p, k = best(v)
        new = p if p > k else None
        if new is not None and tentative.get(v) != new:
            tentative[v] = new
            work.extend(feeds.get(v, ()))
    for v in live:
        if v in tentative:
            state[v], strength[v] = IN, tentative[v]
        else:
            state[v], strength[v] = OUT, 0.0
            cycle_broken[v] = any(args[a].value is None and args[a].sign == PRO for a in by_target[v])


def _sccs(nodes: list[int], succ: dict[int, list[int]]) -> list[list[int]]:
    """Strongly connected components in topological order (sources first); iterative Tarjan."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    result: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            children = succ.get(v, ())
            recurse = False
            while i < len(children):
                w = children[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                result.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    result.reverse()
    return result


def confidence_rank(confidence: str | None) -> int:
    return _RANK.get(confidence or "", -1)
