"""Self-distillation into a shrink-and-perturbed student."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from claimbase.lab.distill import (
    DistillConfig,
    distill,
    kd_loss,
    parameter_distance,
    policy_divergence,
    shrink_perturb,
)




class TinyPolicy(nn.Module):
    def __init__(self, inputs: int = 6, hidden: int = 32, actions: int = 5):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh())
        self.pi, self.v = nn.Linear(hidden, actions), nn.Linear(hidden, 1)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(obs)
        return 2.0 * self.pi(h), self.v(h).squeeze(-1)


def teacher_and_states(seed: int = 0) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    teacher = TinyPolicy()
    g = torch.Generator().manual_seed(seed + 100)
    return teacher, torch.randn(2000, 6, generator=g), torch.randn(500, 6, generator=g)


def test_kl_is_zero_when_the_student_is_the_teacher():
    teacher, states, _ = teacher_and_states()
    same = shrink_perturb(teacher, shrink=1.0, noise_std=0.0, seed=0)
    assert policy_divergence(teacher, same, states) == {"kl": 0.0, "total_variation": 0.0}
    logits = teacher(states)[0].detach()
    assert float(kd_loss(logits, logits, temperature=2.0)) == pytest.approx(0.0, abs=1e-7)


def test_initial_distance_matches_shrink_and_noise():
    teacher, _, _ = teacher_and_states()
    n = sum(p.numel() for p in teacher.parameters())
    theta = torch.cat([p.detach().reshape(-1) for p in teacher.parameters()])

    shrunk = shrink_perturb(teacher, shrink=0.5, noise_std=0.0, seed=0)
    for p, q in zip(shrunk.parameters(), teacher.parameters()):
        torch.testing.assert_close(p, 0.5 * q)
    noisy = shrink_perturb(teacher, shrink=1.0, noise_std=0.05, seed=0)
    assert parameter_distance(noisy, teacher) / n**0.5 == pytest.approx(0.05, rel=0.08)

    both = shrink_perturb(teacher, shrink=0.8, noise_std=0.05, seed=3)
    expected = float((0.2**2 * theta.pow(2).sum() + 0.05**2 * n).sqrt())
    assert parameter_distance(both, teacher) == pytest.approx(expected, rel=0.08)

    again = shrink_perturb(teacher, shrink=0.8, noise_std=0.05, seed=3)
    assert parameter_distance(both, again) == 0.0


def test_distillation_brings_the_student_close_on_held_out_states():
    teacher, states, held_out = teacher_and_states()
    config = DistillConfig(shrink=0.5, noise_std=0.05, steps=100, learning_rate=1e-2, seed=1)
    result = distill(teacher, states, config)
    before = policy_divergence(teacher, shrink_perturb(teacher, 0.5, 0.05, seed=1), held_out)
    after = policy_divergence(teacher, result.student, held_out)
    assert before["total_variation"] > 0.1
    assert after["total_variation"] < 0.03
    assert result.losses[-1] < 0.1 * result.losses[0]


def test_the_teacher_gets_no_gradient_and_stays_put():
    teacher, states, _ = teacher_and_states()
    replay = torch.randn(300, 6, generator=torch.Generator().manual_seed(9))
    snapshot = [p.detach().clone() for p in teacher.parameters()]
    config = DistillConfig(steps=20, input_noise=0.1, value_coef=0.5, batch_size=64)
    distill(teacher, states, config, replay_states=replay)
    for p, q in zip(teacher.parameters(), snapshot):
        assert p.grad is None
        assert torch.equal(p, q)


def test_distillation_is_reproducible_per_seed():
    teacher, states, _ = teacher_and_states()
    config = DistillConfig(steps=10, batch_size=32, input_noise=0.1, seed=4)
    first, second = distill(teacher, states, config), distill(teacher, states, config)
    assert first.losses == second.losses
    assert parameter_distance(first.student, second.student) == 0.0


def test_value_matching_pulls_the_value_head_back():
    teacher, states, held_out = teacher_and_states()
    config = DistillConfig(shrink=0.5, noise_std=0.05, steps=100, learning_rate=1e-2,
                           value_coef=1.0)
    student = distill(teacher, states, config).student
    with torch.no_grad():
        error = (student(held_out)[1] - teacher(held_out)[1]).pow(2).mean()
        spread = teacher(held_out)[1].var()
    assert error < 0.05 * spread


def test_kd_gradient_tends_to_logit_matching_at_high_temperature():
    teacher_logits = torch.tensor([[1.0, -2.0, 1.0]], dtype=torch.float64)
    student_logits = torch.tensor([[0.5, 0.3, -0.8]], dtype=torch.float64, requires_grad=True)
    teacher_logits -= teacher_logits.mean()  # the limit holds for zero-mean logits
    expected = (student_logits.detach() - teacher_logits) / 3
    errors = []
    for temperature in (10.0, 100.0, 1000.0):
        (gradient,) = torch.autograd.grad(
            kd_loss(student_logits, teacher_logits, temperature), student_logits
        )
        errors.append(float((gradient - expected).abs().max()))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-3
