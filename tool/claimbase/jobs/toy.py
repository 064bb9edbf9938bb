"""Tiny entry points for tests, examples and the benchmark: no torch, no numpy, milliseconds each.

Each misbehaving job misbehaves only for the seeds listed in its `bad_seeds` parameter (default:
every seed) and, when `while_exists` names a file, only while that file exists - so a test can make
a job fail once and then let a second `claims run` finish it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import struct
import time
import zlib

from .context import JobContext


def _misbehaves(ctx: JobContext) -> bool:
    seeds = ctx.params.get("bad_seeds")
    if seeds is not None and ctx.seed not in seeds:
        return False
    flag = ctx.params.get("while_exists")
    return flag is None or os.path.exists(flag)


def effect(ctx: JobContext) -> dict[str, float]:
    """A noisy paired comparison: per seed, `method` and `baseline` scores and their difference
    `delta`, whose true mean is the `effect` parameter.  Writes `value.json` for downstream jobs."""
    rng = random.Random(ctx.seed)
    baseline = float(ctx.params.get("baseline", 1.0)) + rng.gauss(0, float(ctx.params.get("noise", 0.1)))
    delta = float(ctx.params.get("effect", 0.0)) + rng.gauss(0, float(ctx.params.get("noise", 0.1)))
    steps = int(ctx.params.get("steps", 1))
    for step in range(steps):
        ctx.progress((step + 1) / steps, f"step {step + 1}/{steps}")
        time.sleep(float(ctx.params.get("step_seconds", 0.0)))
    (ctx.out / "value.json").write_text(json.dumps({"delta": delta}))
    return {"delta": delta, "method": baseline + delta, "baseline": baseline}


def downstream(ctx: JobContext) -> dict[str, float]:
    """Reads every upstream job's `value.json` (same seed) and reports their sum plus an offset."""
    total = float(ctx.params.get("offset", 0.0))
    for name in sorted(ctx.inputs):
        total += json.loads((ctx.inputs[name] / "value.json").read_text())["delta"]
    (ctx.out / "value.json").write_text(json.dumps({"delta": total}))
    return {"total": total}


def noop(ctx: JobContext) -> dict[str, float]:
    """Does nothing: the benchmark's measure of scheduling overhead."""
    return {"x": float(ctx.seed)}


def raises(ctx: JobContext) -> dict[str, float]:
    """Raises ValueError (for the bad seeds), otherwise behaves like `effect`."""
    if _misbehaves(ctx):
        raise ValueError(f"planted failure for seed {ctx.seed}")
    return effect(ctx)


def sleeps(ctx: JobContext) -> dict[str, float]:
    """Sleeps `seconds` (for the bad seeds), reporting progress, then behaves like `effect`."""
    if _misbehaves(ctx):
        seconds = float(ctx.params.get("seconds", 60))
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            ctx.progress((time.monotonic() - start) / seconds, "sleeping")
            time.sleep(0.05)
    return effect(ctx)


def kills_itself(ctx: JobContext) -> dict[str, float]:
    """Sends itself SIGKILL (for the bad seeds), as the kernel's out-of-memory killer would."""
    if _misbehaves(ctx):
        os.kill(os.getpid(), signal.SIGKILL)
    return effect(ctx)


def kills_worker(ctx: JobContext) -> dict[str, float]:
    """Kills the process that started it - on Dask, the worker - the first `times` attempts
    (counted in the file `marker`), after `delay` seconds, then behaves like `effect`."""
    time.sleep(float(ctx.params.get("delay", 0.0)))
    marker = ctx.params["marker"]
    attempts = open(marker).read().count("\n") if os.path.exists(marker) else 0
    if attempts < int(ctx.params.get("times", 1)):
        with open(marker, "a") as fh:
            fh.write("attempt\n")
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(30)  # the worker process exits once it sees its parent gone
    return effect(ctx)


def plots(ctx: JobContext) -> dict[str, float]:
    """Behaves like `effect` and draws its result as a small SVG and a small PNG."""
    metrics = effect(ctx)
    width = 20 + int(max(0.0, min(1.0, metrics["delta"])) * 160)
    (ctx.out / "delta.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        f'<rect x="10" y="10" width="{width}" height="20" fill="steelblue"/></svg>\n'
    )
    (ctx.out / "delta.png").write_bytes(_png(8, 8, (70, 130, 180)))
    return metrics


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
