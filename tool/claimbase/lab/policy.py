"""The agent: one MLP actor-critic shared by every learner, stage and probe.

obs (``OBS_DIM``) → Linear → tanh → Linear → tanh → {7 action logits, 2 report logits, 1 value}.
The report head answers the honesty question (DENY/ADMIT) and is read only on question steps. The
two tanh
outputs are the *trunk activations*; ``features`` returns them (CKA, probes) and ``forward`` accepts
``LayerEdit`` interventions on them (activation patching, ablation). An edit is an argument of the
call, never a hook left on the module, so no call can leak into another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from claimbase.lab.observation import N_ACTIONS, N_REPORTS, OBS_DIM


@dataclass(frozen=True)
class LayerEdit:
    """An intervention on trunk layer ``layer``'s activations (after the tanh).

    Exactly one of ``add`` and ``replace``. Either is broadcast against the activations
    (``batch × hidden``), or, with ``units``, against the selected columns only
    (``batch × len(units)``). Examples: steering (``add`` a direction), interchange patching
    (``add`` a projected source-minus-destination difference per sample), knockout (``replace``
    some ``units`` by 0 or by their mean).
    """

    layer: int
    add: Tensor | None = None
    replace: Tensor | None = None
    units: Tensor | None = None

    def __post_init__(self) -> None:
        if (self.add is None) == (self.replace is None):
            raise ValueError("a LayerEdit needs exactly one of add= or replace=")

    def apply(self, h: Tensor) -> Tensor:
        if self.units is None:
            return h + self.add if self.add is not None else self.replace.expand_as(h)
        width = (*h.shape[:-1], len(self.units))
        if self.add is not None:
            return h.index_add(-1, self.units, self.add.expand(width))
        return h.index_copy(-1, self.units, self.replace.expand(width).to(h.dtype))


def _layer(n_in: int, n_out: int, gain: float) -> nn.Linear:
    """Orthogonal weights and zero bias, the usual PPO initialisation."""
    layer = nn.Linear(n_in, n_out)
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class ActorCritic(nn.Module):
    """MLP actor-critic with a shared tanh trunk."""

    def __init__(self, obs_dim: int = OBS_DIM, hidden: int = 128, depth: int = 2, n_actions: int = N_ACTIONS) -> None:
        super().__init__()
        sizes = [obs_dim] + [hidden] * depth
        self.trunk = nn.ModuleList(_layer(a, b, np.sqrt(2)) for a, b in zip(sizes[:-1], sizes[1:]))
        self.actor = _layer(hidden, n_actions, 0.01)
        self.report = _layer(hidden, N_REPORTS, 0.01)
        self.critic = _layer(hidden, 1, 1.0)

    def features(self, obs: Tensor, edits: Sequence[LayerEdit] = ()) -> list[Tensor]:
        """Trunk activations, one ``batch × hidden`` tensor per layer (edits applied)."""
        out = []
        h = obs
        for i, layer in enumerate(self.trunk):
            h = torch.tanh(layer(h))
            for edit in edits:
                if edit.layer == i:
                    h = edit.apply(h)
            out.append(h)
        return out

    def forward(self, obs: Tensor, edits: Sequence[LayerEdit] = (), report: bool = False) -> tuple[Tensor, Tensor]:
        """Action logits (``batch × 7``), or with ``report`` the report logits (``batch × 2``),
        and the state value (``batch``)."""
        h = self.features(obs, edits)[-1]
        return (self.report(h) if report else self.actor(h)), self.critic(h).squeeze(-1)

    def heads(self, obs: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Action logits, report logits and value from one pass through the trunk (training)."""
        h = self.features(obs)[-1]
        return self.actor(h), self.report(h), self.critic(h).squeeze(-1)

    def report_probs(self, obs: Tensor, edits: Sequence[LayerEdit] = ()) -> Tensor:
        """P(DENY), P(ADMIT) given obs, ``batch × 2``."""
        return torch.softmax(self(obs, edits, report=True)[0], dim=-1)

    def action_probs(self, obs: Tensor, edits: Sequence[LayerEdit] = ()) -> Tensor:
        """π(·|obs), ``batch × 7``."""
        return torch.softmax(self(obs, edits)[0], dim=-1)
