"""`claims run`: run the base's experiments as cached jobs and write their evidence notes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import typer

from .common import display_prefix, fail, load_config, open_base

EXECUTORS = ("local", "dask")


def _settings(config) -> dict[str, Any]:
    """`[tool.claims.run]`, checked."""
    settings = dict(config.sections.get("run", {}))
    where = f"{config.source or 'pyproject.toml'}: [tool.claims.run]"
    kinds = {"profile": str, "jobs": int, "executor": str, "address": str, "libraries": list}
    for name, value in settings.items():
        wanted = kinds.get(name.replace("-", "_"))
        if wanted is None:
            raise fail(f"{where} has an unknown setting '{name}'; known: {', '.join(kinds)}")
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise fail(f"{where} {name} should be a {wanted.__name__}, found {value!r}")
    return {k.replace("-", "_"): v for k, v in settings.items()}


def run(
    experiments: Optional[list[str]] = typer.Argument(None, help="Experiments to run (names or paths); their upstream experiments come along. Default: every experiment in the base.", show_default=False),
    base_path: Optional[Path] = typer.Option(None, "--base", "-b", help="The claim base (default: \\[tool.claims] base, or the current folder)."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show the plan (what would run, what is cached and why) and stop."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Parameter profile: smoke, standard or extended, as the notes define them (default: \\[tool.claims.run] profile, else standard)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Jobs at a time (local executor) or workers to start (LocalCluster). Default: the number of CPUs."),
    executor_name: Optional[str] = typer.Option(None, "--executor", "-e", help="Where jobs run: local (worker processes on this machine) or dask."),
    address: Optional[str] = typer.Option(None, "--address", help="A Dask scheduler to send the jobs to, e.g. tcp://10.0.0.5:8786 (with --executor dask; default: start a LocalCluster)."),
    device: str = typer.Option("cpu", "--device", help="The torch device jobs are given (ctx.device); part of the cache key."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where job outputs are cached (default: .claims-cache at the project root)."),
) -> None:
    """Run experiments as linked jobs: plan the DAG, run what is stale, write evidence notes.

    One job is one (experiment, seed); a job whose key (parameters, seed, code, upstream outputs,
    library versions) is already in the cache is never run again.  Exit status: 0 when every job
    finished, 1 when some failed, 2 on a usage error or a plan that cannot run.
    """
    import gc

    gc.enable()  # a long-running command: let the cyclic collector do its work
    config = load_config(base_path)
    if cache_dir is not None:
        config.cache_dir = cache_dir.resolve()
    settings = _settings(config)
    profile = profile or settings.get("profile", "standard")
    executor_name = executor_name or settings.get("executor", "local")
    if executor_name not in EXECUTORS:
        raise fail(f"unknown --executor '{executor_name}'; choose local or dask")
    address = address or settings.get("address")
    if address and executor_name != "dask":
        raise fail("--address needs --executor dask")
    jobs = jobs or settings.get("jobs") or os.cpu_count() or 1
    libraries = tuple(settings.get("libraries", ("numpy", "torch")))

    from .. import names

    if names.safe_relpath(config.evidence_dir) is None:
        raise fail(f"evidence-dir '{config.evidence_dir}' must be a folder inside the base")
    base, config = open_base(None, config=config)
    prefix = display_prefix(base.root)

    from ..jobs.plan import PlanError, make_plan
    from ..jobs.store import Store

    store = Store(config.cache_dir)
    try:
        plan = make_plan(base, config, store, experiments, profile, device, libraries)
    except PlanError as err:
        raise fail(f"{prefix if err.path else ''}{err}") from None
    _check_profile(base, plan)
    from .common import console

    out = console()
    _show_plan(out, plan, base)
    if dry_run or not plan.experiments:
        return

    import signal
    import time

    from ..jobs import schedule
    from ..jobs.lock import Busy, RunLock
    from ..jobs.plan import CACHED

    def terminate(signum, frame):  # SIGTERM cleans up like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        with RunLock(store.root / "lock"):
            store.prepare()
            for job in plan.to_run:  # another run may have finished some while we planned
                if store.has(job.key):
                    job.state, job.reason = CACHED, "finished by another run"
            executor = _executor(executor_name, address, jobs, config.cache_dir)
            started = time.monotonic()
            report = schedule.run(plan, base, config.evidence_dir, store, executor, out, _search_root(config))
    except KeyboardInterrupt:
        raise fail("interrupted: running jobs were stopped; finished jobs stay in the cache", 130) from None
    except Busy as err:
        raise fail(str(err)) from None
    except ConnectionError as err:
        raise fail(str(err)) from None
    _summarise(out, report, plan, base.root, prefix, executor, time.monotonic() - started)
    if any(not o.ok for o in report.outcomes.values()):
        raise typer.Exit(1)


def _search_root(config) -> tuple[str, ...]:
    from ..jobs.plan import search_path

    return (search_path(config)[0],)


def _executor(name: str, address: str | None, jobs: int, cache_dir: Path):
    if name == "local":
        from ..jobs.local import LocalExecutor

        return LocalExecutor(jobs)
    try:
        from ..jobs.daskexec import DaskExecutor
    except ImportError:
        raise fail("--executor dask needs the dask and distributed packages: pip install 'dask[distributed]'") from None
    return DaskExecutor(cache_dir, address, jobs)


SHOW_ALL = 20  # up to this many experiments, the plan lists the ones already up to date too


KNOWN_PROFILES = ("smoke", "standard", "extended")


def _check_profile(base, plan) -> None:
    """A profile outside the three documented ones that no selected note defines is almost always
    a typo: refuse it rather than quietly running every job with its default parameters."""
    if plan.profile in KNOWN_PROFILES or not plan.experiments:
        return
    defined: set[str] = set()
    for exp in plan.experiments:
        profiles = base.notes[exp.node].meta.get("profiles")
        if isinstance(profiles, dict):
            defined.update(str(name) for name in profiles)
    if plan.profile not in defined:
        known = ", ".join(sorted(defined | set(KNOWN_PROFILES)))
        raise fail(f"no selected experiment defines the profile '{plan.profile}' (defined: {known})")


def _show_plan(out, plan, base) -> None:
    from rich.table import Table

    from ..jobs import evidence
    from ..jobs.plan import RUN

    if not plan.experiments:
        out.print("no experiments in the base")
        return
    n = len(plan.experiments)
    table = Table(title=f"plan: {n} experiment{'s' if n != 1 else ''}, {len(plan.to_run)} of {len(plan.jobs)} jobs to run (profile {plan.profile})",
                  title_justify="left", show_edge=False, pad_edge=False)
    for col in ("experiment", "seeds", "run", "cached", "why", "evidence"):
        table.add_column(col, overflow="fold")
    quiet = 0
    for exp in plan.experiments:
        jobs = plan.jobs_of(exp)
        stale = [j for j in jobs if j.state == RUN]
        reasons = list(dict.fromkeys(j.reason for j in stale))
        if not exp.predictions:
            note = "none (no predictions)"
        elif evidence.existing(base, exp, plan.run_keys[exp.node]) is not None:
            note = "up to date"
        else:
            note = f"new: {evidence.note_name(exp.name, plan.run_keys[exp.node])}"
        if not stale and note == "up to date" and len(plan.experiments) > SHOW_ALL:
            quiet += 1
            continue
        table.add_row(exp.name, ",".join(map(str, exp.seeds)), str(len(stale)), str(len(jobs) - len(stale)),
                      "; ".join(reasons) if reasons else "-", note)
    if table.row_count:
        out.print(table)
    else:
        out.print(table.title, markup=False, highlight=False)
    if quiet:
        what = f"{quiet} more experiment{'s' if quiet != 1 else ''}" if table.row_count else f"all {quiet} experiments"
        out.print(f"{what} up to date: every job cached, evidence written", markup=False, highlight=False)


def _summarise(out, report, plan, base_root: Path, prefix: str, executor, seconds: float) -> None:
    from ..jobs.plan import CACHED
    from ..jobs.runner import CANCELLED, DONE, FAILED, SKIPPED

    ran = report.count(DONE)
    cached = sum(1 for j in plan.jobs if j.state == CACHED)
    lines = [f"ran {ran} job{'s' if ran != 1 else ''} in {seconds:.1f} s ({executor.name} executor, {executor.where}); {cached} cached"]
    labels = {j.key: j.label for j in plan.jobs}
    for state in (FAILED, SKIPPED, CANCELLED):
        lines += [f"{state}: {labels[key]}: {o.reason}" for key, o in report.outcomes.items() if o.state == state]
    lines += [f"evidence written: {prefix}{path.relative_to(base_root).as_posix()}" for path in report.written]
    if len(report.unchanged) > SHOW_ALL:
        lines.append(f"evidence up to date for {len(report.unchanged)} experiments")
    elif report.unchanged:
        lines.append(f"evidence up to date: {', '.join(report.unchanged)}")
    lines += [f"superseded: {prefix}{path}" for path in report.superseded]
    if report.evaluated:
        lines.append(f"last_evaluated recorded on {len(report.evaluated)} claim{'s' if len(report.evaluated) != 1 else ''}")
    lines += [f"no evidence for '{name}': it states no predictions" for name in report.without_predictions]
    lines += [f"warning: {warning}" for warning in report.warnings]
    out.print("\n".join(lines), markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
