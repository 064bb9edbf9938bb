"""Elastic weight consolidation and the controls that tell protection from mere stiffness.

The penalty anchors a policy to the parameters θ* it had when the importance F was measured:

    Ω(θ) = (λ/2) Σ_i F_i (θ_i − θ*_i)²

Its Hessian is λ·diag(F), so with F the Fisher of the policy it is λ times a quadratic
approximation of KL(π_θ* ‖ π_θ). (Avalanche's EWC plugin omits the ½; with this module a λ taken
from there must be doubled to mean the same thing.)

Any reduction of drift makes a network look more "consolidated", so the importance F must be
compared with controls that keep the total stiffness but lose its specificity:

* ``shuffled_importance`` — the same values, permuted across all parameters (a fixed permutation
  per seed): same spectrum of stiffness, placed on the wrong parameters;
* ``isotropic_importance`` — mean(F) on every parameter: plain L2 towards θ* of equal total weight;
* a capability-derived Fisher — just another importance; pass it to ``ewc_penalty`` as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from claimbase.lab.fisher import flatten


@dataclass(frozen=True)
class EWCPenalty:
    """A callable extra loss ``penalty(policy) -> scalar tensor`` anchoring named parameters.

    ``anchor`` and ``importance`` map parameter names (as in ``named_parameters``) to detached
    tensors; parameters absent from them are free. ``strength`` is λ.
    """

    anchor: Mapping[str, Tensor]
    importance: Mapping[str, Tensor]
    strength: float

    def __call__(self, policy: nn.Module) -> Tensor:
        params = dict(policy.named_parameters())
        missing = self.importance.keys() - params.keys()
        if missing:
            raise KeyError(f"the policy has no parameters named {sorted(missing)}")
        terms = [
            (self.importance[name] * (params[name] - self.anchor[name]).pow(2)).sum()
            for name in self.importance
        ]
        return 0.5 * self.strength * torch.stack(terms).sum()


def ewc_penalty(policy: nn.Module, importance: Mapping[str, Tensor], strength: float) -> EWCPenalty:
    """Anchor at the policy's current parameters with the given importance and λ = ``strength``."""
    if not importance:
        raise ValueError("the importance covers no parameters")
    params = dict(policy.named_parameters())
    anchor = {}
    for name, value in importance.items():
        if name not in params:
            raise KeyError(f"the policy has no parameter named {name!r}")
        if value.shape != params[name].shape:
            raise ValueError(f"importance of {name!r} has shape {tuple(value.shape)}, "
                             f"the parameter {tuple(params[name].shape)}")
        anchor[name] = params[name].detach().clone()
    return EWCPenalty(
        anchor=anchor,
        importance={name: value.detach().clone() for name, value in importance.items()},
        strength=strength,
    )


def _unflatten(values: Tensor, like: Mapping[str, Tensor]) -> dict[str, Tensor]:
    out, start = {}, 0
    for name, reference in like.items():
        size = reference.numel()
        out[name] = values[start : start + size].view_as(reference).to(reference.dtype)
        start += size
    return out


def shuffled_importance(importance: Mapping[str, Tensor], seed: int) -> dict[str, Tensor]:
    """The same importance values permuted across all parameters (in the mapping's order).

    The permutation depends only on ``seed`` and the total number of values, so every round of a
    run with the same seed shuffles the same way.
    """
    values = flatten(importance)
    order = torch.randperm(values.numel(), generator=torch.Generator().manual_seed(seed))
    return _unflatten(values[order], importance)


def isotropic_importance(importance: Mapping[str, Tensor]) -> dict[str, Tensor]:
    """mean(F) on every parameter: an L2 anchor with the same total importance as F."""
    mean = flatten(importance).mean()
    return {name: torch.full_like(value, float(mean)) for name, value in importance.items()}
