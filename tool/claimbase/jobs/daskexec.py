"""The Dask executor: the same jobs, sent as one task graph to a Dask distributed scheduler.

Each task runs its job through `runner.dask_task`, i.e. in a fresh subprocess on the worker, exactly
as the local executor does, so torch state and crashes stay contained.  A task's upstream tasks are
passed as futures; what flows between them is each job's small `Outcome` (the output itself stays in
the cache directory, which every worker must see: on a real cluster, a shared filesystem).  Without
an address a `LocalCluster` of worker processes is started on this machine.  A worker that dies
mid-task is Dask's to recover: the task is retried elsewhere, and after too many deaths it fails
with `KilledWorker`, which the run reports for that job.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .runner import CANCELLED, FAILED, JobSpec, Outcome, dask_task
from .store import Store

ALLOWED_FAILURES = 1  # worker deaths a task survives on the LocalCluster we start


class DaskExecutor:
    name = "dask"

    def __init__(self, cache_dir: Path, address: str | None = None, workers: int = 2):
        import dask
        from distributed import Client, LocalCluster

        self.store = Store(cache_dir)
        self.cluster = None
        self._futures: list[Any] = []
        try:
            if address:
                self.client = Client(address, timeout="10s")
            else:
                with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                    self.cluster = LocalCluster(
                        n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
        except OSError as err:
            where = address or "a LocalCluster"
            raise ConnectionError(f"cannot reach the Dask scheduler at {where}: {err}") from None
        self.where = address or f"LocalCluster of {max(1, workers)} worker processes"

    def submit(self, spec: JobSpec, deps: list[Any]) -> Any:
        # A task key of its own per submission: Dask would hand back an earlier task with the same key.
        future = self.client.submit(dask_task, spec, *deps, key=f"claims-{spec.key}-{uuid.uuid4().hex[:12]}", pure=False)
        self._futures.append(future)
        return future

    def wait(self, handles: Iterable[Any], timeout: float) -> set[Any]:
        pending = list(handles)
        end = time.monotonic() + timeout
        while True:
            done = {f for f in pending if f.done()}
            if done or time.monotonic() >= end:
                return done
            time.sleep(0.01)

    def outcome(self, handle: Any, spec: JobSpec) -> Outcome:
        if handle.status == "finished":
            return handle.result()
        if handle.status == "cancelled":
            return Outcome(spec.key, CANCELLED, "interrupted")
        exc = handle.exception()
        if type(exc).__name__ == "KilledWorker":
            return Outcome(spec.key, FAILED, "the Dask worker running it died (and so did its retry)")
        hint = ""
        if "deserializ" in str(exc):
            hint = " (the scheduler and every worker need this project installed, in the same environment as here)"
        return Outcome(spec.key, FAILED, f"failed on the Dask cluster: {type(exc).__name__}: {str(exc).splitlines()[0]}{hint}")

    def progress(self, key: str) -> tuple[float, str] | None:
        try:
            data = json.loads((self.store.tmp / f"{key}.progress").read_text(encoding="utf-8"))
            return float(data["p"]), str(data["s"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def cancel(self) -> None:
        self.client.cancel(self._futures, force=True)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
