"""Driving a plan through an executor: submit the stale jobs in dependency order, follow them,
keep the run index, and write each experiment's evidence as soon as all its jobs have finished.

An experiment any of whose jobs failed gets no evidence; its finished jobs stay in the cache, so
the next run starts where this one stopped.  Ctrl-C cancels what is running and leaves no partial
file behind: outputs enter the cache and notes enter the base by rename only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import evidence
from .experiments import Experiment
from .plan import CACHED, Plan
from .progress import Display
from .runner import DONE, FAILED, SKIPPED, JobSpec, Outcome
from .store import Store

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from ..base import ClaimBase


@dataclass
class RunReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # job key -> outcome (jobs that ran)
    written: list[Path] = field(default_factory=list)  # new evidence notes
    unchanged: list[str] = field(default_factory=list)  # experiments whose evidence was already there
    without_predictions: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes.values() if o.state == state)


def spec_for(job, plan: Plan, store: Store, executor: str, path: tuple[str, ...]) -> JobSpec:
    exp = job.experiment
    return JobSpec(
        key=job.key, label=job.label, experiment=exp.name, entry=exp.entry or "", params=exp.params, seed=job.seed,
        inputs={name: str(store.out_dir(key)) for name, key in job.upstream.items()}, cache_dir=str(store.root.parent),
        device=plan.env.get("device", "cpu"), timeout=exp.timeout, path=path, executor=executor,
    )


def run(plan: Plan, base: "ClaimBase", evidence_dir: str, store: Store, executor: Any, console: "Console",
        path: tuple[str, ...], today: dt.date | None = None) -> RunReport:
    """Run the plan's stale jobs and write evidence; raises KeyboardInterrupt after cleaning up."""
    report = RunReport()
    done_keys = {j.key for j in plan.jobs if j.state == CACHED}
    written: set[int] = set()
    upstream_of = {j.key: list(j.upstream.values()) for j in plan.jobs}
    specs: dict[str, JobSpec] = {}
    handles: dict[str, Any] = {}
    jobs_by_key: dict[str, list] = {}
    for job in plan.to_run:
        jobs_by_key.setdefault(job.key, []).append(job)  # two experiments may share a job
    to_run = [jobs[0] for jobs in jobs_by_key.values()]
    for job in to_run:
        specs[job.key] = spec_for(job, plan, store, executor.name, path)
    today = today or dt.date.today()

    def settle() -> None:
        """Write the evidence of every experiment whose jobs have all finished."""
        for exp in plan.experiments:
            if exp.node not in written and all(j.key in done_keys for j in plan.jobs_of(exp)):
                written.add(exp.node)
                _write_evidence(exp, plan, base, evidence_dir, store, report, today)

    display = Display(console, to_run)
    try:
        with display:
            settle()
            for job in to_run:
                deps = [handles[k] for k in upstream_of[job.key] if k in handles]
                handles[job.key] = executor.submit(specs[job.key], deps)
            pending = dict(handles)
            saved = time.monotonic()
            by_handle = {id(h): k for k, h in handles.items()}
            position = {job.key: i for i, job in enumerate(to_run)}
            while pending:
                done = sorted((by_handle[id(h)] for h in executor.wait(pending.values(), timeout=0.25)), key=position.__getitem__)
                for key in done:  # upstream first, so that a job behind a failed one reads as skipped
                    outcome = executor.outcome(handles[key], specs[key])
                    if outcome.state in (FAILED, SKIPPED) and any(
                        report.outcomes.get(k) is not None and not report.outcomes[k].ok for k in upstream_of[key]
                    ):
                        outcome = Outcome(key, SKIPPED, "an upstream job did not finish")
                    report.outcomes[key] = outcome
                    del pending[key]
                    display.finish(key, outcome)
                    if outcome.state == DONE:
                        done_keys.add(key)
                        for job in jobs_by_key[key]:
                            store.remember(job.experiment.path, job.seed, plan.profile, job.record)
                        if time.monotonic() - saved > 1.0:  # the index is for explanations: once a second will do
                            store.save()
                            saved = time.monotonic()
                        settle()
                display.poll(executor.progress, list(pending))
    except KeyboardInterrupt:
        executor.cancel()
        raise
    finally:
        executor.close()
        store.save()
        shutil.rmtree(store.tmp, ignore_errors=True)
    return report


def _write_evidence(exp: Experiment, plan: Plan, base: "ClaimBase", evidence_dir: str, store: Store,
                    report: RunReport, today: dt.date) -> None:
    if not exp.predictions:
        report.without_predictions.append(exp.name)
        return
    run_key = plan.run_keys[exp.node]
    name = evidence.note_name(exp.name, run_key)
    if evidence.existing(base, exp, run_key) is not None:
        report.unchanged.append(exp.name)
    else:
        jobs = plan.jobs_of(exp)
        results = {j.seed: store.result(j.key) for j in jobs}
        metrics = {seed: r["metrics"] for seed, r in results.items()}
        info = evidence.RunInfo(
            key=run_key, profile=exp.profile,
            started=min(r["started"] for r in results.values()), finished=max(r["finished"] for r in results.values()),
            host=", ".join(sorted({r.get("host", "?") for r in results.values()})),
            executor=", ".join(sorted({r.get("executor", "local") for r in results.values()})),
            code_version=jobs[0].record["code_version"], entry=exp.entry or "",
            params=exp.params, seeds=list(exp.seeds), env=plan.env, jobs={j.seed: j.key for j in jobs},
        )
        from . import aggregate  # numpy: only when there is something to decide

        verdicts = aggregate.decide(exp, metrics)
        summaries = aggregate.summarise(exp.seeds, metrics)
        outputs = {j.seed: store.out_dir(j.key) for j in jobs}
        report.written.append(evidence.write(base.root, evidence_dir, exp, verdicts, summaries, info, outputs))
        if not exp.smoke:
            claims = [p.claim_node for p in exp.predictions if p.claim_node is not None]
            edited, warnings = evidence.record_evaluated(base, claims, today)
            report.evaluated += edited
            report.warnings += warnings
    edited, warnings = evidence.supersede(base, exp, name, run_key)
    report.superseded += edited
    report.warnings += warnings
