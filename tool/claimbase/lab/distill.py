"""Self-distillation of a policy into a parameter-perturbed copy of itself.

The student starts from a shrunk and perturbed copy of the teacher (shrink-and-perturb,
θ_S = α θ_T + σ ε with ε ∼ N(0, I), seeded) and is trained to reproduce the teacher's action
distribution on the states it is given — current-task states and replayed value-relevant
states — by minimising T² · KL(softmax(z_T/T) ‖ softmax(z_S/T)). The T² factor keeps the
gradient's size independent of the temperature (Hinton et al. 2015); as T grows the gradient
tends to (z_S − z_T)/A for zero-mean logits over A actions, i.e. plain logit matching.

Noise on the student's inputs only (Noisy-Student style) is optional. The teacher is never
trained: its outputs are computed once, without gradient, before the student's first step.

Policies follow the lab's interface: ``policy(obs[B, D]) -> (logits[B, A], value[B])``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class DistillConfig:
    """Hyper-parameters of one distillation."""

    shrink: float = 0.8
    """α: the student starts at α·θ_T (+ noise); 1 keeps the teacher's scale."""
    noise_std: float = 0.01
    """σ: standard deviation of the Gaussian noise added to every student parameter at start."""
    temperature: float = 2.0
    """T: both distributions are softened by T, and the loss is scaled by T²."""
    input_noise: float = 0.0
    """Standard deviation of Gaussian noise added to the student's inputs only (0 = none)."""
    replay_weight: float = 0.5
    """Weight of the replay-state loss against the current-task loss, when replay states exist."""
    value_coef: float = 0.0
    """Weight of a squared error pulling the student's value towards the teacher's (0 = off)."""
    steps: int = 500
    """Number of optimiser steps."""
    batch_size: int = 256
    """States per minibatch (from each of the current and replay sets)."""
    learning_rate: float = 1e-3
    """Adam step size."""
    seed: int = 0
    """Seeds the perturbation, the minibatch draws and the input noise."""


@dataclass
class DistillResult:
    """The trained student and how the loss went."""

    student: nn.Module
    losses: list[float]
    """Total loss at every step."""
    initial_distance: float
    """‖θ_S − θ_T‖₂ over all parameters right after shrink-and-perturb."""


def shrink_perturb(teacher: nn.Module, shrink: float, noise_std: float, seed: int) -> nn.Module:
    """A deep copy of ``teacher`` with every parameter set to α θ + σ ε (ε seeded, N(0, 1))."""
    student = copy.deepcopy(teacher)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in student.parameters():
            eps = torch.randn(p.shape, generator=generator, dtype=p.dtype).to(p.device)
            p.mul_(shrink).add_(noise_std * eps)
    return student


def parameter_distance(first: nn.Module, second: nn.Module) -> float:
    """Euclidean distance between two modules' parameter vectors (same architecture)."""
    pairs = zip(first.parameters(), second.parameters(), strict=True)
    return float(torch.sqrt(sum(((p - q).detach().double() ** 2).sum() for p, q in pairs)))


def kd_loss(student_logits: Tensor, teacher_logits: Tensor, temperature: float) -> Tensor:
    """T² · mean over rows of KL(softmax(teacher/T) ‖ softmax(student/T)); zero iff they agree."""
    teacher_log = torch.log_softmax(teacher_logits / temperature, dim=-1)
    student_log = torch.log_softmax(student_logits / temperature, dim=-1)
    kl = (teacher_log.exp() * (teacher_log - student_log)).sum(-1)
    return temperature**2 * kl.mean()


def policy_divergence(teacher: nn.Module, student: nn.Module, obs: Tensor) -> dict[str, float]:
    """Mean KL(π_T ‖ π_S) and mean total variation ½ Σ_a |π_T − π_S| over the rows of ``obs``."""
    with torch.no_grad():
        t = torch.log_softmax(teacher(obs)[0], dim=-1)
        s = torch.log_softmax(student(obs)[0], dim=-1)
    kl = (t.exp() * (t - s)).sum(-1).mean()
    tv = 0.5 * (t.exp() - s.exp()).abs().sum(-1).mean()
    return {"kl": float(kl), "total_variation": float(tv)}


def distill(
    teacher: nn.Module,
    states: Tensor,
    config: DistillConfig,
    replay_states: Tensor | None = None,
) -> DistillResult:
    """Train a shrink-and-perturbed copy of ``teacher`` to match it on ``states`` (+ replay)."""
    student = shrink_perturb(teacher, config.shrink, config.noise_std, config.seed)
    initial_distance = parameter_distance(student, teacher)
    generator = torch.Generator().manual_seed(config.seed)

    sets = [states] if replay_states is None else [states, replay_states]
    weights = [1.0] if replay_states is None else [1 - config.replay_weight, config.replay_weight]
    with torch.no_grad():
        targets = [teacher(s) for s in sets]

    optimiser = torch.optim.Adam(student.parameters(), lr=config.learning_rate)
    losses = []
    for _ in range(config.steps):
        loss = torch.zeros((), dtype=states.dtype, device=states.device)
        for obs, (t_logits, t_value), weight in zip(sets, targets, weights):
            rows = torch.randint(len(obs), (config.batch_size,), generator=generator)
            rows = rows.to(obs.device)
            batch = obs[rows]
            if config.input_noise > 0:
                noise = torch.randn(batch.shape, generator=generator, dtype=batch.dtype)
                batch = batch + config.input_noise * noise.to(batch.device)
            s_logits, s_value = student(batch)
            term = kd_loss(s_logits, t_logits[rows], config.temperature)
            if config.value_coef > 0:
                term = term + config.value_coef * (s_value - t_value[rows]).pow(2).mean()
            loss = loss + weight * term
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return DistillResult(student=student, losses=losses, initial_distance=initial_distance)
