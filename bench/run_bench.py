"""Benchmark `claims run`: the no-op run over cached experiments, and the scheduling overhead per job.

Three figures, each the median of several repeats:

  noop    `claims run` (the CLI, as a user types it) over a base of 200 experiments whose jobs are all
          cached and whose evidence is up to date: plan, key every job, find every result, write
          nothing.  Target: <= 1 s.
  local   wall time per trivial job (`claimbase.jobs.toy:noop`) on the embedded executor, each job a
          fresh worker process: N jobs run through the scheduler, divided by N.  Reported for one job
          at a time (the full cost of one job) and for --jobs 2 (throughput on 2 cores).
          Target: <= 50 ms.
  dask    the same N jobs on a two-worker LocalCluster (processes=True), cluster start-up excluded.
          Target: <= 200 ms.

The machine is shared and noisy: the load average is printed beside the figures.

Usage (from the repository root):  PYTHONPATH=tool python bench/run_bench.py [--experiments 200]
    [--jobs-per-run 40] [--repeat 5] [--skip-dask]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOL = REPO_ROOT / "tool"
sys.path.insert(0, str(TOOL))

TARGETS = {"noop": 1.0, "local": 0.050, "dask": 0.200}

CLAIM = "---\ntype: claim\ndescription: A claim the benchmark experiments test.\nconfidence: speculative\n---\nBody.\n"


def experiment_note(i: int, seeds: list[int]) -> str:
    return (
        "---\ntype: experiment\ndescription: A trivial benchmark experiment.\n"
        f"job:\n  run: claimbase.jobs.toy:noop\n  params: {{index: {i}}}\n  seeds: {seeds}\n"
        'tests:\n  - claim: "[[bench claim]]"\n    prediction: {metric: x, direction: greater}\n---\n'
    )


def make_project(root: Path, experiments: int, seeds: list[int]) -> Path:
    (root / "pyproject.toml").write_text('[tool.claims]\nbase = "base"\n')
    base = root / "base"
    (base / "experiments").mkdir(parents=True)
    (base / "bench claim.md").write_text(CLAIM)
    for i in range(experiments):
        (base / "experiments" / f"bench experiment {i:04d}.md").write_text(experiment_note(i, seeds))
    return base


def cli(root: Path, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(TOOL)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "claimbase", *args], cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"claims {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return wall


def bench_noop(experiments: int, repeat: int) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="claims-run-bench-") as tmp:
        root = Path(tmp)
        make_project(root, experiments, [0])
        print(f"  filling the cache: {experiments} jobs ...", flush=True)
        fill = cli(root, "run", "--jobs", "2")
        print(f"  (first run, {experiments} jobs and evidence notes: {fill:.1f} s)")
        return [cli(root, "run") for _ in range(repeat)]


def bench_jobs(executor: str, jobs: int, n: int, repeat: int) -> list[float]:
    """Seconds per trivial job, one value per repeat (a fresh cache each time)."""
    from rich.console import Console

    from claimbase.base import open_base
    from claimbase.config import load
    from claimbase.jobs import schedule
    from claimbase.jobs.plan import make_plan, search_path
    from claimbase.jobs.store import Store

    per_job = []
    with tempfile.TemporaryDirectory(prefix="claims-run-bench-") as tmp:
        root = Path(tmp)
        base_dir = make_project(root, 1, list(range(n)))
        config = load(base_dir)
        executor_obj = None
        if executor == "dask":
            from claimbase.jobs.daskexec import DaskExecutor

            executor_obj = DaskExecutor(config.cache_dir, None, jobs)
            executor_obj.close = lambda: None  # keep the cluster across repeats; closed below
        try:
            for r in range(repeat):
                config.cache_dir = root / f"cache-{r}"
                store = Store(config.cache_dir)
                store.prepare()
                base = open_base(base_dir, config, use_cache=False)
                plan = make_plan(base, config, store)
                if executor == "local":
                    from claimbase.jobs.local import LocalExecutor

                    executor_obj = LocalExecutor(jobs)
                else:
                    executor_obj.store = store
                console = Console(file=open(os.devnull, "w"), force_terminal=False)
                t0 = time.perf_counter()
                report = schedule.run(plan, base, f"evidence-{r}", store, executor_obj, console, (search_path(config)[0],))
                wall = time.perf_counter() - t0
                failed = [o for o in report.outcomes.values() if not o.ok]
                if failed or len(report.outcomes) != n:
                    raise SystemExit(f"{executor}: {len(failed)} of {n} jobs failed: {failed[:1]}")
                per_job.append(wall / n)
        finally:
            if executor == "dask" and executor_obj is not None:
                executor_obj.client.close()
                executor_obj.cluster.close()
    return per_job


def report(name: str, what: str, values: list[float], target: float) -> bool:
    median = statistics.median(values)
    ok = median <= target
    unit, scale = ("ms", 1000) if target < 1 else ("s", 1)
    shown = ", ".join(f"{v * scale:.0f}" if unit == "ms" else f"{v:.2f}" for v in values)
    print(f"{name:<6} {what:<46} median {median * scale:8.{0 if unit == 'ms' else 2}f} {unit}"
          f"  (target <= {target * scale:g} {unit}: {'ok' if ok else 'MISSED'})  runs: {shown}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=200, help="experiments in the no-op base")
    parser.add_argument("--jobs-per-run", type=int, default=40, help="trivial jobs per overhead measurement")
    parser.add_argument("--repeat", type=int, default=5, help="repeats per figure (the median is reported)")
    parser.add_argument("--skip-dask", action="store_true", help="skip the LocalCluster figure")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    print("noop:")
    results.append(report("noop", f"no-op `claims run`, {args.experiments} cached experiments", bench_noop(args.experiments, args.repeat), TARGETS["noop"]))
    n = args.jobs_per_run
    results.append(report("local", f"per job, {n} trivial jobs, --jobs 1", bench_jobs("local", 1, n, args.repeat), TARGETS["local"]))
    results.append(report("local", f"per job, {n} trivial jobs, --jobs 2", bench_jobs("local", 2, n, args.repeat), TARGETS["local"]))
    if not args.skip_dask:
        results.append(report("dask", f"per job, {n} trivial jobs, LocalCluster of 2", bench_jobs("dask", 2, n, args.repeat), TARGETS["dask"]))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
