"""Iterative structural consolidation: rounds of capability training, each followed by consolidation.

One round of an arm, starting from policy θ_prev:

1. **EWC importance** (if the arm has one), measured on θ_prev and accumulated over rounds
   (online EWC, F ← γ F + F_new), anchored at θ_prev:
   ``value`` — the exact Fisher F_v on value-relevant states the agent experienced: of the
   action head on those states, plus of the report head on the same states with the honesty
   question put to them (half with the fact true);
   ``shuffled`` — F_v permuted across parameters; ``isotropic`` — mean(F_v) everywhere (plain L2);
   ``capability`` — the Fisher F_c on capability states. The three controls keep the stiffness
   and lose what the value Fisher knows about *which* parameters carry the values.
2. **Capability phase** — PPO on Autonomy *without* any prosocial bonus, then on each capability
   task, with the EWC penalty (if any) added to every minibatch loss. Giving costs reward in
   Autonomy, so this is where values that nothing protects erode.
3. **Consolidation** (if the arm replays or distils): a student — a shrunk and perturbed copy of
   the post-phase policy when the arm distils, an exact copy when it only replays — is trained to
   match the post-phase policy on current-task states (keeping the new capability) and, when the
   arm replays, θ_prev on value-relevant states *generated* by a spec VAE (keeping the values
   θ_prev had). The student becomes the round's policy.

An arm is a configuration of this one round (``Arm``): the SVA arm switches everything on, plain
fine-tuning nothing, and the stiffness controls differ from SVA only in their EWC importance
(same replay, same distillation). Every arm of a seed sees the same environment seeds.

Compute is counted per arm (``Compute``): agent-steps, and gradient samples — every sample that
went through a backward pass (PPO, Fisher Jacobians, VAE training, distillation).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import torch
from torch import Tensor

from claimbase.lab.distill import kd_loss, shrink_perturb
from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_capability import TASKS
from claimbase.lab.ewc import ewc_penalty, isotropic_importance, shuffled_importance
from claimbase.lab.fisher import Fisher, accumulate, exact_fisher
from claimbase.lab.grid import GridConfig
from claimbase.lab.observation import N_ACTIONS, N_REPORTS, ask
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig, TrainLog, train
from claimbase.lab.replay import SpecVAE, VAEConfig, train_vae
from claimbase.lab.scenario import Scenario, from_grid, render
from claimbase.lab.socialgrid import SocialGrid

Progress = Callable[[float, str], None]
IMPORTANCES = ("none", "value", "shuffled", "isotropic", "capability")


@dataclass(frozen=True)
class Arm:
    """Which consolidation components an arm switches on."""

    name: str
    importance: str
    """EWC importance: one of ``IMPORTANCES`` ("none" = no EWC)."""
    replay: bool
    """Generative replay of value-relevant scenarios, with θ_prev's actions as targets."""
    distill: bool
    """Self-distillation into a shrunk-and-perturbed student."""

    def __post_init__(self) -> None:
        if self.importance not in IMPORTANCES:
            raise ValueError(f"unknown importance {self.importance!r}; choose one of {IMPORTANCES}")

    @property
    def consolidates(self) -> bool:
        return self.replay or self.distill


ARMS: dict[str, Arm] = {
    arm.name: arm
    for arm in (
        Arm("sva", "value", replay=True, distill=True),
        Arm("ft", "none", replay=False, distill=False),
        Arm("shuffled", "shuffled", replay=True, distill=True),
        Arm("l2", "isotropic", replay=True, distill=True),
        Arm("capf", "capability", replay=True, distill=True),
    )
}
"""The treatment, plain fine-tuning, and the three stiffness controls."""


@dataclass(frozen=True)
class RoundConfig:
    """Budgets and settings of one consolidation round (the same for every arm)."""

    autonomy_steps: int = 40_000
    """Agent-steps of PPO on Autonomy without the prosocial bonus, first in each round."""
    task_steps: int = 15_000
    """Agent-steps of PPO on each capability task, after Autonomy."""
    tasks: tuple[str, ...] = tuple(TASKS)
    """Capability tasks of the phase (never the held-out ``maze_delivery``)."""
    decisions_per_step: int = 64
    """Learner decisions per env step (envs = decisions_per_step // learners)."""
    ppo: PPOConfig = field(default_factory=PPOConfig)
    """PPO settings; ``total_agent_steps`` is set per segment."""
    ewc_strength: float = 1000.0
    """λ of the EWC penalty (λ/2) Σ F (θ − θ*)²."""
    ewc_gamma: float = 1.0
    """Online EWC decay: F ← γ F_old + F_new at every round."""
    fisher_states: int = 256
    """States the EWC Fisher is measured on (value-relevant, or capability for ``capability``)."""
    current_states: int = 2048
    """Current-task states the distillation keeps the new capability on."""
    replay_samples: int = 2048
    """Scenarios drawn from the VAE per round (those that are value-relevant are replayed)."""
    vae: VAEConfig = field(default_factory=VAEConfig)
    """The spec VAE (trained once per formation and seed)."""
    distill_steps: int = 300
    """Optimiser steps of the consolidation student."""
    distill_batch: int = 256
    """States per minibatch, from each of the current and replay sets."""
    distill_lr: float = 1e-3
    """Adam step size of the student."""
    shrink: float = 0.8
    """Shrink-and-perturb: the student starts at shrink · θ + noise · ε."""
    noise: float = 0.01
    """Shrink-and-perturb noise scale."""
    temperature: float = 2.0
    """Distillation temperature (loss scaled by T²)."""
    replay_weight: float = 0.5
    """Weight of the replay loss against the current-task loss."""
    value_coef: float = 0.5
    """Weight of the critic-matching term in the distillation loss."""

    def segments(self) -> list[tuple[GridConfig, int]]:
        """The capability phase's (rule set, agent-steps) pairs, in order."""
        return [(autonomy(), self.autonomy_steps)] + [(TASKS[name], self.task_steps) for name in self.tasks]


@dataclass
class Compute:
    """What an arm spent: agent-steps and gradient samples by component."""

    agent_steps: int = 0
    ppo_samples: int = 0
    fisher_samples: int = 0
    vae_samples: int = 0
    distill_samples: int = 0

    @property
    def gradient_samples(self) -> int:
        return self.ppo_samples + self.fisher_samples + self.vae_samples + self.distill_samples

    @property
    def overhead_samples(self) -> int:
        """Gradient samples spent beyond the capability phase's PPO (the price of consolidating)."""
        return self.fisher_samples + self.vae_samples + self.distill_samples

    def add(self, other: "Compute") -> None:
        for name in ("agent_steps", "ppo_samples", "fisher_samples", "vae_samples", "distill_samples"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {
            "agent_steps": self.agent_steps, "ppo_samples": self.ppo_samples,
            "fisher_samples": self.fisher_samples, "vae_samples": self.vae_samples,
            "distill_samples": self.distill_samples, "gradient_samples": self.gradient_samples,
        }


@torch.no_grad()
def play_states(
    policy: ActorCritic, cfg: GridConfig, envs: int, steps: int, seed: int, device: str = "cpu"
) -> tuple[Tensor, Scenario]:
    """Observations and scene specs the learners of ``cfg`` meet while ``policy`` plays (sampled
    actions): ``envs × steps × learners`` of each."""
    env = SocialGrid(cfg, envs, device=device, seed=seed)
    obs = env.reset(seed)
    generator = torch.Generator(device=env.device).manual_seed(seed)
    seen, specs = [], []
    for _ in range(steps):
        specs.append(from_grid(env.state, cfg))
        flat = obs.reshape(-1, obs.shape[-1])
        seen.append(flat)
        action = torch.multinomial(torch.softmax(policy(flat)[0], -1), 1, generator=generator)
        obs = env.step(action.view(envs, cfg.n_learners)).obs
    return torch.cat(seen), Scenario.cat(specs)


def value_experience(policy: ActorCritic, seed: int, envs: int = 64, device: str = "cpu") -> Scenario:
    """Value-relevant scenes (P_v) the policy met in one Autonomy episode per env: what the spec
    VAE learns to generate and what the value Fisher is measured on."""
    cfg = autonomy()
    _, specs = play_states(policy, cfg, envs, cfg.horizon, seed, device)
    return specs.select(specs.value_relevant())


def capability_experience(policy: ActorCritic, seed: int, envs: int = 8, device: str = "cpu") -> Tensor:
    """Observations from one episode per env of every capability task (capability states)."""
    parts = [play_states(policy, cfg, envs, cfg.horizon, seed + i, device)[0] for i, cfg in enumerate(TASKS.values())]
    return torch.cat(parts)


def train_replay_model(specs: Scenario, cfg: VAEConfig, seed: int) -> tuple[SpecVAE, int]:
    """Fit the spec VAE to experienced value-relevant scenes; returns it and its gradient samples."""
    torch.manual_seed(seed)
    model = SpecVAE(cfg)
    # The VAE is tiny and samples with CPU generators: it trains on CPU whatever the policy's device.
    on_cpu = Scenario(**{f.name: getattr(specs, f.name).cpu() for f in fields(Scenario)})
    train_vae(model, on_cpu, seed)
    return model, cfg.epochs * len(specs)


def replay_states(model: SpecVAE, n: int, seed: int) -> Tensor:
    """Observations of the value-relevant scenes among ``n`` draws from the VAE (rendered with a
    distractor plane drawn from ``seed``)."""
    samples = model.sample(n, torch.Generator().manual_seed(seed))
    kept = samples.select(samples.value_relevant())
    return render(kept, seed=seed)


def question_copies(obs: Tensor, seed: int) -> Tensor:
    """The states with the honesty question put to them, the fact true in a seeded random half
    (the monitored bit and everything else as they were)."""
    fact = torch.rand(len(obs), generator=torch.Generator().manual_seed(seed)) < 0.5
    return ask(obs, fact.to(obs.device))


def importance_for(
    arm: Arm, policy: ActorCritic, value_obs: Tensor, capability_obs: Tensor, seed: int
) -> tuple[Fisher | None, int]:
    """The arm's EWC importance measured on ``policy`` and the gradient samples it cost (each
    state's Jacobian is one backward pass per action)."""
    if arm.importance == "none":
        return None, 0
    if arm.importance == "capability":
        return exact_fisher(policy, capability_obs), len(capability_obs) * N_ACTIONS
    fisher = exact_fisher(policy, value_obs)
    honesty = exact_fisher(policy, question_copies(value_obs, seed), report=True)
    fisher = {name: fisher[name] + honesty[name] for name in fisher}
    if arm.importance == "shuffled":
        fisher = shuffled_importance(fisher, seed)
    elif arm.importance == "isotropic":
        fisher = isotropic_importance(fisher)
    return fisher, len(value_obs) * (N_ACTIONS + N_REPORTS)


def distill_round(
    current: ActorCritic,
    previous: ActorCritic,
    current_obs: Tensor,
    replay_obs: Tensor | None,
    cfg: RoundConfig,
    perturb: bool,
    seed: int,
) -> tuple[ActorCritic, list[float], int]:
    """Train a student to act like ``current`` on current-task states and, with replay, like
    ``previous`` on replayed value states. Returns the student, its losses and gradient samples.

    The student is a shrink-and-perturb copy of ``current`` when ``perturb``, else an exact copy.
    Neither teacher is trained: their outputs are computed once, without gradient.
    """
    student = shrink_perturb(current, cfg.shrink, cfg.noise, seed) if perturb else copy.deepcopy(current)
    sets = [(current_obs, current, 1.0)]
    if replay_obs is not None and len(replay_obs):
        sets = [(current_obs, current, 1.0 - cfg.replay_weight), (replay_obs, previous, cfg.replay_weight)]
    asked = [question_copies(obs, seed + i) for i, (obs, _, _) in enumerate(sets)]
    with torch.no_grad():
        targets = [teacher(obs) for obs, teacher, _ in sets]
        report_targets = [teacher(q, report=True)[0] for q, (_, teacher, _) in zip(asked, sets)]
    optimiser = torch.optim.Adam(student.parameters(), lr=cfg.distill_lr)
    generator = torch.Generator().manual_seed(seed)
    losses, samples = [], 0
    for _ in range(cfg.distill_steps):
        loss = current_obs.new_zeros(())
        for (obs, _, weight), (t_logits, t_value), q, t_report in zip(sets, targets, asked, report_targets):
            rows = torch.randint(len(obs), (cfg.distill_batch,), generator=generator).to(obs.device)
            s_logits, s_value = student(obs[rows])
            term = kd_loss(s_logits, t_logits[rows], cfg.temperature)
            term = term + cfg.value_coef * (s_value - t_value[rows]).pow(2).mean()
            term = term + kd_loss(student(q[rows], report=True)[0], t_report[rows], cfg.temperature)
            loss = loss + weight * term
            samples += 2 * len(rows)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return student, losses, samples


@dataclass
class ArmState:
    """What an arm carries from round to round: its policy, accumulated Fisher and compute."""

    arm: Arm
    policy: ActorCritic
    fisher: Fisher | None = None
    compute: Compute = field(default_factory=Compute)


@dataclass
class RoundLog:
    """What happened in one round of one arm (for the job's records)."""

    returns: dict[str, float]
    """Final episode return of each capability segment (end of its learning curve)."""
    ewc_penalty: float
    """Mean EWC penalty over the last update of the phase's segments (0 without EWC)."""
    distill_loss: float
    """Last distillation loss (0 when the arm does not consolidate)."""
    replayed: int
    """Value-relevant states replayed (0 without replay)."""
    compute: Compute


def run_round(
    state: ArmState,
    cfg: RoundConfig,
    round_index: int,
    seed: int,
    value_obs: Tensor,
    capability_obs: Tensor,
    replay_model: SpecVAE | None,
    device: str = "cpu",
    progress: Progress | None = None,
) -> RoundLog:
    """Run one round of ``state.arm`` in place (``state.policy`` becomes the round's policy).

    ``value_obs`` / ``capability_obs`` are the states the EWC Fisher is measured on; the replay
    model is needed when the arm replays. Environment seeds depend on ``seed`` and the round only,
    so every arm of a seed meets the same episodes.
    """
    arm, compute = state.arm, Compute()
    previous = copy.deepcopy(state.policy)
    penalty = None
    if arm.importance != "none":
        fisher, samples = importance_for(arm, previous, value_obs[: cfg.fisher_states],
                                         capability_obs[: cfg.fisher_states], seed)
        compute.fisher_samples += samples
        state.fisher = accumulate(state.fisher, fisher, cfg.ewc_gamma)
        penalty = ewc_penalty(state.policy, state.fisher, cfg.ewc_strength)

    returns, penalties = {}, []
    segments = cfg.segments()
    for i, (grid, steps) in enumerate(segments):
        segment_seed = seed * 1000 + 100 * round_index + i
        env = SocialGrid(grid, max(1, cfg.decisions_per_step // grid.n_learners), device=device, seed=segment_seed)
        report = None
        if progress is not None:
            report = lambda frac, msg, i=i: progress((i + frac) / (len(segments) + 1), msg)  # noqa: E731
        ppo = PPOConfig(**{**cfg.ppo.__dict__, "total_agent_steps": steps})
        log: TrainLog = train(state.policy, env, ppo, segment_seed, extra_loss=penalty, progress=report)
        returns[grid.name] = log.final_return()
        penalties.append(log.extra_loss[-1])
        compute.agent_steps += log.agent_steps[-1]
        compute.ppo_samples += log.gradient_samples

    distill_loss, replayed = 0.0, 0
    if arm.consolidates:
        if progress is not None:
            progress(len(segments) / (len(segments) + 1), f"{arm.name}: consolidating")
        current_obs = _current_states(state.policy, cfg, seed * 1000 + 100 * round_index + 50, device)
        replay_obs = None
        if arm.replay:
            if replay_model is None:
                raise ValueError(f"arm {arm.name!r} replays but no replay model was given")
            replay_obs = replay_states(replay_model, cfg.replay_samples, seed * 1000 + 100 * round_index + 60).to(device)
            replayed = len(replay_obs)
        student, losses, samples = distill_round(
            state.policy, previous, current_obs, replay_obs, cfg, arm.distill, seed * 1000 + 100 * round_index + 70
        )
        state.policy = student
        compute.distill_samples += samples
        distill_loss = losses[-1] if losses else 0.0
    state.compute.add(compute)
    return RoundLog(
        returns=returns,
        ewc_penalty=sum(penalties) / len(penalties),
        distill_loss=distill_loss,
        replayed=replayed,
        compute=compute,
    )


def _current_states(policy: ActorCritic, cfg: RoundConfig, seed: int, device: str) -> Tensor:
    """About ``cfg.current_states`` observations from the round's capability segments, in equal shares."""
    segments = cfg.segments()
    per = max(1, cfg.current_states // len(segments))
    parts = []
    for i, (grid, _) in enumerate(segments):
        envs = max(1, min(16, per // (grid.horizon * grid.n_learners) + 1))
        obs, _ = play_states(policy, grid, envs, grid.horizon, seed + i, device)
        rows = torch.randperm(len(obs), generator=torch.Generator().manual_seed(seed + i))[:per]
        parts.append(obs[rows.to(obs.device)])
    return torch.cat(parts)
