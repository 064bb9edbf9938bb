"""The EWC penalty's shape around its anchor, and the stiffness controls."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from claimbase.lab.ewc import ewc_penalty, isotropic_importance, shuffled_importance
from claimbase.lab.fisher import flatten


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pi = nn.Linear(3, 2)
        self.v = nn.Linear(3, 1)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.pi(obs), self.v(obs).squeeze(-1)


class ParameterView(nn.Module):
    """A stand-in module whose named parameters are the given tensors (what the penalty reads)."""

    def __init__(self, params: dict[str, torch.Tensor]) -> None:
        super().__init__()
        self._params = params

    def named_parameters(self, *args, **kwargs):
        return iter(self._params.items())


@pytest.fixture
def policy() -> nn.Module:
    torch.manual_seed(0)
    return Tiny().double()


def importance_for(policy: nn.Module, seed: int = 1) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return {
        name: torch.rand(p.shape, generator=g, dtype=p.dtype)
        for name, p in policy.named_parameters()
        if name.startswith("pi.")
    }


def test_zero_value_and_zero_gradient_at_the_anchor(policy):
    penalty = ewc_penalty(policy, importance_for(policy), strength=3.0)
    value = penalty(policy)
    assert float(value.detach()) == 0.0
    value.backward()
    for p in policy.parameters():
        assert p.grad is None or torch.count_nonzero(p.grad) == 0


def test_hessian_is_strength_times_diagonal_importance(policy):
    importance = importance_for(policy)
    penalty = ewc_penalty(policy, importance, strength=2.5)
    names = list(importance)
    shapes = [importance[n].shape for n in names]
    sizes = [importance[n].numel() for n in names]
    anchor = flatten({n: penalty.anchor[n] for n in names})

    def as_function(theta: torch.Tensor) -> torch.Tensor:
        pieces = dict(zip(names, (t.view(s) for t, s in zip(theta.split(sizes), shapes))))
        return penalty(ParameterView({**dict(policy.named_parameters()), **pieces}))

    hessian = torch.autograd.functional.hessian(as_function, anchor + 0.3)
    torch.testing.assert_close(hessian, 2.5 * torch.diag(flatten(importance)))


def test_quadratic_growth_away_from_the_anchor(policy):
    penalty = ewc_penalty(policy, importance_for(policy), strength=1.0)
    direction = {n: torch.randn_like(p) for n, p in policy.named_parameters()}
    values = []
    for t in (0.5, 1.0, 2.0):
        moved = Tiny().double()
        with torch.no_grad():
            for (name, p), (_, q) in zip(moved.named_parameters(), policy.named_parameters()):
                p.copy_(q + t * direction[name])
        values.append(float(penalty(moved).detach()))
    assert values[1] == pytest.approx(4 * values[0])
    assert values[2] == pytest.approx(4 * values[1])


def test_value_matches_the_formula_and_ignores_unlisted_parameters(policy):
    importance = importance_for(policy)
    penalty = ewc_penalty(policy, importance, strength=4.0)
    with torch.no_grad():
        policy.pi.bias += 0.1
        policy.v.weight += 10.0  # not in the importance: free
    expected = 0.5 * 4.0 * float((importance["pi.bias"] * 0.01).sum())
    assert float(penalty(policy).detach()) == pytest.approx(expected)


def test_anchor_is_a_snapshot(policy):
    penalty = ewc_penalty(policy, importance_for(policy), strength=1.0)
    with torch.no_grad():
        policy.pi.weight += 1.0
    assert float(penalty(policy).detach()) > 0


def test_shuffled_importance_keeps_the_multiset_and_is_fixed_per_seed(policy):
    importance = importance_for(policy)
    shuffled = shuffled_importance(importance, seed=7)
    assert {n: v.shape for n, v in shuffled.items()} == {n: v.shape for n, v in importance.items()}
    torch.testing.assert_close(flatten(shuffled).sort().values, flatten(importance).sort().values)
    assert not torch.equal(flatten(shuffled), flatten(importance))
    torch.testing.assert_close(shuffled, shuffled_importance(importance, seed=7))
    assert not torch.equal(flatten(shuffled), flatten(shuffled_importance(importance, seed=8)))


def test_isotropic_importance_spreads_the_same_total(policy):
    importance = importance_for(policy)
    isotropic = isotropic_importance(importance)
    values = flatten(isotropic)
    assert torch.allclose(values, values[0].expand_as(values))
    assert float(values.sum()) == pytest.approx(float(flatten(importance).sum()))


def test_gradient_is_strength_times_importance_times_displacement(policy):
    importance = importance_for(policy)
    penalty = ewc_penalty(policy, importance, strength=1.5)
    moved = {n: (p.detach() + 0.5).requires_grad_(True) for n, p in policy.named_parameters()}
    penalty(ParameterView(moved)).backward()
    for name, value in importance.items():
        torch.testing.assert_close(moved[name].grad, 1.5 * value * 0.5)
    assert moved["v.weight"].grad is None
