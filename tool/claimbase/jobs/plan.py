"""The plan: which (experiment, seed) jobs a run needs, in dependency order, with their keys, and
which of them are already in the cache (and, for the others, why they must run).

Planning reads notes and code but runs nothing; a plan that cannot be run (an unknown upstream, a
cycle in `needs`, an entry point that does not exist) is a `PlanError` naming the note and line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import keys
from .experiments import Experiment, read_all

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase
    from ..config import Config
    from .store import Store

CACHED, RUN = "cached", "run"


class PlanError(Exception):
    """A plan that cannot be run.  `path`/`line` locate the note at fault (relative to the base)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path else ""
        return where + self.message


@dataclass
class Job:
    """One (experiment, seed).  `upstream` maps each upstream experiment's name to its job key
    for the same seed; `record` is what the run index keeps about the job's inputs."""

    experiment: Experiment
    seed: int
    key: str
    upstream: dict[str, str]
    record: dict[str, Any]
    state: str = RUN
    reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.experiment.name} · seed {self.seed}"


@dataclass
class Plan:
    experiments: list[Experiment]  # in dependency order
    jobs: list[Job]  # in dependency order
    run_keys: dict[int, str]  # experiment note index -> run key
    env: dict[str, Any]
    profile: str

    def __post_init__(self) -> None:
        self._by_experiment: dict[int, list[Job]] = {}
        for job in self.jobs:
            self._by_experiment.setdefault(job.experiment.node, []).append(job)

    def jobs_of(self, exp: Experiment) -> list[Job]:
        return self._by_experiment.get(exp.node, [])

    @property
    def to_run(self) -> list[Job]:
        return [j for j in self.jobs if j.state == RUN]


def search_path(config: "Config") -> list[str]:
    """Where entry-point modules are looked for: the project root, then the interpreter's path."""
    root = config.project_root or config.base.parent
    return [str(root), *(p for p in sys.path if p)]


def order(experiments: dict[int, Experiment], selected: list[int], base: "ClaimBase") -> list[int]:
    """`selected` and everything upstream of them, upstream first; raises PlanError on a cycle or
    an upstream that is not an experiment."""
    notes = base.notes
    wanted: list[int] = []
    seen: set[int] = set()
    stack = list(selected)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        wanted.append(node)
        exp = experiments[node]
        for target, line in exp.unresolved_needs:
            raise PlanError(f"needs '{target}', which is not a note in the base", exp.path, line)
        for dst, line in exp.needs:
            if dst not in experiments:
                kind = notes[dst].type or "note without a type"
                raise PlanError(f"needs '{notes[dst].name}', which is a {kind}, not an experiment", exp.path, line)
            stack.append(dst)
    cycle = find_cycle(experiments, wanted)
    if cycle:
        first = experiments[cycle[0]]
        names = " -> ".join(experiments[n].name for n in [*cycle, cycle[0]])
        raise PlanError(f"cycle in `needs`: {names}", first.path, first.line)
    done: list[int] = []
    placed: set[int] = set()

    def place(node: int) -> None:  # depth-first, iterative: upstream before downstream
        work = [(node, False)]
        while work:
            n, expanded = work.pop()
            if n in placed:
                continue
            if expanded:
                placed.add(n)
                done.append(n)
                continue
            work.append((n, True))
            for dst, _ in sorted(experiments[n].needs, reverse=True):
                if dst not in placed:
                    work.append((dst, False))

    for node in sorted(wanted, key=lambda n: notes[n].path):
        place(node)
    return done


def find_cycle(experiments: dict[int, Experiment], nodes: list[int]) -> list[int] | None:
    """One cycle of `needs` edges among experiments reachable from `nodes`, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[int, int] = {}
    for start in nodes:
        if colour.get(start, WHITE) != WHITE:
            continue
        path: list[int] = []
        stack: list[tuple[int, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                colour[node] = GREY
                path.append(node)
            nexts = [d for d, _ in experiments[node].needs if d in experiments]
            if i < len(nexts):
                stack.append((node, i + 1))
                d = nexts[i]
                if colour.get(d, WHITE) == GREY:
                    return path[path.index(d):]
                if colour.get(d, WHITE) == WHITE:
                    stack.append((d, 0))
            else:
                colour[node] = BLACK
                path.pop()
    return None


def compute_keys(
    experiments: dict[int, Experiment], ordered: list[int], code: keys.CodeIndex, env: dict[str, Any]
) -> tuple[dict[tuple[int, int], str], dict[int, str], dict[tuple[int, int], dict[str, Any]]]:
    """Job keys, run keys and job records for `ordered` (upstream first).  Raises PlanError for an
    entry point that cannot be found or an upstream without the seed a job needs."""
    job_keys: dict[tuple[int, int], str] = {}
    records: dict[tuple[int, int], dict[str, Any]] = {}
    run_keys: dict[int, str] = {}
    for node in ordered:
        exp = experiments[node]
        if exp.entry is None:
            raise PlanError("has no job entry point (`job: {run: package.module:function}`)", exp.path, exp.line)
        try:
            code.check_entry(exp.entry)
        except keys.EntryError as err:
            raise PlanError(str(err), exp.path, exp.line) from None
        modules = code.closure(entry_module(exp))
        code_hash = keys.digest(modules)
        for seed in exp.seeds:
            upstream = {}
            for dst, line in exp.needs:
                up = experiments[dst]
                if (dst, seed) not in job_keys:
                    raise PlanError(
                        f"seed {seed} needs the output of '{up.name}' for seed {seed}, but '{up.name}' runs seeds "
                        f"{up.seeds} (profile {exp.profile})", exp.path, line)
                upstream[up.name] = job_keys[(dst, seed)]
            key = keys.job_key(exp.entry, exp.params, seed, code_hash, env, upstream)
            job_keys[(node, seed)] = key
            records[(node, seed)] = {
                "key": key, "entry": exp.entry, "params": exp.params, "code": modules, "code_version": code_hash,
                "env": env, "upstream": upstream,
            }
        run_keys[node] = keys.run_key(
            exp.name, exp.profile, [p.spec() for p in exp.predictions], {s: job_keys[(node, s)] for s in exp.seeds}
        )
    return job_keys, run_keys, records


def make_plan(
    base: "ClaimBase",
    config: "Config",
    store: "Store",
    names: list[str] | None = None,
    profile: str = "standard",
    device: str = "cpu",
    libraries: tuple[str, ...] = keys.KEY_LIBRARIES,
) -> Plan:
    """Plan a run of the named experiments (all experiments of the base when none is named)."""
    experiments = read_all(base, profile)
    selected: list[int] = []
    for name in names or []:
        hits = base.graph.find(name)
        if len(hits) != 1:
            what = "is ambiguous: " + ", ".join(base.notes[h].path for h in hits) if hits else "names no note"
            raise PlanError(f"'{name}' {what}")
        if hits[0] not in experiments:
            raise PlanError(f"'{name}' is a {base.notes[hits[0]].type or 'note without a type'}, not an experiment",
                            base.notes[hits[0]].path)
        selected.append(hits[0])
    if not names:
        selected = sorted(experiments)
    ordered = order(experiments, selected, base)
    env = keys.environment(device, libraries)
    code = keys.CodeIndex(search_path(config))
    job_keys, run_keys, records = compute_keys(experiments, ordered, code, env)
    jobs = []
    for node in ordered:
        exp = experiments[node]
        for seed in exp.seeds:
            record = records[(node, seed)]
            job = Job(exp, seed, job_keys[(node, seed)], record["upstream"], record)
            if store.has(job.key):
                job.state, job.reason = CACHED, "finished earlier"
            else:
                job.reason = why_stale(record, store.last(exp.path, seed, profile))
            jobs.append(job)
    return Plan([experiments[n] for n in ordered], jobs, {n: run_keys[n] for n in ordered}, env, profile)


def why_stale(now: dict[str, Any], before: dict[str, Any] | None) -> str:
    """A short reason why a job with record `now` is not in the cache, given the last record of
    the same experiment, seed and profile."""
    if before is None:
        return "never run"
    if before.get("key") == now["key"]:
        return "its output is no longer in the cache"
    reasons = []
    if before.get("entry") != now["entry"]:
        reasons.append(f"entry point changed ({before.get('entry')} -> {now['entry']})")
    if before.get("params") != now["params"]:
        old, new = before.get("params") or {}, now["params"]
        changed = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        shown = ", ".join(f"{k}: {_short(old.get(k))} -> {_short(new.get(k))}" for k in changed[:3])
        reasons.append(f"parameters changed ({shown}{', ...' if len(changed) > 3 else ''})")
    if before.get("code") != now["code"]:
        old, new = before.get("code") or {}, now["code"]
        changed = [m for m in sorted(set(old) | set(new)) if old.get(m) != new.get(m)]
        reasons.append(f"code changed ({', '.join(changed[:3])}{', ...' if len(changed) > 3 else ''})")
    if before.get("env") != now["env"]:
        old, new = before.get("env") or {}, now["env"]
        changed = [f"{k} {old.get(k)} -> {new.get(k)}" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        reasons.append(f"environment changed ({', '.join(changed)})")
    if before.get("upstream") != now["upstream"]:
        old, new = before.get("upstream") or {}, now["upstream"]
        changed = [n for n in sorted(set(old) | set(new)) if old.get(n) != new.get(n)]
        reasons.append(f"upstream changed ({', '.join(changed)})")
    return "; ".join(reasons) or "its inputs changed"


def _short(value: Any) -> str:
    text = repr(value) if value is not None else "unset"
    return text if len(text) <= 30 else text[:27] + "..."


def entry_module(exp: Experiment) -> str:
    return (exp.entry or "").partition(":")[0]
