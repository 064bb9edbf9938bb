"""Evidence notes: one per experiment run, written into the base atomically.

A note is named from its experiment and the first characters of its run key, so a re-run of the
same key finds its note and writes nothing.  Plots the jobs drew are copied into a folder named like
the note, beside it, before the note itself appears.  When a new run of an experiment is written,
the older current evidence of the same experiment and profile is marked `status: superseded` with
`superseded_by` pointing at the new note (a byte-preserving edit); it stays as history and stops
counting in the argument.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import atomic, noteedit
from ..model import GENERATED_BY
from ..semantics import OUT_EVIDENCE_STATUS
from .experiments import Experiment

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase
    from .aggregate import MetricSummary, Verdict

PLOT_SUFFIXES = (".svg", ".png")
MAX_PLOT_BYTES = 2_000_000
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f#\[\]^]+')


@dataclass
class RunInfo:
    """Provenance of one experiment run."""

    key: str
    profile: str
    started: str
    finished: str
    host: str
    executor: str
    code_version: str
    entry: str
    params: dict[str, Any]
    seeds: list[int]
    env: dict[str, Any]  # the environment key: python, library versions, device
    jobs: dict[int, str] = field(default_factory=dict)  # seed -> job key

    def as_dict(self) -> dict[str, Any]:
        versions = {k: v for k, v in self.env.items() if k != "device"}
        return {
            "key": self.key, "profile": self.profile, "started": self.started, "finished": self.finished,
            "host": self.host, "executor": self.executor, "entry": self.entry, "code_version": self.code_version,
            "params": self.params, "seeds": self.seeds, "device": self.env.get("device", "cpu"),
            "versions": versions, "jobs": {int(s): k for s, k in sorted(self.jobs.items())},
        }


def env_of(run: dict[str, Any]) -> dict[str, Any] | None:
    """The environment key recorded in an evidence note's `run` (None if it is not there)."""
    versions = run.get("versions")
    if not isinstance(versions, dict):
        return None
    return {**versions, "device": run.get("device", "cpu")}


def note_name(experiment: str, run_key: str) -> str:
    """A file-safe note name: the experiment's name (shortened) and the run key's first 8 characters."""
    stem = _UNSAFE.sub(" ", experiment).strip(" .") or "experiment"
    if len(stem) > 100:
        stem = stem[:100].rstrip(" .")
    return f"{stem} - run {run_key[:8]}"


def evidence_of(base: "ClaimBase", node: int) -> list[int]:
    """Evidence notes whose `experiment` links to note `node`."""
    g = base.graph
    return [g.edges[e].src for e in g.in_edges[node] if g.edges[e].kind == GENERATED_BY and base.notes[g.edges[e].src].type == "evidence"]


def run_meta(note) -> dict[str, Any]:
    run = note.meta.get("run")
    return run if isinstance(run, dict) else {}


def existing(base: "ClaimBase", exp: Experiment, run_key: str) -> int | None:
    """The evidence note already written for this run key, if any."""
    for i in evidence_of(base, exp.node):
        if run_meta(base.notes[i]).get("key") == run_key:
            return i
    return None


def render(exp: Experiment, verdicts: list["Verdict"], metrics: dict[str, "MetricSummary"], run: RunInfo,
           plots: list[tuple[str, str]], name: str) -> str:
    counts = {v: sum(1 for x in verdicts if x.verdict == v) for v in ("supports", "challenges", "inconclusive")}
    meta: dict[str, Any] = {
        "type": "evidence",
        "description": f"Run {run.key[:8]} of the experiment '{exp.name}' (profile {run.profile}, {len(run.seeds)} seeds): "
        + ", ".join(f"{n} {v}" for v, n in counts.items() if n),
        "experiment": f"[[{exp.name}]]",
        "created": run.finished[:10],
    }
    if exp.smoke:
        meta["smoke"] = True
    meta["verdicts"] = [v.as_dict() for v in verdicts]
    meta["metrics"] = {m.name: m.as_dict() for m in metrics.values()}
    meta["run"] = run.as_dict()
    import yaml

    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    body = [f"# {exp.name}: run {run.key[:8]} ({run.profile})", ""]
    body.append(
        f"Evidence from running [[{exp.name}]] (`{run.entry}`) with profile `{run.profile}` over seeds "
        f"{', '.join(map(str, run.seeds))}, on {run.host} ({run.executor} executor), finished {run.finished}."
    )
    if exp.smoke:
        body += ["", "**Smoke run**: it checks that the plumbing works; its numbers are not interpretable and it counts for nothing."]
    body += ["", "## Verdicts", ""]
    for v in verdicts:
        p = v.prediction
        interval = f", interval [{_num(v.ci[0])}, {_num(v.ci[1])}]" if v.ci else ""
        body.append(f"- [[{p.claim}]]: **{v.verdict}**. Estimate {_num(v.estimate)}{interval}; {v.reason}.")
        if p.text:
            body.append(f"  Prediction: {p.text}")
        body.append(f"  Decided by: {v.statistic}; predicted direction {p.direction}.")
    if metrics:
        body += ["", "## Metrics", "", "| metric | mean | 95% interval | " + " | ".join(f"seed {s}" for s in run.seeds) + " |",
                 "|---|---|---|" + "---|" * len(run.seeds)]
        for m in metrics.values():
            ci = f"[{_num(m.ci[0])}, {_num(m.ci[1])}]" if m.ci else "n/a"
            body.append(f"| {m.name} | {_num(m.mean)} | {ci} | " + " | ".join(_num(x) for x in m.values) + " |")
    if plots:
        body += ["", "## Plots", ""]
        for caption, rel in plots:
            body += [f"![{caption}](<{rel}>)", ""]
    return "---\n" + front + "---\n" + "\n".join(body).rstrip() + "\n"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def copy_plots(folder: Path, name: str, outputs: dict[int, Path]) -> list[tuple[str, str]]:
    """Copy the small plots of every seed's output into `folder/name/`; returns (caption, path
    relative to the note) pairs.  The folder appears in one rename."""
    found = []
    for seed, out in sorted(outputs.items()):
        if not out.is_dir():
            continue
        for path in sorted(out.rglob("*")):
            if path.suffix.lower() in PLOT_SUFFIXES and path.is_file() and path.stat().st_size <= MAX_PLOT_BYTES:
                flat = path.relative_to(out).as_posix().replace("/", "-")
                found.append((seed, path, f"seed-{seed}-{flat}"))
    if not found:
        return []
    target = folder / name
    tmp = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir(parents=True)
    try:
        for _, path, flat in found:
            shutil.copyfile(path, tmp / flat)
        if target.exists():
            shutil.rmtree(target)  # left by an interrupted earlier attempt at this very run
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [(f"{flat} (seed {seed})", f"{name}/{flat}") for seed, _, flat in found]


def write(base_root: Path, evidence_dir: str, exp: Experiment, verdicts: list["Verdict"],
          metrics: dict[str, "MetricSummary"], run: RunInfo, outputs: dict[int, Path]) -> Path:
    """Write the evidence note of one run (plots first, then the note); returns its path."""
    folder = base_root / evidence_dir
    name = note_name(exp.name, run.key)
    plots = copy_plots(folder, name, outputs)
    path = folder / f"{name}.md"
    atomic.write_text(path, render(exp, verdicts, metrics, run, plots, name))
    return path


def supersede(base: "ClaimBase", exp: Experiment, new_name: str, run_key: str) -> tuple[list[str], list[str]]:
    """Mark the older current evidence of `exp` (same profile) superseded by `new_name`.
    Returns (paths edited, warnings)."""
    edited, warnings = [], []
    for i in evidence_of(base, exp.node):
        note = base.notes[i]
        run = run_meta(note)
        status = note.meta.get("status")
        if run.get("key") == run_key or run.get("profile", "standard") != exp.profile:
            continue
        if isinstance(status, str) and status in OUT_EVIDENCE_STATUS:
            continue
        try:
            if noteedit.edit_file(base.root / note.path, {"status": "superseded", "superseded_by": f"[[{new_name}]]"}):
                edited.append(note.path)
        except (noteedit.EditError, OSError) as err:
            warnings.append(f"{note.path}: could not be marked superseded: {err}")
    return edited, warnings


def record_evaluated(base: "ClaimBase", claims: list[int], day: dt.date) -> tuple[list[str], list[str]]:
    """Set `last_evaluated` on the claims a run judged.  Returns (paths edited, warnings)."""
    edited, warnings = [], []
    for node in sorted(set(claims)):
        note = base.notes[node]
        if not note.arguable:
            continue
        try:
            if noteedit.edit_file(base.root / note.path, {"last_evaluated": day.isoformat()}):
                edited.append(note.path)
        except (noteedit.EditError, OSError) as err:
            warnings.append(f"{note.path}: last_evaluated not recorded: {err}")
    return edited, warnings
