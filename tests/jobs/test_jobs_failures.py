"""Failure, interruption and concurrency: each case reports the job and why, writes no evidence for
it, keeps what finished, and a second run resumes without redoing it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from jobkit import TOY, claims, evidence_notes, experiment, project

from conftest import ROOT


def _resumes(tmp_path: Path, base: Path, flag: Path, failed_first: str) -> None:
    """After the first run failed, remove the flag: the second run reruns only the failed job."""
    assert evidence_notes(base) == []
    flag.unlink()
    second = claims(tmp_path, "run")
    assert second.code == 0, second.out + second.err
    assert "ran 1 job " in second.out and "2 cached" in second.out, second.out
    assert len(evidence_notes(base)) == 1
    assert failed_first


def _misbehaving(tmp_path: Path, entry: str, **params) -> tuple[Path, Path]:
    flag = tmp_path / "misbehave"
    flag.write_text("on")
    params = {"effect": 0.5, "bad_seeds": [1], "while_exists": str(flag), **params}
    base = project(tmp_path, {"exp.md": experiment(run=f"{TOY}:{entry}", params=params, timeout=params.pop("timeout", None))})
    return base, flag


def test_a_job_that_raises(tmp_path):
    base, flag = _misbehaving(tmp_path, "raises")
    first = claims(tmp_path, "run")
    assert first.code == 1
    assert "failed: exp · seed 1: raised ValueError: planted failure for seed 1 at " in first.out
    assert "toy.py" in first.out and "log: " in first.out
    _resumes(tmp_path, base, flag, first.out)


def test_a_job_killed_with_sigkill(tmp_path):
    base, flag = _misbehaving(tmp_path, "kills_itself")
    first = claims(tmp_path, "run")
    assert first.code == 1
    assert "failed: exp · seed 1: was killed by signal SIGKILL" in first.out
    _resumes(tmp_path, base, flag, first.out)


def test_a_job_over_its_timeout(tmp_path):
    base, flag = _misbehaving(tmp_path, "sleeps", seconds=60, timeout=1)
    started = time.monotonic()
    first = claims(tmp_path, "run")
    assert time.monotonic() - started < 20
    assert first.code == 1
    assert "failed: exp · seed 1: exceeded its timeout of 1 s and was killed" in first.out
    _resumes(tmp_path, base, flag, first.out)


def test_downstream_of_a_failure_is_skipped(tmp_path):
    flag = tmp_path / "misbehave"
    flag.write_text("on")
    base = project(tmp_path, {
        "up.md": experiment(run=f"{TOY}:raises", params={"bad_seeds": [2], "while_exists": str(flag)}),
        "down.md": experiment(run=f"{TOY}:downstream", needs=["up"], tests=[]),
    })
    result = claims(tmp_path, "run")
    assert result.code == 1
    assert "failed: up · seed 2" in result.out and "skipped: down · seed 2: an upstream job did not finish" in result.out
    assert evidence_notes(base) == []


def test_a_job_returning_nonsense(tmp_path):
    (tmp_path / "bad.py").write_text("def run(ctx):\n    return {'delta': 'high'}\n")
    base = project(tmp_path, {"exp.md": experiment(run="bad:run", seeds=[0])})
    result = claims(tmp_path, "run")
    assert result.code == 1
    assert "metric 'delta' is str 'high'; metrics must be numbers" in result.out
    assert evidence_notes(base) == []


def _start_run(tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "tool")])}
    return subprocess.Popen([sys.executable, "-m", "claimbase", "run", "-j", "2"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_running_job(tmp_path: Path, timeout: float = 30) -> None:
    tmp = tmp_path / ".claims-cache" / "runs" / "tmp"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if tmp.is_dir() and any(tmp.glob("*/spec.json")):
            time.sleep(0.3)
            return
        time.sleep(0.05)
    raise AssertionError("no job started")


def test_ctrl_c_leaves_no_partial_files(tmp_path):
    base = project(tmp_path, {"exp.md": experiment(run=f"{TOY}:sleeps", params={"seconds": 30}, seeds=[0, 1])})
    before = {p.relative_to(base) for p in base.rglob("*")}
    proc = _start_run(tmp_path)
    _wait_for_running_job(tmp_path)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "interrupted" in err
    assert {p.relative_to(base) for p in base.rglob("*")} == before
    runs = tmp_path / ".claims-cache" / "runs"
    assert not (runs / "tmp").exists() and not list((runs / "jobs").glob("*"))
    assert not [p for p in tmp_path.rglob("*.tmp")]
    time.sleep(0.5)
    assert _job_processes(tmp_path) == []


def test_two_runs_at_once_are_refused_with_a_clear_message(tmp_path):
    project(tmp_path, {"exp.md": experiment(run=f"{TOY}:sleeps", params={"seconds": 30}, seeds=[0])})
    first = _start_run(tmp_path)
    try:
        _wait_for_running_job(tmp_path)
        second = claims(tmp_path, "run")
        assert second.code == 2
        assert "another `claims run` is using this cache (pid " in second.err
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)
    assert _job_processes(tmp_path) == []


def test_a_runner_killed_with_sigkill_leaves_no_orphan_job(tmp_path):
    project(tmp_path, {"exp.md": experiment(run=f"{TOY}:sleeps", params={"seconds": 30}, seeds=[0])})
    proc = _start_run(tmp_path)
    end = time.monotonic() + 30
    while not _job_processes(tmp_path) and time.monotonic() < end:
        time.sleep(0.05)
    assert _job_processes(tmp_path), "the job never started"
    proc.kill()
    proc.communicate(timeout=30)
    end = time.monotonic() + 10
    while time.monotonic() < end and _job_processes(tmp_path):
        time.sleep(0.2)
    assert _job_processes(tmp_path) == []
    again = claims(tmp_path, "run", "--dry-run")  # the lock went with the killed run
    assert again.code == 0 and "1 of 1 jobs to run" in again.out


def _job_processes(tmp_path: Path) -> list[int]:
    """Processes whose working directory is a job's output folder under this test's cache."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if cwd.startswith(str(tmp_path / ".claims-cache")):
            found.append(int(proc.name))
    return found
