"""What a job's entry point receives.  See docs/jobs.md for the contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _ignore_progress(fraction: float, status: str = "") -> None:
    """The progress callback of a context built outside `claims run` (e.g. in a test)."""


@dataclass(frozen=True)
class JobContext:
    """Everything a job may read.  A job fixes every random generator from `seed`, reads nothing but
    this context, and writes only under `out`.

    `inputs` maps each upstream experiment's name to its output directory for the same seed.
    `progress(fraction, status)` reports how far the job is (0..1) and a short status line; it is
    cheap to call, but calling it a few times a second is plenty.
    """

    experiment: str
    params: dict[str, Any]
    seed: int
    inputs: dict[str, Path]
    out: Path
    device: str = "cpu"
    progress: Callable[[float, str], None] = _ignore_progress
