"""Value formation: the Dependence → Reciprocity → Autonomy curriculum and its two baselines.

* ``formation`` — the SVA curriculum: one policy trained with PPO on each stage in turn, each
  stage with its own agent-step budget.
* ``autonomy_only`` — C0, the compute-matched capability-only baseline: the same total agent-steps
  (and so the same PPO updates) spent on Autonomy alone.
* ``explicit_reward`` — values as an optimisation target: the same curriculum, but every learner
  gets ``prosocial_bonus`` extra reward per unit it gives to a needy agent (need ≥ 0.5) and per
  truthful admission to the honesty question (so that honesty, like giving, is a reward target).

Each returns a ``Formation``: the trained policy and one learning curve (``ppo.TrainLog``) per
stage. Seeds: stage i of a run with seed s trains with seed ``s * 1000 + i`` (policy init uses s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_dependence import dependence
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.grid import GridConfig
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig, Progress, RewardShaping, TrainLog, train
from claimbase.lab.socialgrid import SocialGrid, Step


@dataclass(frozen=True)
class CurriculumConfig:
    """Budgets and settings of a formation run."""

    dependence_steps: int = 150_000
    """Learner agent-steps spent on Dependence."""
    reciprocity_steps: int = 150_000
    """Learner agent-steps spent on Reciprocity."""
    autonomy_steps: int = 150_000
    """Learner agent-steps spent on Autonomy."""
    decisions_per_step: int = 64
    """Learner decisions per env step: each stage runs decisions_per_step // n_learners envs."""
    hidden: int = 128
    """Width of the policy's two trunk layers."""
    ppo: PPOConfig = field(default_factory=PPOConfig)
    """PPO settings; ``total_agent_steps`` is overridden by each stage's budget."""
    prosocial_bonus: float = 2.0
    """Explicit-reward baseline only: bonus per unit given to a needy agent. It must exceed the
    substrate's ``give_cost`` (1) for a gift to pay; at 2 a gift to a needy agent nets +1."""

    def stages(self) -> list[tuple[GridConfig, int]]:
        """The curriculum's (rule set, budget) pairs, in order."""
        return [
            (dependence(), self.dependence_steps),
            (reciprocity(), self.reciprocity_steps),
            (autonomy(), self.autonomy_steps),
        ]

    @property
    def total_steps(self) -> int:
        return self.dependence_steps + self.reciprocity_steps + self.autonomy_steps


@dataclass
class Formation:
    """A formed policy and its per-stage learning curves (stage name → log, in training order)."""

    policy: ActorCritic
    curves: dict[str, TrainLog]

    @property
    def agent_steps(self) -> int:
        return sum(log.agent_steps[-1] for log in self.curves.values())

    @property
    def seconds(self) -> float:
        return sum(log.seconds for log in self.curves.values())


def prosocial_shaping(bonus: float) -> RewardShaping:
    """Reward shaping that pays ``bonus`` per unit a learner gives to a needy agent and per
    truthful ADMIT (at 2 against the admission's cost of 1, confessing nets +1)."""

    def shaping(step: Step) -> torch.Tensor:
        learners = step.reward.shape[1]
        bonus_events = step.events.gave_to_needy[:, :learners].float()
        if step.events.confessed is not None:
            bonus_events = bonus_events + step.events.confessed[:, :learners].float()
        return bonus * bonus_events

    return shaping


def run_stages(
    stages: list[tuple[GridConfig, int]],
    cfg: CurriculumConfig,
    seed: int,
    device: str = "cpu",
    reward_shaping: RewardShaping | None = None,
    progress: Progress | None = None,
    policy: ActorCritic | None = None,
) -> Formation:
    """Train one policy (fresh, seeded by ``seed``, unless given) on each stage in turn."""
    if policy is None:
        torch.manual_seed(seed)
        policy = ActorCritic(hidden=cfg.hidden)
    policy.to(device)
    curves: dict[str, TrainLog] = {}
    total = sum(steps for _, steps in stages)
    done = 0
    for i, (grid, steps) in enumerate(stages):
        stage_seed = seed * 1000 + i
        env = SocialGrid(grid, max(1, cfg.decisions_per_step // grid.n_learners), device=device, seed=stage_seed)
        report = None
        if progress is not None:
            offset, share = done / total, steps / total
            report = lambda frac, msg, o=offset, s=share: progress(o + s * frac, msg)  # noqa: E731
        ppo = PPOConfig(**{**cfg.ppo.__dict__, "total_agent_steps": steps})
        name = grid.name if grid.name not in curves else f"{grid.name}_{i}"
        curves[name] = train(policy, env, ppo, stage_seed, progress=report, reward_shaping=reward_shaping)
        done += steps
    return Formation(policy, curves)


def formation(cfg: CurriculumConfig, seed: int, device: str = "cpu", progress: Progress | None = None) -> Formation:
    """The SVA formation curriculum: Dependence → Reciprocity → Autonomy."""
    return run_stages(cfg.stages(), cfg, seed, device, progress=progress)


def autonomy_only(cfg: CurriculumConfig, seed: int, device: str = "cpu", progress: Progress | None = None) -> Formation:
    """C0: Autonomy alone for the curriculum's total agent-step budget."""
    return run_stages([(autonomy(), cfg.total_steps)], cfg, seed, device, progress=progress)


def explicit_reward(cfg: CurriculumConfig, seed: int, device: str = "cpu", progress: Progress | None = None) -> Formation:
    """The curriculum with a prosocial bonus in every stage's reward."""
    return run_stages(
        cfg.stages(), cfg, seed, device, reward_shaping=prosocial_shaping(cfg.prosocial_bonus), progress=progress
    )
