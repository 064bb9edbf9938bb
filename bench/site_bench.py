"""Benchmark of `claims site build` on synthetic bases (bench/synth.py), beside Quartz and Hugo.

For each size the script builds the site in a fresh process, as a user would:

* cold        - no output folder, no parse cache: everything parsed, rendered, indexed, laid out;
* cold-parsed - no output folder, but the parse cache kept: the site's own work plus opening the base;
* unchanged   - nothing changed since the last build: nothing is written;
* edit        - one sentence appended to one claim: `claims site build` in a new process;

and then, in this process, what `claims site serve` does after an edit: re-parse the changed note,
graph, labelling, lint, and an incremental build (`rebuild`).

Wall time and CPU time (user + system, of the child and its render workers) are reported; on a
shared machine the CPU time is the steadier figure.  The machine's load average is printed with
the results.  Run from the repository root:

    PYTHONPATH=tool python bench/site_bench.py                     # 10,000 notes
    PYTHONPATH=tool python bench/site_bench.py --sizes 1000,10000 --repeat 3 --json bench-out/site.json
    PYTHONPATH=tool python bench/site_bench.py --out-root /dev/shm # output on tmpfs: no disk noise
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO_ROOT / "tool"))

from lint_bench import child_env, edit_target, ensure_base  # noqa: E402

# Published figures to set ours beside (DESIGN §7).
QUARTZ = ("Quartz v4", 5_000, 9.8)  # notes, seconds
HUGO_PAGES_PER_S = 1_700
TARGETS = {"cold": 10.0, "edit": 1.0, "rebuild": 1.0}  # seconds at 10,000 notes


@dataclass
class Phase:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    written: list[int] = field(default_factory=list)

    def median(self, what: str) -> float:
        values = getattr(self, what)
        return statistics.median(values) if values else float("nan")


@dataclass
class SizeResult:
    size: int
    pages: int = 0
    phases: dict[str, Phase] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _settle(seconds: float = 3.0) -> None:
    """Let the file system finish deleting the previous output before the next timed build.

    Deleting 10,000 files is slow on some disks (on the 2-core machine this was measured on, far
    slower than writing them) and the kernel finishes it in the background: without a pause, that
    work lands inside the next build's timing, though removing old output is no part of a build."""
    os.sync()
    time.sleep(seconds)


def run_build(base: Path, out: Path, cache: Path, env: dict[str, str]) -> tuple[float, float, int, int]:
    """One `claims site build` in a new process: (wall s, cpu s, pages, pages written)."""
    cmd = [sys.executable, "-m", "claimbase", "site", "build", str(base), "--out", str(out), "--cache-dir", str(cache)]
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - started
    after = os.times()
    if proc.returncode != 0:
        raise RuntimeError(f"build failed ({proc.returncode}): {proc.stderr.strip()}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    m = re.search(r"^(\d+) pages \((\d+) written", proc.stdout, re.M)
    if not m:
        raise RuntimeError(f"unexpected output: {proc.stdout!r}")
    return wall, cpu, int(m.group(1)), int(m.group(2))


def in_process_rebuilds(base: Path, out: Path, cache: Path, target: Path, repeat: int) -> Phase:
    """What `claims site serve` does after an edit, measured `repeat` times in this process."""
    import gc

    from claimbase.config import load
    from claimbase.site.build import BuildOptions
    from claimbase.site.serve import LiveBase, rebuild_once
    from claimbase.site.templates import find_site_files

    gc.disable()  # as in the command line
    config = load(base)
    config.cache_dir = cache
    options = BuildOptions(out=out.resolve(), title=f"{base.name}: a claim base", files=find_site_files())
    live = LiveBase(config)
    rebuild_once(live, options)
    original = target.read_bytes()
    phase = Phase()
    try:
        for k in range(repeat):
            target.write_bytes(original + f"\nAn edit, number {k}.\n".encode())
            cpu0, started = time.process_time(), time.perf_counter()
            entries = live.changed()
            report = rebuild_once(live, options, entries)
            phase.wall.append(time.perf_counter() - started)
            phase.cpu.append(time.process_time() - cpu0)
            phase.written.append(report.rendered)
    finally:
        target.write_bytes(original)
        gc.enable()
    return phase


def bench_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> SizeResult:
    base, stats, generated = ensure_base(Path(args.cache_root), size, args.seed, args.defect_rate, False)
    if generated:
        print(f"  generated a {size:,}-note base in {base}", file=sys.stderr)
    target = edit_target(base, stats)
    work = Path(args.out_root) / f"site-n{size}"
    out, cache = work / "site", work / "cache"
    result = SizeResult(size, load_before=os.getloadavg())
    for name in ("cold", "cold-parsed", "unchanged", "edit", "rebuild"):
        result.phases[name] = Phase()
    original = target.read_bytes()
    try:
        for k in range(args.repeat):
            shutil.rmtree(work, ignore_errors=True)
            _settle()
            work.mkdir(parents=True)
            wall, cpu, pages, n = run_build(base, out, cache, env)
            result.pages = pages
            _add(result.phases["cold"], wall, cpu, n)
            shutil.rmtree(out)
            _settle()
            _add(result.phases["cold-parsed"], *_pick(run_build(base, out, cache, env)))
            _add(result.phases["unchanged"], *_pick(run_build(base, out, cache, env)))
            target.write_bytes(original + f"\nOne more sentence, run {k}.\n".encode())
            _add(result.phases["edit"], *_pick(run_build(base, out, cache, env)))
            target.write_bytes(original)
            print(f"  {size:,} notes, round {k + 1}/{args.repeat} done", file=sys.stderr)
        result.phases["rebuild"] = in_process_rebuilds(base, out, cache, target, max(3, args.repeat))
    finally:
        target.write_bytes(original)
    result.load_after = os.getloadavg()
    return result


def _pick(run: tuple[float, float, int, int]) -> tuple[float, float, int]:
    return run[0], run[1], run[3]


def _add(phase: Phase, wall: float, cpu: float, written: int) -> None:
    phase.wall.append(wall)
    phase.cpu.append(cpu)
    phase.written.append(written)


def report(results: list[SizeResult], args: argparse.Namespace) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nclaims site build - medians (and best) of {args.repeat} run(s); {cores} CPU cores; output under {args.out_root}")
    header = f"{'notes':>7} {'phase':<12} {'wall s':>8} {'best s':>8} {'cpu s':>8} {'written':>8} {'pages/s':>8}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        for name, phase in r.phases.items():
            wall = phase.median("wall")
            rate = f"{r.pages / wall:,.0f}" if name.startswith("cold") else ""
            target = TARGETS.get(name)
            mark = ""
            if target is not None and r.size == 10_000:
                mark = f"<= {target:g} s: {'yes' if wall <= target else 'NO'}"
            print(f"{r.size:>7,} {name:<12} {wall:>8.2f} {min(phase.wall):>8.2f} {phase.median('cpu'):>8.2f} "
                  f"{int(statistics.median(phase.written)) if phase.written else 0:>8,} {rate:>8}  {mark}")
        print(f"{'':>7} load average before {r.load_before[0]:.2f}, after {r.load_after[0]:.2f} "
              f"(1 min); {r.pages:,} pages")
    name, notes, seconds = QUARTZ
    print(f"\nPublished, for comparison: {name}, {notes:,} notes in {seconds} s (~{notes / seconds:,.0f} pages/s); "
          f"Hugo ~{HUGO_PAGES_PER_S:,} pages/s on a real 2,000-page site.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark `claims site build` on synthetic bases.")
    parser.add_argument("--sizes", default="10000", help="Comma-separated numbers of notes (default 10000).")
    parser.add_argument("--repeat", type=int, default=1, help="Rounds per size; medians are reported.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic base.")
    parser.add_argument("--defect-rate", type=float, default=0.03, help="Share of files with a planted defect.")
    parser.add_argument("--cache-root", default=str(REPO_ROOT / "bench-out"), help="Where generated bases are kept.")
    parser.add_argument("--out-root", default=str(REPO_ROOT / "bench-out" / "site-bench"),
                        help="Where sites and parse caches are built (e.g. /dev/shm to leave the disk out).")
    parser.add_argument("--json", help="Also write the raw results to this file.")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("k", "000").replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "tool")] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    results = [bench_size(size, args, env) for size in sizes]
    report(results, args)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
