"""Causal tests of what a policy's trunk represents: probes, interchange patching, ablation.

A linear probe says that a variable (others' need, say) can be *read* from a layer; it does not
say the policy *uses* it. Activation patching asks the causal question: take paired states that
differ in the variable (a source with a needy other, a destination with a satisfied one, all else
equal), run the destination but overwrite the layer's activation along the probe's subspace with
the source's, and see how far the behaviour moves towards the source's:

    NCE = (P_patched − P_dst) / (P_src − P_dst)

1 means the behaviour difference is carried entirely by that subspace, 0 that it is not carried
there at all. The ratio is computed on probabilities averaged over the pairs, and is reported as
undefined when |P_src − P_dst| is too small to divide by. Controls: a random direction moved by
the same amount, and another probe's subspace (a capability variable).

Mean-ablation removes a subspace's information instead: the component along it is replaced by its
mean over reference states, and the price is read off a task metric the caller supplies.

The interface a policy must offer is ``PatchablePolicy`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch
from torch import Tensor

Edit = Callable[[Tensor], Tensor]
PolicyFn = Callable[[Tensor], tuple[Tensor, Tensor]]


@runtime_checkable
class PatchablePolicy(Protocol):
    """A policy whose trunk activations can be read and edited.

    * ``policy(obs)`` with ``obs`` of shape [B, D] returns ``(logits [B, A], value [B])``.
    * ``policy.features(obs)`` returns the trunk activations, one tensor [B, H_l] per trunk layer
      l = 0, 1, …, in order from input to output; each is the layer's output *after* its
      nonlinearity, i.e. exactly what the next layer (or the heads, for the last) consumes.
    * ``policy.forward_with(obs, layer, edit)`` runs the same computation as ``policy(obs)``
      except that trunk layer ``layer``'s activation h (the tensor ``features(obs)[layer]`` would
      return) is replaced by ``edit(h)`` before anything downstream reads it. ``edit`` is called
      exactly once, with a [B, H_layer] tensor, and must return one of the same shape; layers
      before ``layer`` are untouched. ``forward_with(obs, l, lambda h: h)`` equals
      ``policy(obs)``. It may be called under ``torch.no_grad()``.
    """

    def __call__(self, obs: Tensor) -> tuple[Tensor, Tensor]: ...

    def features(self, obs: Tensor) -> list[Tensor]: ...

    def forward_with(self, obs: Tensor, layer: int, edit: Edit) -> tuple[Tensor, Tensor]: ...


def orthonormal_basis(directions: Tensor) -> Tensor:
    """An orthonormal basis [H, k] of the span of the columns of ``directions`` ([H] or [H, k])."""
    d = directions.detach().to(torch.float64)
    if d.ndim == 1:
        d = d[:, None]
    u, s, _ = torch.linalg.svd(d, full_matrices=False)
    if s.numel() == 0 or s[0] == 0:
        raise ValueError("the directions span nothing (all zero)")
    return u[:, s > 1e-10 * s[0]]


def _project(x: Tensor, basis: Tensor) -> Tensor:
    q = basis.to(dtype=x.dtype, device=x.device)
    return (x @ q) @ q.T


@dataclass(frozen=True)
class Probe:
    """A ridge probe from a layer's activations to a target variable, with its validity check.

    ``r2`` is measured on held-out rows; ``null_r2`` holds the same number after shuffling the
    targets (the probe's ability to fit noise); ``p_value`` = (1 + #{null ≥ r2}) / (1 + nulls).
    """

    weights: Tensor
    """[H, k] map from centred activations to centred targets."""
    feature_mean: Tensor
    """[H] mean activation of the training rows."""
    target_mean: Tensor
    """[k] mean target of the training rows."""
    r2: float
    null_r2: Tensor
    p_value: float
    ridge: float

    def predict(self, h: Tensor) -> Tensor:
        """Predicted targets [B, k] (float64, on the CPU) for activations [B, H]."""
        h64 = h.detach().to(device="cpu", dtype=torch.float64)
        return (h64 - self.feature_mean) @ self.weights + self.target_mean

    def basis(self) -> Tensor:
        """Orthonormal basis [H, k] of the span of the probe's weight vectors."""
        return orthonormal_basis(self.weights)


def _ridge(x: Tensor, y: Tensor, ridge: float) -> tuple[Tensor, Tensor, Tensor]:
    """Weights minimising mean‖y − (x − x̄)w − ȳ‖² + ridge·‖w‖², with the two means."""
    x_mean, y_mean = x.mean(0), y.mean(0)
    xc, yc = x - x_mean, y - y_mean
    n, h = xc.shape
    gram = xc.T @ xc / n + ridge * torch.eye(h, dtype=xc.dtype)
    return torch.linalg.solve(gram, xc.T @ yc / n), x_mean, y_mean


def _r2(prediction: Tensor, target: Tensor) -> float:
    """Coefficient of determination averaged over target columns (test-set mean as baseline)."""
    residual = (target - prediction).pow(2).sum(0)
    total = (target - target.mean(0)).pow(2).sum(0)
    return float((1 - residual / total).mean())


def fit_probe(
    activations: Tensor,
    target: Tensor,
    *,
    ridge: float = 1e-2,
    test_fraction: float = 0.25,
    nulls: int = 100,
    seed: int = 0,
) -> Probe:
    """Fit a ridge probe on a random split of the rows and score it on the rest.

    The returned weights are those fitted on the training rows. The null repeats the whole
    procedure (same split) with the targets shuffled across rows.
    """
    x = activations.detach().to(device="cpu", dtype=torch.float64)  # probes are small: fit on CPU
    y = target.detach().to(device="cpu", dtype=torch.float64)
    if y.ndim == 1:
        y = y[:, None]
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"{n} activation rows but {y.shape[0]} targets")
    n_test = int(round(test_fraction * n))
    if n_test < 2 or n - n_test < 2:
        raise ValueError(f"too few rows ({n}) to hold out {test_fraction:.0%}")
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(n, generator=generator)
    train, test = order[n_test:], order[:n_test]

    def held_out_r2(targets: Tensor) -> tuple[float, tuple[Tensor, Tensor, Tensor]]:
        fitted = _ridge(x[train], targets[train], ridge)
        w, x_mean, y_mean = fitted
        return _r2((x[test] - x_mean) @ w + y_mean, targets[test]), fitted

    r2, (weights, x_mean, y_mean) = held_out_r2(y)
    null = torch.tensor(
        [held_out_r2(y[torch.randperm(n, generator=generator)])[0] for _ in range(nulls)],
        dtype=torch.float64,
    )
    p_value = (1.0 + float((null >= r2).sum())) / (1.0 + nulls)
    return Probe(
        weights=weights,
        feature_mean=x_mean,
        target_mean=y_mean,
        r2=r2,
        null_r2=null,
        p_value=p_value,
        ridge=ridge,
    )


def behaviour_probability(logits: Tensor, actions: int | Sequence[int]) -> Tensor:
    """π(actions | s) per row: the softmax probability summed over the given action indices."""
    chosen = [actions] if isinstance(actions, int) else list(actions)
    return torch.softmax(logits, dim=-1)[:, chosen].sum(-1)


@dataclass(frozen=True)
class PatchResult:
    """Behaviour probabilities (means over pairs) and the normalised causal effect."""

    p_src: float
    p_dst: float
    p_patched: float
    nce: float | None
    """None when |p_src − p_dst| < the required gap: the pairs do not differ in behaviour."""


def _patch_result(p_src: float, p_dst: float, p_patched: float, min_gap: float) -> PatchResult:
    gap = p_src - p_dst
    nce = (p_patched - p_dst) / gap if abs(gap) >= min_gap else None
    return PatchResult(p_src=p_src, p_dst=p_dst, p_patched=p_patched, nce=nce)


def _run_edit(
    policy: PatchablePolicy,
    obs_src: Tensor,
    obs_dst: Tensor,
    layer: int,
    actions: int | Sequence[int],
    min_gap: float,
    make_edit: Callable[[Tensor], Edit],
) -> PatchResult:
    if obs_src.shape != obs_dst.shape:
        raise ValueError(f"paired states differ in shape: {obs_src.shape} vs {obs_dst.shape}")
    with torch.no_grad():
        h_src = policy.features(obs_src)[layer]
        p_src = behaviour_probability(policy(obs_src)[0], actions).mean()
        p_dst = behaviour_probability(policy(obs_dst)[0], actions).mean()
        patched_logits, _ = policy.forward_with(obs_dst, layer, make_edit(h_src))
        p_patched = behaviour_probability(patched_logits, actions).mean()
    return _patch_result(float(p_src), float(p_dst), float(p_patched), min_gap)


def interchange(
    policy: PatchablePolicy,
    obs_src: Tensor,
    obs_dst: Tensor,
    layer: int,
    basis: Tensor,
    actions: int | Sequence[int],
    *,
    min_gap: float = 0.02,
) -> PatchResult:
    """Patch the source's activation into the destination along span(basis), row by row.

    h_dst ← h_dst + P(h_src − h_dst), with P the orthogonal projection onto span(basis) and rows
    of ``obs_src`` paired with rows of ``obs_dst``.
    """
    q = orthonormal_basis(basis)

    def make_edit(h_src: Tensor) -> Edit:
        return lambda h: h + _project(h_src - h, q)

    return _run_edit(policy, obs_src, obs_dst, layer, actions, min_gap, make_edit)


def random_direction_control(
    policy: PatchablePolicy,
    obs_src: Tensor,
    obs_dst: Tensor,
    layer: int,
    basis: Tensor,
    actions: int | Sequence[int],
    *,
    seed: int,
    min_gap: float = 0.02,
) -> PatchResult:
    """Move each destination row by the same distance as the probe patch, along a random direction.

    For pair i the probe patch moves h_dst by ‖P(h_src − h_dst)‖; this control adds that norm
    times one unit vector drawn uniformly at random (seeded, shared by all pairs). An NCE as high
    as the probe's says the layer is merely sensitive, not that the probe found the right variable.
    """
    q = orthonormal_basis(basis)

    def make_edit(h_src: Tensor) -> Edit:
        generator = torch.Generator().manual_seed(seed)
        direction = torch.randn(h_src.shape[1], generator=generator, dtype=torch.float64)
        direction = (direction / direction.norm()).to(dtype=h_src.dtype, device=h_src.device)

        def edit(h: Tensor) -> Tensor:
            size = _project(h_src - h, q).norm(dim=1, keepdim=True)
            return h + size * direction

        return edit

    return _run_edit(policy, obs_src, obs_dst, layer, actions, min_gap, make_edit)


def mean_ablation_edit(basis: Tensor, mean: Tensor) -> Edit:
    """Replace the component of h along span(basis) by that of ``mean``: h − P(h − mean)."""
    q = orthonormal_basis(basis)
    return lambda h: h - _project(h - mean.to(dtype=h.dtype, device=h.device), q)


@dataclass(frozen=True)
class AblationResult:
    """A task metric with and without a subspace mean-ablated; cost = clean − ablated."""

    clean: float
    ablated: float
    cost: float


def ablation_cost(
    policy: PatchablePolicy,
    layer: int,
    basis: Tensor,
    reference_obs: Tensor,
    metric: Callable[[PolicyFn], float],
) -> AblationResult:
    """Mean-ablate span(basis) at ``layer`` (mean over ``reference_obs``) and re-score ``metric``.

    ``metric`` receives a function obs -> (logits, value) and returns a score where higher is
    better (a task return, an accuracy); it is called once with the intact policy and once with
    the ablated one, so it may run whole episodes.
    """
    with torch.no_grad():
        mean = policy.features(reference_obs)[layer].mean(0)
    edit = mean_ablation_edit(basis, mean)
    clean = float(metric(policy))
    ablated = float(metric(lambda obs: policy.forward_with(obs, layer, edit)))
    return AblationResult(clean=clean, ablated=ablated, cost=clean - ablated)
