"""Benchmark `claims lint` on synthetic claim bases of 1k, 10k and 100k notes.

For each size the script generates a base with bench/synth.py (or reuses one cached under
`bench-out/bases/`, keyed on size, seed, defect rate and generator version), then runs the CLI as a
child process in four phases that share one lint cache dir:

  cold   a fresh, empty cache dir
  warm   the same command again, nothing changed
  touch  one note's mtime moved forward, content unchanged (the cache must fall back to its hash)
  edit   one sentence appended to that note (one file must be parsed again)

The note is restored (content and mtime) afterwards, so the cached base stays as generated. Each
run goes through a tiny wrapper so that the peak RSS reported is that run's own: GNU
`/usr/bin/time -f %M` when present, else a fresh Python process reading
getrusage(RUSAGE_CHILDREN). With `--repeat N` the whole sequence runs N times (a new cold cache
each time) and the medians are reported. Findings per rule come from the cold run's JSON output.

Usage (from the repository root):  PYTHONPATH=tool python bench/lint_bench.py [--sizes 1000,10000]
Test the harness without the tool: python bench/lint_bench.py --sizes 1000 --cmd "python -c pass"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402  (bench/ is a folder of scripts, not a package)

REPO_ROOT = Path(__file__).resolve().parent.parent
PHASES = ("cold", "warm", "touch", "edit")
TIME_BIN = "/usr/bin/time"
MB = 1024 * 1024

#: Targets from issue 2: (size, phase) -> wall seconds; size -> peak RSS bytes for every phase.
WALL_TARGETS = {(10_000, "cold"): 3.0, (10_000, "warm"): 0.5, (100_000, "cold"): 60.0}
RSS_TARGETS = {100_000: 4 * 1024 * MB}

# Runs a command and writes "<wall seconds> <max RSS in KiB>" of that command to argv[1].
_PY_WRAPPER = """\
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
rc = subprocess.call(cmd)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write(f"{wall} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(rc if rc >= 0 else 128 - rc)
"""


@dataclass
class Run:
    """One measured child process."""

    wall_s: float
    rss_kb: int
    rc: int
    stdout: str
    stderr: str


@dataclass
class PhaseResult:
    """The runs of one phase at one size, over all repeats."""

    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    rcs: list[int] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss_mb(self) -> float:
        return statistics.median(self.rss_kb) / 1024


@dataclass
class SizeResult:
    """Everything measured for one base size."""

    size: int
    base: str
    n_bytes: int
    generated_s: float | None  # None when the cached base was reused
    defects: dict[str, int]
    phases: dict[str, PhaseResult] = field(default_factory=dict)
    findings: dict[str, int] | None = None
    error: str | None = None


# ---------------------------------------------------------------------------------------------
# Bases
# ---------------------------------------------------------------------------------------------


def ensure_base(cache_root: Path, size: int, seed: int, defect_rate: float,
                regenerate: bool) -> tuple[Path, synth.SynthStats, bool]:
    """Return (base dir, its stats, whether it was generated now), generating it if not cached.

    stats.json is written last, so a generation that was interrupted is never taken for a base.
    """
    entry = cache_root / "bases" / f"n{size}-s{seed}-d{defect_rate:g}-v{synth.GENERATOR_VERSION}"
    base, stats_file = entry / "base", entry / "stats.json"
    if stats_file.is_file() and base.is_dir() and not regenerate:
        return base, synth.SynthStats.from_json(stats_file.read_text(encoding="utf-8")), False
    if entry.exists():
        shutil.rmtree(entry)
    stats = synth.generate(base, size, seed, defect_rate)
    tmp = stats_file.with_suffix(".tmp")
    tmp.write_text(stats.to_json(), encoding="utf-8")
    os.replace(tmp, stats_file)
    return base, stats, True


def edit_target(base: Path, stats: synth.SynthStats) -> Path:
    """A well-formed claim to touch and edit: the first by name in the largest domain folder."""
    skip = stats.defective_files()
    folder = base / "domains" / "ai-alignment"
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(base).as_posix()
        if path.name != "_map.md" and rel not in skip:
            return path
    raise RuntimeError(f"no editable claim in {folder}")


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment for the child, with PYTHONPATH made absolute (runs may change cwd)."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    return env


def measure(cmd: list[str], env: dict[str, str], timeout: float, method: str) -> Run:
    """Run `cmd` once through the chosen RSS wrapper; kill its whole process group on timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage"
        if method == "time":
            argv = [TIME_BIN, "-f", "%M", "-o", str(report), *cmd]
        else:
            argv = [sys.executable, "-c", _PY_WRAPPER, str(report), *cmd]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return Run(timeout, 0, 124, out.decode(errors="replace"),
                       f"timed out after {timeout:.0f} s\n" + err.decode(errors="replace"))
        wall = time.perf_counter() - started
        fields = report.read_text().split("\n") if report.exists() else []
        usage = [line for line in fields if line.strip()]
        if method == "time":
            # GNU time puts "Command exited with non-zero status N" before the figure.
            rss_kb = int(usage[-1]) if usage else 0
        else:
            wall_text, rss_text = usage[-1].split() if usage else (wall, 0)
            wall, rss_kb = float(wall_text), int(rss_text)
        return Run(wall, rss_kb, proc.returncode, out.decode(errors="replace"),
                   err.decode(errors="replace"))


def count_findings(stdout: str) -> dict[str, int] | None:
    """Findings per rule from the JSON report (a list, or an object with a `findings` list)."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("findings")
    if not isinstance(data, list):
        return None
    counts = Counter(str(item.get("rule")) for item in data if isinstance(item, dict))
    return dict(sorted(counts.items()))


def lint_command(template: str | None, base: Path, cache_dir: Path) -> list[str]:
    if template is None:
        return [sys.executable, "-m", "claimbase", "lint", str(base), "--format", "json",
                "--cache-dir", str(cache_dir)]
    return [tok.replace("{base}", str(base)).replace("{cache_dir}", str(cache_dir))
            for tok in shlex.split(template)]


def bench_size(size: int, args: argparse.Namespace, method: str, env: dict[str, str]) -> SizeResult:
    """Generate or reuse the base of this size and measure every phase `args.repeat` times."""
    base, stats, generated = ensure_base(args.cache_dir, size, args.seed, args.defect_rate,
                                         args.regenerate)
    if generated:
        print(f"  generated {size:,} notes in {stats.seconds:.1f} s "
              f"({size / stats.seconds:,.0f} notes/s, {stats.write_seconds:.1f} s writing), "
              f"{stats.n_bytes / MB:.1f} MB", flush=True)
    result = SizeResult(size, str(base), stats.n_bytes, stats.seconds if generated else None,
                        {k: len(v) for k, v in stats.defects.items()},
                        {p: PhaseResult() for p in PHASES})
    target = edit_target(base, stats)
    original, st = target.read_bytes(), target.stat()
    for rep in range(args.repeat):
        cache_dir = args.cache_dir / "lint-cache" / f"n{size}-r{rep}"
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        cache_dir.mkdir(parents=True)
        cmd = lint_command(args.cmd, base, cache_dir)
        try:
            for phase in PHASES:
                if phase == "touch":
                    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
                elif phase == "edit":
                    target.write_bytes(original + b"\nOne more sentence, added by the benchmark.\n")
                run = measure(cmd, env, args.timeout, method)
                findings = count_findings(run.stdout)
                failed = run.rc in (2, 124) or (args.cmd is None and findings is None)
                if failed:
                    tail = "\n".join(run.stderr.strip().splitlines()[-15:])
                    result.error = f"{phase} run exited {run.rc}:\n{tail}"
                    return result
                pr = result.phases[phase]
                pr.walls.append(run.wall_s)
                pr.rss_kb.append(run.rss_kb)
                pr.rcs.append(run.rc)
                if phase == "cold" and rep == 0:
                    result.findings = findings
                print(f"  {size:>7,} {phase:<5} run {rep + 1}: {run.wall_s:7.2f} s "
                      f"{run.rss_kb / 1024:8.1f} MB  rc {run.rc}", flush=True)
        finally:
            target.write_bytes(original)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    return result


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def target_text(size: int, phase: str) -> str:
    parts = []
    if (size, phase) in WALL_TARGETS:
        parts.append(f"<= {WALL_TARGETS[size, phase]:g} s")
    if size in RSS_TARGETS:
        parts.append(f"<= {RSS_TARGETS[size] / MB / 1024:g} GB")
    return ", ".join(parts)


def target_ok(size: int, phase: str, pr: PhaseResult) -> bool | None:
    checks = []
    if (size, phase) in WALL_TARGETS:
        checks.append(pr.wall_s <= WALL_TARGETS[size, phase])
    if size in RSS_TARGETS:
        checks.append(pr.rss_mb * MB <= RSS_TARGETS[size])
    return all(checks) if checks else None


def print_report(results: list[SizeResult], args: argparse.Namespace, method: str) -> None:
    print(f"\nclaims lint benchmark: generator v{synth.GENERATOR_VERSION}, seed {args.seed}, "
          f"defect rate {args.defect_rate:g}, median of {args.repeat}, RSS via {method}")
    print(f"{'notes':>8} {'MiB':>7}  {'phase':<6} {'wall s':>8} {'RSS MiB':>8}  target")
    for res in results:
        for i, phase in enumerate(PHASES):
            pr = res.phases[phase]
            head = f"{res.size:>8,} {res.n_bytes / MB:>7.1f}" if i == 0 else " " * 16
            if not pr.walls:
                print(f"{head}  {phase:<6} {'-':>8} {'-':>8}")
                continue
            ok = target_ok(res.size, phase, pr)
            verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
            print(f"{head}  {phase:<6} {pr.wall_s:>8.2f} {pr.rss_mb:>8.1f}  "
                  f"{target_text(res.size, phase)}{verdict}")
        if res.error:
            print(f"{'':>16}  FAILED: {res.error}")
    rules = sorted({r for res in results for r in (res.findings or {})})
    if rules:
        print("\nfindings per rule (cold run)")
        print(f"{'rule':<24}" + "".join(f"{res.size:>10,}" for res in results))
        for rule in rules:
            print(f"{rule:<24}" + "".join(f"{(res.findings or {}).get(rule, 0):>10,}"
                                          for res in results))
    print("\nplanted defects (files; see bench/synth.py)")
    kinds = list(synth.DEFECT_KINDS)
    print(f"{'kind':<24}" + "".join(f"{res.size:>10,}" for res in results))
    for kind in kinds:
        print(f"{kind:<24}" + "".join(f"{res.defects.get(kind, 0):>10,}" for res in results))


def to_json(results: list[SizeResult], args: argparse.Namespace, method: str) -> dict:
    sizes = []
    for res in results:
        entry = asdict(res)
        entry["phases"] = {
            phase: {**asdict(pr), "wall_s": pr.wall_s, "rss_mb": pr.rss_mb,
                    "target": target_text(res.size, phase) or None,
                    "ok": target_ok(res.size, phase, pr)}
            for phase, pr in res.phases.items() if pr.walls}
        sizes.append(entry)
    return {
        "generator_version": synth.GENERATOR_VERSION, "seed": args.seed,
        "defect_rate": args.defect_rate, "repeat": args.repeat, "rss_method": method,
        "command": args.cmd or "python -m claimbase lint BASE --format json --cache-dir DIR",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "sizes": sizes,
    }


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for item in text.split(","):
        item = item.strip().lower().replace("_", "")
        sizes.append(int(float(item[:-1]) * 1000) if item.endswith("k") else int(item))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark `claims lint` on synthetic bases.")
    parser.add_argument("--sizes", type=parse_sizes, default=[1_000, 10_000, 100_000],
                        help="comma-separated note counts, e.g. 1000,10k (default 1k,10k,100k)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; medians reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect-rate", type=float, default=0.03)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "bench-out",
                        help="where generated bases and lint caches live (default bench-out/)")
    parser.add_argument("--regenerate", action="store_true", help="ignore cached bases")
    parser.add_argument("--cmd", help="replace the lint command (shell words; {base} and "
                                      "{cache_dir} are substituted), e.g. \"python -c pass\"")
    parser.add_argument("--rss", choices=("auto", "time", "python"), default="auto",
                        help="RSS wrapper: GNU time, a Python wrapper, or time when present")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.cache_dir = args.cache_dir.resolve()
    method = args.rss
    if method == "auto":
        method = "time" if os.access(TIME_BIN, os.X_OK) else "python"

    env = child_env()
    results = []
    for size in args.sizes:
        print(f"size {size:,}", flush=True)
        results.append(bench_size(size, args, method, env))
    print_report(results, args, method)
    if args.json:
        args.json.write_text(json.dumps(to_json(results, args, method), indent=1) + "\n",
                             encoding="utf-8")
    return 1 if any(res.error for res in results) else 0


if __name__ == "__main__":
    sys.exit(main())
