"""The diagonal Fisher estimators against closed forms and the KL curvature."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from claimbase.lab.fisher import (
    accumulate,
    empirical_fisher,
    exact_fisher,
    fisher_overlap,
    flatten,
    sampled_fisher,
)




class SoftmaxRegression(nn.Module):
    """π(a|x) = softmax(W x + b), with a value head the policy does not depend on."""

    def __init__(self, inputs: int, actions: int):
        super().__init__()
        self.pi = nn.Linear(inputs, actions)
        self.v = nn.Linear(inputs, 1)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.pi(obs), self.v(obs).squeeze(-1)


class TinyPolicy(nn.Module):
    """A two-layer tanh trunk with policy and value heads."""

    def __init__(self, inputs: int = 6, hidden: int = 16, actions: int = 4):
        super().__init__()
        self.l1, self.l2 = nn.Linear(inputs, hidden), nn.Linear(hidden, hidden)
        self.pi, self.v = nn.Linear(hidden, actions), nn.Linear(hidden, 1)

    def features(self, obs: torch.Tensor) -> list[torch.Tensor]:
        h1 = torch.tanh(self.l1(obs))
        return [h1, torch.tanh(self.l2(h1))]

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.features(obs)[-1]
        return self.pi(h), self.v(h).squeeze(-1)


def make(module: type[nn.Module], *args: int, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return module(*args).double()


def states(n: int, d: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def mean_kl(p: nn.Module, q: nn.Module, obs: torch.Tensor) -> float:
    with torch.no_grad():
        lp, lq = torch.log_softmax(p(obs)[0], -1), torch.log_softmax(q(obs)[0], -1)
        return float((lp.exp() * (lp - lq)).sum(-1).mean())


def test_softmax_regression_matches_the_closed_form():
    policy, x = make(SoftmaxRegression, 5, 3), states(300, 5)
    fisher = exact_fisher(policy, x, chunk_size=64)
    with torch.no_grad():
        p = torch.softmax(policy(x)[0], -1)
    spread = p * (1 - p)
    torch.testing.assert_close(fisher["pi.weight"], (spread.T @ x**2) / len(x))
    torch.testing.assert_close(fisher["pi.bias"], spread.mean(0))
    assert torch.count_nonzero(fisher["v.weight"]) == 0


def test_output_bias_of_an_mlp_matches_the_closed_form():
    policy, x = make(TinyPolicy), states(200, 6)
    fisher = exact_fisher(policy, x)
    with torch.no_grad():
        p = torch.softmax(policy(x)[0], -1)
    torch.testing.assert_close(fisher["pi.bias"], (p * (1 - p)).mean(0))


def test_diagonal_equals_the_diagonal_of_the_full_fisher_and_kl_curvature():
    policy, x = make(SoftmaxRegression, 4, 3), states(100, 4)
    theta = [p for p in policy.pi.parameters()]
    full = torch.zeros(15, 15, dtype=torch.float64)
    for row in x:
        log_p = torch.log_softmax(policy(row[None])[0][0], -1)
        for a in range(3):
            g = torch.autograd.grad(log_p[a], theta, retain_graph=True)
            g = torch.cat([t.reshape(-1) for t in g])
            full += log_p[a].exp().detach() * torch.outer(g, g)
    full /= len(x)
    fisher = exact_fisher(policy, x)
    diagonal = flatten({k: fisher[k] for k in ("pi.weight", "pi.bias")})
    torch.testing.assert_close(torch.diag(full), diagonal)

    delta = 1e-3 * torch.randn(15, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    moved = make(SoftmaxRegression, 4, 3)
    with torch.no_grad():
        moved.pi.weight += delta[:12].view(3, 4)
        moved.pi.bias += delta[12:]
    assert mean_kl(policy, moved, x) == pytest.approx(0.5 * float(delta @ full @ delta), rel=2e-3)


def test_kl_along_one_parameter_is_half_fisher_times_step_squared():
    """With the diagonal only, ½ δᵀFδ holds for steps along single coordinates."""
    policy, x = make(TinyPolicy), states(200, 6)
    fisher = exact_fisher(policy, x)
    step = 1e-3
    for name, index in [("l1.weight", (3, 2)), ("l2.bias", (5,)), ("pi.weight", (1, 7))]:
        moved = make(TinyPolicy)
        with torch.no_grad():
            dict(moved.named_parameters())[name][index] += step
        expected = 0.5 * float(fisher[name][index]) * step**2
        assert mean_kl(policy, moved, x) == pytest.approx(expected, rel=5e-3), name


def test_sampled_fisher_converges_to_the_exact_one():
    policy, x = make(TinyPolicy), states(100, 6)
    exact = flatten(exact_fisher(policy, x))

    def relative_error(samples: int) -> float:
        estimate = flatten(sampled_fisher(policy, x, samples_per_state=samples, seed=5))
        return float((estimate - exact).abs().sum() / exact.abs().sum())

    few, many = relative_error(1), relative_error(200)
    assert many < 0.05
    assert many < few / 4


def test_sampled_fisher_is_reproducible_per_seed():
    policy, x = make(TinyPolicy), states(50, 6)
    a = sampled_fisher(policy, x, seed=1)
    torch.testing.assert_close(a, sampled_fisher(policy, x, seed=1))
    assert not torch.equal(flatten(a), flatten(sampled_fisher(policy, x, seed=2)))


def test_empirical_fisher_matches_per_state_autograd():
    policy, x = make(TinyPolicy), states(20, 6)
    actions = torch.arange(20) % 4
    fisher = empirical_fisher(policy, x, actions, chunk_size=7)
    expected = {name: torch.zeros_like(p) for name, p in policy.named_parameters()}
    for row, a in zip(x, actions):
        policy.zero_grad()
        torch.log_softmax(policy(row[None])[0][0], -1)[a].backward()
        for name, p in policy.named_parameters():
            if p.grad is not None:  # the value head gets none
                expected[name] += p.grad**2 / len(x)
    torch.testing.assert_close(fisher, expected)


def test_estimates_are_non_negative_and_shaped_like_the_parameters():
    policy, x = make(TinyPolicy), states(40, 6)
    estimates = (
        exact_fisher(policy, x),
        sampled_fisher(policy, x),
        empirical_fisher(policy, x, torch.zeros(40)),
    )
    for fisher in estimates:
        assert fisher.keys() == dict(policy.named_parameters()).keys()
        for name, p in policy.named_parameters():
            assert fisher[name].shape == p.shape
            assert (fisher[name] >= 0).all()


def test_online_accumulation():
    old = {"w": torch.tensor([1.0, 2.0])}
    new = {"w": torch.tensor([0.5, 0.0])}
    torch.testing.assert_close(accumulate(old, new, gamma=0.9)["w"], torch.tensor([1.4, 1.8]))
    fresh = accumulate(None, new, gamma=0.9)
    torch.testing.assert_close(fresh, new)
    assert fresh["w"] is not new["w"]


def test_fisher_overlap_is_a_bhattacharyya_coefficient():
    f = {"a": torch.tensor([1.0, 3.0]), "b": torch.tensor([0.0])}
    g = {"a": torch.tensor([0.0, 0.0]), "b": torch.tensor([2.0])}
    assert fisher_overlap(f, f) == pytest.approx(1.0)
    assert fisher_overlap(f, {k: 7.0 * v for k, v in f.items()}) == pytest.approx(1.0)
    assert fisher_overlap(f, g) == pytest.approx(0.0)
    h = {"a": torch.tensor([1.0, 1.0]), "b": torch.tensor([2.0])}
    expected = (0.25 * 0.25) ** 0.5 + (0.75 * 0.25) ** 0.5
    assert fisher_overlap(f, h) == pytest.approx(expected)
    assert fisher_overlap(h, f) == pytest.approx(expected)


def test_fisher_overlap_equals_one_minus_the_halved_frechet_distance():
    g = torch.Generator().manual_seed(4)
    f = {"w": torch.rand(30, generator=g, dtype=torch.float64)}
    h = {"w": torch.rand(30, generator=g, dtype=torch.float64)}
    fn, hn = f["w"] / f["w"].sum(), h["w"] / h["w"].sum()
    frechet_squared = 0.5 * float((fn.sqrt() - hn.sqrt()).pow(2).sum())
    assert fisher_overlap(f, h) == pytest.approx(1 - frechet_squared)
