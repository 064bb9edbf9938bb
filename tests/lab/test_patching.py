"""Probing, patching and ablation on a network whose behaviour provably uses one direction.

The hand-built policy reads six inputs x = (need, distractor, four nuisances). Trunk layer 0 embeds
them along six orthonormal directions of R⁸ (need along ``u``, the distractor along ``v``); layer
1 rotates back to coordinates and applies tanh, so its coordinate 0 is tanh(2·need). The
"give" action's logit depends on that coordinate alone; the other logits depend on nuisances
only. Hence, for pairs differing in need and distractor, patching along ``u`` (layer 0) or ``e₀``
(layer 1) must give NCE = 1, and along ``v`` or ``e₁`` NCE = 0.
"""

from __future__ import annotations

import pytest
import torch
from torch import Tensor, nn

from claimbase.lab.patching import (
    PatchablePolicy,
    ablation_cost,
    behaviour_probability,
    fit_probe,
    interchange,
    mean_ablation_edit,
    random_direction_control,
)

GIVE = 1


class RoutedPolicy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(0)
        q, _ = torch.linalg.qr(torch.randn(8, 8, generator=g, dtype=torch.float64))
        self.embed = q[:6]  # rows: the directions of need, distractor, nuisances in layer 0
        self.head = torch.zeros(8, 4, dtype=torch.float64)
        self.head[0, GIVE] = 3.0  # give ← tanh(2·need)
        self.head[2, 0] = 1.0  # the other logits read nuisances
        self.head[3, 2] = -1.0
        self.head[4, 3] = 0.5

    @property
    def u(self) -> Tensor:
        return self.embed[0]

    @property
    def v(self) -> Tensor:
        return self.embed[1]

    def _layers(self, obs: Tensor, layer: int | None, edit) -> tuple[list[Tensor], Tensor]:
        hs = []
        h = obs @ self.embed
        for index in range(2):
            if index == 1:
                h = torch.tanh(2.0 * torch.cat([h @ self.embed.T, h.new_zeros(len(h), 2)], 1))
            if index == layer:
                h = edit(h)
            hs.append(h)
        return hs, h @ self.head

    def features(self, obs: Tensor) -> list[Tensor]:
        return self._layers(obs, None, None)[0]

    def forward_with(self, obs: Tensor, layer: int, edit) -> tuple[Tensor, Tensor]:
        logits = self._layers(obs, layer, edit)[1]
        return logits, logits.new_zeros(len(logits))

    def forward(self, obs: Tensor) -> tuple[Tensor, Tensor]:
        logits = self._layers(obs, None, None)[1]
        return logits, logits.new_zeros(len(logits))


def paired_states(n: int = 400, seed: int = 1) -> tuple[Tensor, Tensor]:
    g = torch.Generator().manual_seed(seed)
    shared = torch.randn(n, 6, generator=g, dtype=torch.float64)
    src, dst = shared.clone(), shared.clone()
    src[:, 0], dst[:, 0] = 1.0, -1.0  # needy other vs satisfied other
    src[:, 1] = torch.randn(n, generator=g, dtype=torch.float64)  # a difference that is not used
    return src, dst


@pytest.fixture(scope="module")
def policy() -> RoutedPolicy:
    return RoutedPolicy()


def test_the_test_network_implements_the_protocol(policy):
    assert isinstance(policy, PatchablePolicy)
    obs = paired_states(10)[0]
    for layer in (0, 1):
        torch.testing.assert_close(policy.forward_with(obs, layer, lambda h: h)[0], policy(obs)[0])


def test_probe_finds_the_need_direction_and_beats_its_null(policy):
    g = torch.Generator().manual_seed(2)
    obs = torch.randn(600, 6, generator=g, dtype=torch.float64)
    probe = fit_probe(policy.features(obs)[0], obs[:, 0], nulls=50, seed=0)
    assert probe.r2 > 0.99
    assert float(probe.null_r2.max()) < 0.1
    assert probe.p_value == pytest.approx(1 / 51)
    cosine = float(probe.basis()[:, 0] @ policy.u)
    assert abs(cosine) > 0.999
    torch.testing.assert_close(probe.predict(policy.features(obs)[0])[:, 0], obs[:, 0], atol=0.05,
                               rtol=0)


def test_a_probe_of_an_unrelated_variable_stays_at_its_null(policy):
    g = torch.Generator().manual_seed(3)
    obs = torch.randn(400, 6, generator=g, dtype=torch.float64)
    noise = torch.randn(400, generator=g, dtype=torch.float64)
    probe = fit_probe(policy.features(obs)[0], noise, nulls=50, seed=0)
    assert probe.r2 < 0.05
    assert probe.p_value > 0.05


def test_patching_the_routing_direction_transfers_the_behaviour(policy):
    src, dst = paired_states()
    on_route = interchange(policy, src, dst, layer=0, basis=policy.u, actions=GIVE)
    off_route = interchange(policy, src, dst, layer=0, basis=policy.v, actions=GIVE)
    assert on_route.p_src - on_route.p_dst > 0.3
    assert on_route.nce == pytest.approx(1.0, abs=1e-9)
    assert off_route.nce == pytest.approx(0.0, abs=1e-9)


def test_patching_along_a_fitted_probe_at_the_second_layer(policy):
    g = torch.Generator().manual_seed(4)
    obs = torch.randn(800, 6, generator=g, dtype=torch.float64)
    h = policy.features(obs)[1]
    need_probe = fit_probe(h, obs[:, 0], nulls=10, seed=1)
    nuisance_probe = fit_probe(h, obs[:, 2], nulls=10, seed=1)
    src, dst = paired_states()
    welfare = interchange(policy, src, dst, layer=1, basis=need_probe.basis(), actions=GIVE)
    capability = interchange(policy, src, dst, layer=1, basis=nuisance_probe.basis(), actions=GIVE)
    random = random_direction_control(
        policy, src, dst, layer=1, basis=need_probe.basis(), actions=GIVE, seed=0
    )
    assert welfare.nce > 0.95
    assert abs(capability.nce) < 0.05
    assert abs(random.nce) < 0.5


def test_random_direction_control_moves_by_the_probe_patch_norm(policy):
    src, dst = paired_states(50)
    recorded = {}

    class Recorder(RoutedPolicy):
        def forward_with(self, obs, layer, edit):
            def spy(h):
                recorded["before"], recorded["after"] = h, edit(h)
                return recorded["after"]

            return super().forward_with(obs, layer, spy)

    recorder = Recorder()
    random_direction_control(recorder, src, dst, layer=0, basis=recorder.u, actions=GIVE, seed=5)
    moved = (recorded["after"] - recorded["before"]).norm(dim=1)
    torch.testing.assert_close(moved, torch.full_like(moved, 2.0))  # need moved from −1 to +1


def test_undefined_nce_when_the_pairs_do_not_differ_in_behaviour(policy):
    src, dst = paired_states()
    result = interchange(policy, dst, dst, layer=0, basis=policy.u, actions=GIVE)
    assert result.nce is None
    assert result.p_src == result.p_dst


def test_behaviour_probability_sums_chosen_actions():
    logits = torch.log(torch.tensor([[0.1, 0.2, 0.3, 0.4]]))
    assert float(behaviour_probability(logits, 3)) == pytest.approx(0.4)
    assert float(behaviour_probability(logits, [0, 2])) == pytest.approx(0.4)


def test_mean_ablation_costs_the_capability_that_routes_through_the_subspace(policy):
    g = torch.Generator().manual_seed(5)
    obs = torch.randn(500, 6, generator=g, dtype=torch.float64)

    def helps_the_needy(fn) -> float:
        give = fn(obs)[0][:, GIVE]  # the logit: free of the nuisances' sampling noise
        needy = obs[:, 0] > 0
        return float(give[needy].mean() - give[~needy].mean())

    on_route = ablation_cost(policy, 0, policy.u, obs, helps_the_needy)
    off_route = ablation_cost(policy, 0, policy.v, obs, helps_the_needy)
    assert on_route.clean > 1.0
    assert on_route.ablated == pytest.approx(0.0, abs=1e-9)
    assert on_route.cost == pytest.approx(on_route.clean)
    assert off_route.cost == pytest.approx(0.0, abs=1e-12)


def test_mean_ablation_edit_replaces_only_the_subspace_component():
    basis = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
    mean = torch.tensor([5.0, 6.0, 7.0], dtype=torch.float64)
    h = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)
    torch.testing.assert_close(mean_ablation_edit(basis, mean)(h), torch.tensor([[5.0, 2.0, 3.0]],
                               dtype=torch.float64))
