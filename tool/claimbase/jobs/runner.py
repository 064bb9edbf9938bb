"""Running one job in one fresh process, the same way on every executor.

`execute` makes a scratch directory in the store, starts `python -m claimbase.jobs.worker` in a new
session (so that a timeout or Ctrl-C kills the job and everything it started), relays its progress,
enforces its timeout, and on success moves the output into the store in one rename.  A job that
fails for any reason leaves nothing in the store but its log.  It runs in a thread of the local
executor and inside a task on a Dask worker alike.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .store import Store

DONE, FAILED, CANCELLED, SKIPPED = "done", "failed", "cancelled", "skipped"
KILL_GRACE = 1.0  # seconds between SIGTERM and SIGKILL on a timeout

Progress = Callable[[str, float, str], None]


@dataclass(frozen=True)
class JobSpec:
    """All a job needs, as plain data (it travels to Dask workers)."""

    key: str
    label: str
    experiment: str
    entry: str
    params: dict[str, Any]
    seed: int
    inputs: dict[str, str]  # upstream experiment name -> its output directory for this seed
    cache_dir: str
    device: str = "cpu"
    timeout: float | None = None
    path: tuple[str, ...] = ()  # prepended to the worker's sys.path (the project root)
    executor: str = "local"


@dataclass
class Outcome:
    key: str
    state: str
    reason: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    host: str = ""
    log: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == DONE


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def execute(spec: JobSpec, on_progress: Progress | None = None, cancel: threading.Event | None = None,
            fork: bool = False) -> Outcome:
    """Run `spec` in a fresh worker process; never raises for a failure of the job itself.

    With `fork`, the process is forked from a fork server that has imported the worker already
    (milliseconds instead of a new interpreter's tens); it is still a new process per job, started
    from a server that never imports job code.  Processes that may not have children of their own
    (Dask's daemonic workers) start a new interpreter instead."""
    store = Store(Path(spec.cache_dir))
    if store.has(spec.key):  # finished meanwhile (e.g. a retried Dask task)
        return _from_store(store, spec.key)
    tmp = store.new_tmp(spec.key)
    started, t0 = now_iso(), time.monotonic()
    outcome = Outcome(spec.key, FAILED, started=started, host=socket.gethostname())
    try:
        outcome.state, outcome.reason, metrics = _run_process(spec, tmp, on_progress, cancel, fork)
        outcome.seconds = time.monotonic() - t0
        outcome.finished = now_iso()
        if outcome.state == DONE:
            outcome.metrics = metrics
            store.commit(tmp, spec.key, {
                "key": spec.key, "experiment": spec.experiment, "seed": spec.seed, "metrics": metrics,
                "started": started, "finished": outcome.finished, "seconds": round(outcome.seconds, 3),
                "host": outcome.host, "executor": spec.executor,
            })
        elif outcome.state == FAILED:
            kept = store.keep_log(spec.key, tmp / "log.txt")
            outcome.log = str(kept) if kept else None
            if kept:
                outcome.reason += f"\n    log: {kept}"
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return outcome


def _from_store(store: Store, key: str) -> Outcome:
    r = store.result(key)
    return Outcome(key, DONE, metrics=r["metrics"], started=r["started"], finished=r["finished"],
                   seconds=r.get("seconds", 0.0), host=r.get("host", ""))


# Reading a fork-server child's exit status consumes it, and `Process.start()` polls every other
# child of the process: starts and polls from the runner threads must not overlap, or one thread
# reads another's status and that job seems to exit with 255.
_FORK_LOCK = threading.Lock()
_FORK_CONTEXT: list = []


class _ForkedProcess:
    """A fork-server child seen through the part of `subprocess.Popen`'s interface we use."""

    def __init__(self, process):
        self.process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self.poll()

    def poll(self) -> int | None:
        with _FORK_LOCK:
            return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        from multiprocessing.connection import wait

        wait([self.process.sentinel], timeout)
        code = self.poll()
        if code is None:
            raise subprocess.TimeoutExpired("job", timeout or 0)
        return code


def _fork_context():
    """The fork-server context (created once per process), or None where forking is not possible."""
    import multiprocessing

    if multiprocessing.current_process().daemon or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    if not _FORK_CONTEXT:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["claimbase.jobs.worker", "claimbase.jobs.context"])
        _FORK_CONTEXT.append(context)
    return _FORK_CONTEXT[0]


def _start(spec: JobSpec, tmp: Path, spec_data: dict[str, Any], fork: bool):
    """Start the worker process; returns (process, read end of its progress pipe)."""
    spec_file = tmp / "spec.json"
    context = _fork_context() if fork else None
    if context is not None:
        from . import worker

        spec_file.write_text(json.dumps(spec_data), encoding="utf-8")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=worker.forked, args=(str(spec_file), writer, str(tmp / "log.txt")), daemon=False)
        with _FORK_LOCK:
            process.start()
        writer.close()
        read_fd = os.dup(reader.fileno())
        reader.close()
        return _ForkedProcess(process), read_fd
    read_fd, write_fd = os.pipe()
    spec_file.write_text(json.dumps({**spec_data, "progress_fd": write_fd}), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*spec.path, *(p for p in sys.path if p)])
    with open(tmp / "log.txt", "wb") as log:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "claimbase.jobs.worker", str(spec_file)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=tmp / "out", env=env,
                pass_fds=(write_fd,), start_new_session=True,
            )
        finally:
            os.close(write_fd)
    return proc, read_fd


def _run_process(
    spec: JobSpec, tmp: Path, on_progress: Progress | None, cancel: threading.Event | None, fork: bool
) -> tuple[str, str, dict[str, float]]:
    result_file = tmp / "result.json"
    spec_data = {
        "experiment": spec.experiment, "entry": spec.entry, "params": spec.params, "seed": spec.seed,
        "inputs": spec.inputs, "out": str(tmp / "out"), "device": spec.device, "result": str(result_file),
        "path": list(spec.path),
    }
    proc, read_fd = _start(spec, tmp, spec_data, fork)
    deadline = None if spec.timeout is None else time.monotonic() + spec.timeout
    state = _watch(proc, read_fd, spec.key, deadline, on_progress, cancel)
    if state == "timeout":
        return FAILED, f"exceeded its timeout of {spec.timeout:g} s and was killed", {}
    if state == CANCELLED:
        return CANCELLED, "interrupted", {}
    try:
        result = json.loads(result_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        result = None
    code = proc.returncode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return FAILED, f"was killed by signal {name}{hint}", {}
    if isinstance(result, dict) and result.get("ok") and code == 0:
        return DONE, "", result["metrics"]
    if isinstance(result, dict) and not result.get("ok"):
        where = f" at {result['where']}" if result.get("where") else ""
        return FAILED, f"raised {result.get('error')}{where}", {}
    return FAILED, f"exited with status {code} without reporting a result", {}


def _watch(proc: Any, read_fd: int, key: str, deadline: float | None,
           on_progress: Progress | None, cancel: threading.Event | None) -> str:
    """Relay progress until the process ends; kill it on timeout or cancellation."""
    selector = selectors.DefaultSelector()
    stream = os.fdopen(read_fd, "rb", buffering=0)
    selector.register(stream, selectors.EVENT_READ)
    pipe_open, buffer = True, b""
    try:
        while True:
            if cancel is not None and cancel.is_set():
                _kill(proc, grace=0)
                return CANCELLED
            wait = 0.2
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    _kill(proc, grace=KILL_GRACE)
                    return "timeout"
                wait = min(wait, left)
            if pipe_open:
                if selector.select(wait):
                    chunk = stream.read(65536)
                    if chunk:
                        *lines, buffer = (buffer + chunk).split(b"\n")
                        if on_progress is not None and lines:
                            _relay(lines[-1], key, on_progress)
                    else:  # EOF: the worker is exiting
                        pipe_open = False
                        selector.unregister(stream)
            else:
                try:
                    proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    pass
            # A grandchild may still hold the pipe open; the job is over when the worker is.
            if proc.poll() is not None:
                return DONE
    finally:
        selector.close()
        stream.close()


def _relay(line: bytes, key: str, on_progress: Progress) -> None:
    try:
        data = json.loads(line)
        on_progress(key, float(data.get("p", 0.0)), str(data.get("s", "")))
    except (ValueError, TypeError, AttributeError):
        pass


def _kill(proc: Any, grace: float) -> None:
    """End the job's whole process group: SIGTERM, then SIGKILL after `grace` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if grace == 0 and sig == signal.SIGTERM:
            continue
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            try:  # not yet the leader of its own session (a fork-server child that just started)
                os.kill(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def skipped(spec: JobSpec, why: str) -> Outcome:
    return Outcome(spec.key, SKIPPED, why)


def dask_task(spec: JobSpec, *upstream: Outcome) -> Outcome:
    """The function a Dask worker runs for one job: skip it if an upstream job did not finish,
    otherwise run it like any job, reporting progress into a small file the client reads."""
    failed = [o for o in upstream if not o.ok]
    if failed:
        return skipped(spec, "an upstream job did not finish")
    progress_file = Store(Path(spec.cache_dir)).tmp / f"{spec.key}.progress"
    progress_file.parent.mkdir(parents=True, exist_ok=True)

    def report(key: str, fraction: float, status: str) -> None:
        try:
            progress_file.write_text(json.dumps({"p": fraction, "s": status}), encoding="utf-8")
        except OSError:
            pass

    report(spec.key, 0.0, "started")
    try:
        return execute(spec, report)
    finally:
        try:
            progress_file.unlink()
        except OSError:
            pass
