"""Finished job outputs and the run index, under `<cache dir>/runs/`.

    runs/jobs/<job key>/result.json   metrics, times, host, digest of every output file
    runs/jobs/<job key>/out/          what the job wrote under ctx.out
    runs/tmp/                         jobs in progress (moved into jobs/ in one rename when done)
    runs/failed/<job key>.log         the output of the last failed attempt of a job
    runs/index.json                   per experiment, seed and profile: the inputs of its last job

A job's directory is addressed by its key, a hash of everything that determines its output; the
output files' own digests are recorded beside them.  A directory in `jobs/` is complete by
construction (it appears by rename), so a finished key is never recomputed, and a run that is
interrupted or killed leaves at most a directory in `tmp/`, removed by the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from .. import atomic

INDEX_FORMAT = 1


class Store:
    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "runs"
        self.jobs = self.root / "jobs"
        self.tmp = self.root / "tmp"
        self.failed = self.root / "failed"
        self.index_path = self.root / "index.json"
        self._index: dict[str, Any] | None = None
        self._dirty = False

    # -- finished jobs -----------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return (self.jobs / key / "result.json").is_file()

    def out_dir(self, key: str) -> Path:
        return self.jobs / key / "out"

    def result(self, key: str) -> dict[str, Any]:
        return json.loads((self.jobs / key / "result.json").read_text(encoding="utf-8"))

    def new_tmp(self, key: str) -> Path:
        path = self.tmp / f"{key}-{uuid.uuid4().hex[:8]}"
        (path / "out").mkdir(parents=True)
        return path

    def commit(self, tmp: Path, key: str, result: dict[str, Any]) -> None:
        """Record the output digests and move a finished job's directory into place."""
        out = tmp / "out"
        result["files"] = {
            p.relative_to(out).as_posix(): _file_digest(p) for p in sorted(out.rglob("*")) if p.is_file()
        }
        atomic.write_text(tmp / "result.json", json.dumps(result, indent=1, sort_keys=True))
        self.jobs.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(tmp, self.jobs / key)
        except OSError:
            if not self.has(key):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # the same key finished elsewhere first

    def keep_log(self, key: str, log: Path) -> Path | None:
        """Keep a failed job's output for the user to read; returns where."""
        if not log.is_file():
            return None
        self.failed.mkdir(parents=True, exist_ok=True)
        target = self.failed / f"{key}.log"
        os.replace(log, target)
        return target

    def prepare(self) -> None:
        """Create the store (git-ignored) and remove what interrupted runs left in `tmp/`.  Call
        only while holding the run lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        ignore = self.root.parent / ".gitignore"
        if not ignore.exists():
            atomic.write_text(ignore, "*\n")
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the index ---------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self._index is None:
            try:
                data = json.loads(self.index_path.read_text(encoding="utf-8"))
                ok = isinstance(data, dict) and data.get("format") == INDEX_FORMAT
                self._index = data if ok else {"format": INDEX_FORMAT, "last": {}}
            except (OSError, ValueError):
                self._index = {"format": INDEX_FORMAT, "last": {}}
        return self._index

    def last(self, path: str, seed: int, profile: str) -> dict[str, Any] | None:
        """What the last finished job of this experiment (note path), seed and profile was keyed on."""
        return self._load()["last"].get(f"{path}\t{seed}\t{profile}")

    def remember(self, path: str, seed: int, profile: str, record: dict[str, Any]) -> None:
        self._load()["last"][f"{path}\t{seed}\t{profile}"] = record
        self._dirty = True

    def save(self) -> None:
        if self._dirty and self._index is not None:
            atomic.write_text(self.index_path, json.dumps(self._index, sort_keys=True))
            self._dirty = False


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
