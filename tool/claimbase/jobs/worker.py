"""The process one job runs in: `python -m claimbase.jobs.worker SPEC.json`.

It imports the entry point, builds the `JobContext`, calls it and writes the outcome (the metrics,
or the error and where it happened) to the result file the spec names.  Progress reports go as JSON
lines to the file descriptor the spec names; everything the job prints goes to the log the parent
opened as stdout.  The job is killed when its runner goes away (the progress pipe loses its reader),
so a runner killed with SIGKILL, or a Dask worker that dies, leaves no orphan job behind.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _watch_runner(progress_fd: int | None, parent: int) -> None:
    """End the job, and whatever it started, once the runner that started it is gone: the read
    end of the progress pipe closes (the pipe reports an error), or, without a pipe, the parent
    process changes."""
    import select

    poller = None
    if progress_fd is not None:
        poller = select.poll()
        poller.register(progress_fd, select.POLLERR)
    while True:
        if poller is not None:
            gone = any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(500))
        else:
            time.sleep(0.5)
            gone = os.getppid() != parent
        if gone:
            try:
                os.killpg(0, signal.SIGKILL)  # the job runs in a session of its own
            finally:
                os._exit(70)


def _progress_writer(fd: int | None):
    if fd is None:
        return lambda fraction, status="": None
    stream = os.fdopen(fd, "w", buffering=1)
    last = [0.0]
    lock = threading.Lock()

    def progress(fraction: float, status: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < 0.1 and fraction < 1:
            return  # a few updates a second are plenty
        last[0] = now
        try:
            line = json.dumps({"p": max(0.0, min(1.0, float(fraction))), "s": str(status)[:80]})
            with lock:
                stream.write(line + "\n")
        except (OSError, ValueError, TypeError):
            pass

    return progress


def check_metrics(value: Any) -> dict[str, float]:
    """The job's return value as metrics; raises TypeError/ValueError saying what is wrong."""
    if not isinstance(value, dict):
        raise TypeError(f"the entry point returned {type(value).__name__}; it must return a dict of metric name -> number")
    metrics: dict[str, float] = {}
    for name, number in value.items():
        if not isinstance(name, str):
            raise TypeError(f"metric names must be strings, found {name!r}")
        if isinstance(number, (bool, str, bytes)) or not hasattr(number, "__float__"):
            raise TypeError(f"metric '{name}' is {type(number).__name__} {number!r}; metrics must be numbers")
        x = float(number)
        if not math.isfinite(x):
            raise ValueError(f"metric '{name}' is {x}; metrics must be finite")
        metrics[name] = x
    return metrics


def _where(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if not frame.filename.endswith(("claimbase/jobs/worker.py", "importlib/__init__.py")):
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return ""


def run_spec(spec: dict[str, Any], progress_fd: int | None) -> int:
    """Run the job `spec` describes in this process; returns the exit status."""
    threading.Thread(target=_watch_runner, args=(progress_fd, os.getppid()), daemon=True).start()
    if progress_fd is not None:
        os.set_inheritable(progress_fd, False)  # the job's own subprocesses must not hold the pipe open
    for entry in reversed(spec.get("path", [])):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    result_path = Path(spec["result"])
    try:
        from claimbase.jobs.context import JobContext

        module_name, _, func_name = spec["entry"].partition(":")
        func = getattr(importlib.import_module(module_name), func_name)
        ctx = JobContext(
            experiment=spec["experiment"],
            params=spec["params"],
            seed=spec["seed"],
            inputs={name: Path(p) for name, p in spec["inputs"].items()},
            out=Path(spec["out"]),
            device=spec.get("device", "cpu"),
            progress=_progress_writer(progress_fd),
        )
        metrics = check_metrics(func(ctx))
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, never lost
        import traceback

        sys.stdout.flush()
        traceback.print_exc()
        outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500], "where": _where(exc)}
        result_path.write_text(json.dumps(outcome), encoding="utf-8")
        return 1
    result_path.write_text(json.dumps({"ok": True, "metrics": metrics}), encoding="utf-8")
    return 0


def main(spec_path: str) -> int:
    """Entry point of a worker started as a subprocess (the spec names the progress pipe)."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    return run_spec(spec, spec.get("progress_fd"))


def forked(spec_path: str, progress, log_path: str) -> None:
    """Entry point of a worker forked from the fork server: make it look like a fresh subprocess
    (its own session, output to the log, cwd = the output folder), then run the job."""
    os.setsid()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    os.chdir(spec["out"])
    fd = os.dup(progress.fileno())
    progress.close()
    sys.exit(run_spec(spec, fd))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
