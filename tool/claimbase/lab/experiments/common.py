"""Plumbing every SVA experiment shares: parameters, seeding, checkpoints, JSON and plots.

* ``start(ctx, Params)`` — one thread (two threads spin-wait on a loaded two-core machine), every
  random generator seeded from the job's seed, the parameters resolved from ``ctx.params`` over
  the dataclass defaults (an unknown name is an error that names it), and ``config.json`` written.
* ``save_policy`` / ``load_policy`` — small checkpoints: the trunk width and the state dict.
* ``plot`` — a matplotlib figure on the Agg backend, saved as a small SVG.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch

from claimbase.jobs.context import JobContext
from claimbase.lab.policy import ActorCritic

P = TypeVar("P")


def resolve(cls: type[P], params: dict[str, Any]) -> P:
    """An instance of the dataclass ``cls`` with ``params`` over its defaults.

    Lists become tuples where the default is a tuple (parameters arrive as JSON).
    """
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(known)}")
    values = {}
    for name, value in params.items():
        default = known[name].default
        values[name] = tuple(value) if isinstance(default, tuple) and isinstance(value, list) else value
    return cls(**values)


def start(ctx: JobContext, cls: type[P]) -> P:
    """Fix threads and seeds, resolve the parameters and save them as ``config.json``."""
    torch.set_num_threads(1)
    torch.manual_seed(ctx.seed)
    random.seed(ctx.seed)
    np.random.seed(ctx.seed % 2**32)
    params = resolve(cls, ctx.params)
    config = {"experiment": ctx.experiment, "seed": ctx.seed, "device": ctx.device,
              "params": dataclasses.asdict(params)}
    write_json(ctx.out / "config.json", config)
    return params


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def save_policy(path: Path, policy: ActorCritic) -> None:
    """Save a policy with its trunk width (everything ``load_policy`` needs)."""
    hidden = policy.trunk[0].out_features
    torch.save({"hidden": hidden, "state": {k: v.detach().cpu() for k, v in policy.state_dict().items()}}, path)


def load_policy(path: Path, device: str = "cpu") -> ActorCritic:
    """A policy saved by ``save_policy``."""
    saved = torch.load(path, map_location="cpu", weights_only=True)
    policy = ActorCritic(hidden=int(saved["hidden"]))
    policy.load_state_dict(saved["state"])
    return policy.to(device)


def slope(values: list[float]) -> float:
    """Least-squares slope of ``values`` against their index (a per-round trajectory: per round)."""
    x = np.arange(len(values), dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if len(y) < 2:
        raise ValueError("a slope needs at least two rounds")
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


def trajectory(record: dict, key: str) -> list[float]:
    """One measurement of one arm over rounds 0..R, from consolidation's ``trajectory.json``."""
    return [float(r[key]) for r in record["rounds"]]


def upstream(ctx: JobContext, name: str) -> Path:
    """The output folder of upstream experiment ``name`` for this seed (a clear error if absent)."""
    if name not in ctx.inputs:
        raise ValueError(f"this experiment needs the output of '{name}' (add it to job.needs)")
    return ctx.inputs[name]


@contextmanager
def plot(path: Path, width: float = 6.0, height: float = 3.2, ncols: int = 1) -> Iterator[Any]:
    """A figure (Agg backend, one row of ``ncols`` axes) saved as a small SVG on exit.

    Text stays text, one font is named, and neither the date nor a random id goes into the file,
    so the same figure gives the same bytes; indentation is dropped to keep it to a few KB.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    style = {"svg.fonttype": "none", "svg.hashsalt": "claimbase", "font.family": "DejaVu Sans", "font.size": 8}
    with plt.rc_context(style):
        fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
        try:
            yield fig, list(axes[0])
            fig.tight_layout()
            fig.savefig(path, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    path.write_text("\n".join(line.strip() for line in path.read_text().splitlines()) + "\n")
