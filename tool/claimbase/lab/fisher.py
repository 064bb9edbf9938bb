"""Diagonal Fisher information of a policy's action distribution over a set of states.

A policy here is any ``torch.nn.Module`` with ``policy(obs[B, D]) -> (logits[B, A], value[B])``.
The Fisher is that of π_θ(a|s) = softmax(logits)(a), averaged over the given states:

    F_i = mean_s  E_{a∼π(·|s)} [ (∂ log π(a|s) / ∂θ_i)² ]

Three estimators, following the distinctions drawn in the continual-learning literature:

* ``exact_fisher`` — the expectation over actions is taken in closed form, Σ_a π(a|s) g_a². With
  a handful of actions this costs one Jacobian per state and has no sampling noise; it is the one
  to use for EWC.
* ``sampled_fisher`` — actions drawn from π(·|s); unbiased for the exact Fisher, noisy.
* ``empirical_fisher`` — actions given (e.g. logged). Equal in expectation to the exact Fisher only
  when the actions were drawn from this very policy; otherwise it is a different, biased quantity.

Gradients are taken per state (``torch.func.vmap``), never of a minibatch mean: squaring the
gradient of a batch mean shrinks the estimate by about 1/B, because the score has zero mean.

A Fisher is a plain ``dict`` from parameter name (as in ``named_parameters``) to a tensor of that
parameter's shape. Parameters the action distribution does not depend on (a value head) get zeros.
The policy is evaluated in its current mode: call ``policy.eval()`` first if it has dropout.
With ``report=True`` the distribution is the policy's report head instead (``policy(obs,
report=True)``), the answer to the honesty question on question states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import Tensor, nn
from torch.func import functional_call, grad, jacrev, vmap

Fisher = dict[str, Tensor]


def _parameters(policy: nn.Module) -> dict[str, Tensor]:
    return {name: p.detach() for name, p in policy.named_parameters() if p.requires_grad}


def _log_policy(policy: nn.Module, report: bool = False) -> Callable[[dict[str, Tensor], Tensor], Tensor]:
    """log π(·|s) for one state as a pure function of the parameters (for torch.func)."""
    buffers = {name: b.detach() for name, b in policy.named_buffers()}
    kwargs = {"report": True} if report else {}

    def log_probs(params: dict[str, Tensor], obs: Tensor) -> Tensor:
        logits, _ = functional_call(policy, (params, buffers), (obs.unsqueeze(0),), kwargs)
        return torch.log_softmax(logits, dim=-1).squeeze(0)

    return log_probs


def _accumulator(params: Mapping[str, Tensor]) -> dict[str, Tensor]:
    return {name: torch.zeros_like(p, dtype=torch.float64) for name, p in params.items()}


def _finish(total: dict[str, Tensor], params: Mapping[str, Tensor], count: int) -> Fisher:
    if count == 0:
        raise ValueError("no states given")
    return {name: (t / count).to(params[name].dtype) for name, t in total.items()}


def exact_fisher(policy: nn.Module, obs: Tensor, *, chunk_size: int = 64, report: bool = False) -> Fisher:
    """Exact diagonal Fisher, Σ_a π(a|s) (∂ log π(a|s))², averaged over the rows of ``obs``.

    Per-state Jacobians of log π are computed ``chunk_size`` states at a time; peak memory is
    about chunk_size × actions × parameters numbers.
    """
    params = _parameters(policy)
    log_probs = _log_policy(policy, report)
    per_state_jacobian = vmap(jacrev(log_probs), in_dims=(None, 0))
    total = _accumulator(params)
    for chunk in obs.split(chunk_size):
        jac = per_state_jacobian(params, chunk)
        with torch.no_grad():
            probs = torch.softmax((policy(chunk, report=True) if report else policy(chunk))[0], dim=-1)
        for name, j in jac.items():
            # Reduce the chunk in the parameters' precision (a float64 copy of the Jacobian
            # would triple the cost); only the running total is kept in float64.
            weighted = torch.einsum("ba,bap->p", probs.to(j.dtype), j.pow(2).flatten(2))
            total[name] += weighted.to(torch.float64).view_as(total[name])
    return _finish(total, params, obs.shape[0])


def empirical_fisher(
    policy: nn.Module, obs: Tensor, actions: Tensor, *, chunk_size: int = 512
) -> Fisher:
    """Diagonal Fisher from given actions: mean over rows of (∂ log π(actions_i | obs_i))²."""
    if actions.shape != obs.shape[:1]:
        raise ValueError(f"need one action per state: {tuple(actions.shape)} vs {obs.shape[0]}")
    params = _parameters(policy)
    log_probs = _log_policy(policy)

    def log_prob_of(p: dict[str, Tensor], o: Tensor, a: Tensor) -> Tensor:
        return log_probs(p, o).gather(0, a.unsqueeze(0)).squeeze(0)

    per_state_grad = vmap(grad(log_prob_of), in_dims=(None, 0, 0))
    total = _accumulator(params)
    for o, a in zip(obs.split(chunk_size), actions.long().split(chunk_size)):
        for name, g in per_state_grad(params, o, a).items():
            total[name] += g.pow(2).sum(0).to(torch.float64)
    return _finish(total, params, obs.shape[0])


def sampled_fisher(
    policy: nn.Module, obs: Tensor, *, samples_per_state: int = 1, seed: int = 0
) -> Fisher:
    """Diagonal Fisher with actions drawn from the policy itself (seeded), averaged over draws."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        probs = torch.softmax(policy(obs)[0], dim=-1).to(torch.float64).cpu()
    actions = torch.multinomial(probs, samples_per_state, replacement=True, generator=generator)
    repeated = obs.repeat_interleave(samples_per_state, dim=0)
    return empirical_fisher(policy, repeated, actions.flatten().to(obs.device))


def accumulate(old: Mapping[str, Tensor] | None, new: Mapping[str, Tensor], gamma: float) -> Fisher:
    """Online EWC accumulation: γ F_old + F_new (F_new alone when there is no old Fisher)."""
    if old is None:
        return {name: value.clone() for name, value in new.items()}
    if old.keys() != new.keys():
        raise ValueError("the two Fishers cover different parameters")
    return {name: gamma * old[name] + new[name] for name in new}


def flatten(fisher: Mapping[str, Tensor]) -> Tensor:
    """All importance values in one float64 vector, in the mapping's order."""
    return torch.cat([value.detach().reshape(-1).to(torch.float64) for value in fisher.values()])


def fisher_overlap(first: Mapping[str, Tensor], second: Mapping[str, Tensor]) -> float:
    """Bhattacharyya coefficient Σ_i √(f̂_i ĝ_i) of the two diagonals normalised to unit sum.

    1 when the two Fishers put their mass on the same parameters in the same proportions, 0 when
    their supports are disjoint. It ignores overall scale, so a uniformly stiffer network does not
    look more "overlapping". For diagonal Fishers it equals 1 − d² with
    d² = ½ tr(F̂₁ + F̂₂ − 2(F̂₁F̂₂)^½) the Fréchet distance of the unit-trace Fishers; whether this
    is exactly the overlap of Kirkpatrick et al. (2017) depends on their ½, not checked here.
    """
    if first.keys() != second.keys():
        raise ValueError("the two Fishers cover different parameters")
    f, g = flatten(first), flatten(second)
    if (f < 0).any() or (g < 0).any():
        raise ValueError("Fisher diagonals must be non-negative")
    if not (f.sum() > 0 and g.sum() > 0):
        raise ValueError("a Fisher is zero everywhere; overlap is undefined")
    return float(torch.sqrt((f / f.sum()) * (g / g.sum())).sum())
