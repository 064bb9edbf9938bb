"""The capability suite: how well a policy does its own job, on a scale from random to a heuristic.

Five tasks with no value content in their reward: the four consolidation capability tasks
(``env_capability.TASKS``: clustered and sparse foraging, a maze, delivery) and foraging among
needy bystanders (the Autonomy rule set). A policy's score on a task is its mean per-learner
episode return; the suite score normalises each task between a uniformly random policy (0) and a
scripted heuristic (1) and averages the five, so no task dominates by the size of its rewards.

The heuristic sees the whole grid (not the agent's 5 × 5 window): it walks the shortest path around
walls to the nearest resource and collects it; in delivery tasks it fills its pouch, then walks to
the depot and hands the units in. It never gives to anyone, so on the bystander task it is the
selfish optimum's rough shape — scores above 1 are possible and mean "better than the heuristic".

Every policy is scored on the same episodes (same env seeds); only the policy's own action sampling
differs, so differences between policies are not differences between draws of the tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_capability import TASKS
from claimbase.lab.grid import COLLECT, DOWN, GIVE, LEFT, RIGHT, STAY, UP, GridConfig, GridState
from claimbase.lab.socialgrid import SocialGrid

PolicyFn = Callable[[Tensor], tuple[Tensor, Tensor]]
"""obs [B, D] -> (logits [B, A], value [B]); an ``ActorCritic`` or an edited forward pass."""

SUITE: dict[str, GridConfig] = {**TASKS, "bystanders": autonomy().with_(name="bystanders")}
"""Task name -> rule set. ``bystanders`` is Autonomy: foraging with needy bystanders around."""

_FAR = 1e6


def distance_to(targets: Tensor, wall: Tensor) -> Tensor:
    """Steps from every cell to the nearest target cell around walls (B × H × W; ``_FAR`` if none).

    Breadth-first distances computed for all envs at once by repeated relaxation of the four
    neighbours; at most H·W sweeps, usually a handful.
    """
    dist = torch.where(targets, 0.0, _FAR)
    h, w = dist.shape[1:]
    for _ in range(h * w):
        pad = F.pad(dist, (1, 1, 1, 1), value=_FAR)
        best = torch.minimum(
            torch.minimum(pad[:, :-2, 1:-1], pad[:, 2:, 1:-1]),
            torch.minimum(pad[:, 1:-1, :-2], pad[:, 1:-1, 2:]),
        )
        new = torch.where(wall, _FAR, torch.minimum(dist, best + 1.0))
        new = torch.where(targets & ~wall, 0.0, new)
        if torch.equal(new, dist):
            break
        dist = new
    return dist


def _step_towards(dist: Tensor, pos: Tensor, generator: torch.Generator) -> Tensor:
    """For each agent (B × L positions), the move to the neighbour nearest a target; a random move
    when no target is reachable."""
    b, l_count = pos.shape[:2]
    h, w = dist.shape[1:]
    pad = F.pad(dist, (1, 1, 1, 1), value=_FAR)
    r, c = pos[..., 0] + 1, pos[..., 1] + 1
    env = torch.arange(b, device=pos.device)[:, None].expand(b, l_count)
    around = torch.stack(
        [pad[env, r - 1, c], pad[env, r + 1, c], pad[env, r, c - 1], pad[env, r, c + 1]], dim=-1
    )
    move = torch.tensor([UP, DOWN, LEFT, RIGHT], device=pos.device)[around.argmin(-1)]
    lost = around.min(-1).values >= _FAR
    wander = torch.randint(UP, RIGHT + 1, (b, l_count), generator=generator, device=pos.device)
    return torch.where(lost, wander, move)


def heuristic_actions(state: GridState, cfg: GridConfig, generator: torch.Generator) -> Tensor:
    """The scripted heuristic's actions for the learners (B × L)."""
    n = cfg.n_learners
    pos = state.pos[:, :n]
    b = pos.shape[0]
    env = torch.arange(b, device=pos.device)[:, None].expand(b, n)
    resources = state.res > 0
    to_resource = distance_to(resources, state.wall)
    on_resource = to_resource[env, pos[..., 0], pos[..., 1]] == 0
    act = torch.where(on_resource, COLLECT, _step_towards(to_resource, pos, generator))
    if cfg.n_depots:
        to_depot = distance_to(state.depot, state.wall)
        pouch = state.pouch[:, :n]
        none_left = ~resources.flatten(1).any(1)[:, None]
        deliver = (pouch >= cfg.pouch_cap) | ((pouch > 0) & none_left)
        on_depot = to_depot[env, pos[..., 0], pos[..., 1]] == 0
        go = torch.where(on_depot, GIVE, _step_towards(to_depot, pos, generator))
        act = torch.where(deliver, go, act)
    return act


def _random_actions(shape: tuple[int, int], generator: torch.Generator, device: torch.device) -> Tensor:
    return torch.randint(STAY, GIVE + 1, shape, generator=generator, device=device)


@torch.no_grad()
def task_return(
    cfg: GridConfig, actor: str | PolicyFn, episodes: int, seed: int, device: str | torch.device = "cpu"
) -> float:
    """Mean per-learner return over ``episodes`` episodes of one task.

    ``actor`` is "random", "heuristic" or a policy function (actions sampled from its softmax).
    The episodes' layouts depend on ``seed`` only; the actor's sampling on ``seed + 1``.
    """
    env = SocialGrid(cfg, episodes, device=device, seed=seed, auto_reset=False)
    obs = env.reset(seed)
    generator = torch.Generator(device=env.device).manual_seed(seed + 1)
    total = torch.zeros(episodes, cfg.n_learners, device=env.device)
    for _ in range(cfg.horizon):
        if actor == "random":
            action = _random_actions((episodes, cfg.n_learners), generator, env.device)
        elif actor == "heuristic":
            action = heuristic_actions(env.state, cfg, generator)
        else:
            logits = actor(obs.reshape(-1, obs.shape[-1]))[0]
            probs = torch.softmax(logits.float(), -1)
            action = torch.multinomial(probs, 1, generator=generator).view(episodes, cfg.n_learners)
        step = env.step(action)
        total += step.reward
        obs = step.obs
    return total.mean().item()


@dataclass(frozen=True)
class References:
    """The two ends of each task's scale: random and heuristic returns on the suite's episodes."""

    random: dict[str, float]
    heuristic: dict[str, float]
    episodes: int
    seed: int


def references(episodes: int = 64, seed: int = 0, device: str | torch.device = "cpu") -> References:
    """Measure the random and heuristic returns of every suite task (same episodes as ``score``)."""
    return References(
        random={name: task_return(cfg, "random", episodes, seed, device) for name, cfg in SUITE.items()},
        heuristic={name: task_return(cfg, "heuristic", episodes, seed, device) for name, cfg in SUITE.items()},
        episodes=episodes,
        seed=seed,
    )


@dataclass(frozen=True)
class SuiteScore:
    """A policy's returns and normalised scores per task, and their mean (the suite score)."""

    returns: dict[str, float]
    normalised: dict[str, float]
    score: float


def score(policy: PolicyFn, refs: References, device: str | torch.device = "cpu") -> SuiteScore:
    """Score a policy on the suite, normalised by ``refs`` (which fix the episodes and seed)."""
    returns = {name: task_return(cfg, policy, refs.episodes, refs.seed, device) for name, cfg in SUITE.items()}
    normalised = {}
    for name, value in returns.items():
        span = refs.heuristic[name] - refs.random[name]
        normalised[name] = (value - refs.random[name]) / span if abs(span) > 1e-9 else 0.0
    return SuiteScore(returns, normalised, sum(normalised.values()) / len(normalised))
