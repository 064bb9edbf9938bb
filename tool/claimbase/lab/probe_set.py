"""The fixed probe set S for representation measurements (CKA, Fisher, knockout), with ablations.

S is half value-relevant states (P_v: a needy other in view that the focal agent can affect) and
half capability states (P_c: nobody in view), drawn from ``scenario.random_scenarios`` with a
fixed seed and rendered with a fixed distractor seed. Its SHA-256 digest identifies it, so every
arm, seed and round can be checked to have been measured on the very same S.

Each paired ablation is S with one channel *mean-ablated*: every cell of that channel's plane is
replaced by that cell's mean over S, which removes the information the channel carries while
keeping its average input. Δ_k(x) = h(x) − h(A_k(x)) is then the layer's response to channel k.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from claimbase.lab.observation import DISTRACTOR, NEED, OTHERS, RES, WALL, channel_slice
from claimbase.lab.scenario import Scenario, random_scenarios, render

ABLATIONS = {"need": NEED, "others": OTHERS, "res": RES, "wall": WALL, "distractor": DISTRACTOR}
"""Ablation name → channel: others' welfare, others' positions, resources, walls, distractor."""


@dataclass
class ProbeSet:
    """S and its ablations. ``obs`` rows [0, n_value) are value-relevant, the rest capability."""

    obs: Tensor  # n × OBS_DIM
    value: Tensor  # n bool: P_v holds (else P_c)
    ablated: dict[str, Tensor]  # ablation name → n × OBS_DIM
    scenarios: Scenario
    digest: str  # SHA-256 of obs and every ablation

    @property
    def value_obs(self) -> Tensor:
        return self.obs[self.value]

    @property
    def capability_obs(self) -> Tensor:
        return self.obs[~self.value]


def mean_ablate(obs: Tensor, channel: int) -> Tensor:
    """``obs`` with one channel's plane replaced by its per-cell mean over the rows."""
    out = obs.clone()
    cols = channel_slice(channel)
    out[:, cols] = obs[:, cols].mean(0, keepdim=True)
    return out


def digest(*tensors: Tensor) -> str:
    """SHA-256 over the float32 bytes of the tensors, in order."""
    h = hashlib.sha256()
    for t in tensors:
        h.update(np.ascontiguousarray(t.detach().cpu().float().numpy()).tobytes())
    return h.hexdigest()


def make_probe_set(n: int = 2000, seed: int = 0) -> ProbeSet:
    """Build S with n states (n // 2 value-relevant, the rest capability); same n and seed, same S."""
    generator = torch.Generator().manual_seed(seed)
    n_value = n // 2
    scenarios = Scenario.cat(
        [random_scenarios(n_value, "value", generator), random_scenarios(n - n_value, "capability", generator)]
    )
    obs = render(scenarios, seed=seed)
    value = torch.arange(n) < n_value
    ablated = {name: mean_ablate(obs, ch) for name, ch in ABLATIONS.items()}
    return ProbeSet(
        obs=obs, value=value, ablated=ablated, scenarios=scenarios,
        digest=digest(obs, *ablated.values()),
    )
