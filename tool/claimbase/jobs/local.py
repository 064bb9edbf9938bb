"""The embedded executor: up to N jobs at a time, each in a fresh worker process.

Each running job occupies one thread that starts its process and relays its progress (`runner`);
a job is handed to the thread pool only once every upstream job it reads has finished, so waiting
never holds a slot.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Iterable

from .runner import CANCELLED, FAILED, JobSpec, Outcome, execute, skipped


class LocalExecutor:
    name = "local"

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.where = f"{self.jobs} at a time"
        self._pool = cf.ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="claims-job")
        self._stop = threading.Event()
        self._progress: dict[str, tuple[float, str]] = {}

    def submit(self, spec: JobSpec, deps: list[cf.Future]) -> cf.Future:
        result: cf.Future = cf.Future()
        remaining = [len(deps)]
        lock = threading.Lock()

        def launch() -> None:
            if self._stop.is_set():
                result.set_result(Outcome(spec.key, CANCELLED, "interrupted"))
                return
            if any(not d.result().ok for d in deps):
                result.set_result(skipped(spec, "an upstream job did not finish"))
                return
            try:
                inner = self._pool.submit(self._run, spec)
            except RuntimeError:  # the pool was shut down by an interrupt
                result.set_result(Outcome(spec.key, CANCELLED, "interrupted"))
                return
            inner.add_done_callback(lambda f: _transfer(f, result, spec))

        def one_done(_: cf.Future) -> None:
            with lock:
                remaining[0] -= 1
                ready = remaining[0] == 0
            if ready:
                launch()

        if not deps:
            launch()
        for d in deps:
            d.add_done_callback(one_done)
        return result

    def _run(self, spec: JobSpec) -> Outcome:
        self._progress[spec.key] = (0.0, "started")
        return execute(spec, self._on_progress, self._stop, fork=True)

    def _on_progress(self, key: str, fraction: float, status: str) -> None:
        self._progress[key] = (fraction, status)

    def wait(self, handles: Iterable[cf.Future], timeout: float) -> set[cf.Future]:
        return cf.wait(list(handles), timeout=timeout, return_when=cf.FIRST_COMPLETED).done

    def outcome(self, handle: cf.Future, spec: JobSpec) -> Outcome:
        try:
            return handle.result()
        except Exception as exc:  # noqa: BLE001 - a bug in the runner still reports, per job
            return Outcome(spec.key, FAILED, f"could not be run: {type(exc).__name__}: {exc}")

    def progress(self, key: str) -> tuple[float, str] | None:
        return self._progress.get(key)

    def cancel(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _transfer(inner: cf.Future, outer: cf.Future, spec: JobSpec) -> None:
    if inner.cancelled():
        outer.set_result(Outcome(spec.key, CANCELLED, "interrupted"))
    elif inner.exception() is not None:
        outer.set_exception(inner.exception())  # type: ignore[arg-type]
    else:
        outer.set_result(inner.result())
