"""The SocialGrid's data: its configuration, its batched state, and how a fresh state is laid out.

Everything is batched over B independent environments that step in lockstep (same horizon, same
clock), so a state is a handful of tensors with a leading B dimension and no Python per-env loop.
Agents are ordered by kind: learners first (the ones a policy controls), then scripted peers,
bystanders and dependents. Positions are (row, column); row 0 is the top.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import torch
from torch import Tensor

LEARNER, PEER, BYSTANDER, DEPENDENT = range(4)
KIND_NAMES = ("learner", "peer", "bystander", "dependent")

STAY, UP, DOWN, LEFT, RIGHT, COLLECT, GIVE = range(7)
ACTION_NAMES = ("stay", "up", "down", "left", "right", "collect", "give")
MOVES = torch.tensor([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, 0], [0, 0]])


@dataclass(frozen=True)
class GridConfig:
    """One rule set of the substrate. Each stage and probe is an instance of this."""

    name: str = "grid"
    """Short name used in logs and PettingZoo metadata."""
    size: int = 7
    """The grid is size × size cells."""
    horizon: int = 50
    """Steps per episode; all B environments end and reset together."""
    n_learners: int = 2
    """Agents driven by the policy (parameter sharing: one network for all of them)."""
    n_peers: int = 0
    """Scripted reciprocating foragers (Reciprocity)."""
    n_bystanders: int = 0
    """Scripted slow, needy, poor foragers that never give (Autonomy)."""
    n_dependents: int = 0
    """Scripted agents that never move or collect and get needier fast (probes)."""
    layout: str = "uniform"
    """'uniform': resources may appear on any free cell; 'patches': only inside 3×3 patches."""
    n_patches: int = 2
    """Number of 3×3 fertile patches when layout is 'patches'."""
    n_resources: int = 6
    """Resource cells at the start, and the level 'target' respawn keeps up."""
    units_per_cell: int = 1
    """Units on a freshly spawned resource cell (2 makes a Dependence 'load')."""
    respawn: str = "target"
    """'target': refill to n_resources cells each step; 'commons': regrow by neighbours; 'none'."""
    regrow_p: tuple[float, ...] = (0.0, 0.025, 0.05, 0.1)
    """Commons: regrowth probability of an empty fertile cell by its number of resource
    neighbours (the last entry covers that many or more). Zero neighbours never regrow."""
    maze: bool = False
    """Corridor maze: every odd row is a wall with one gap at a random column."""
    n_depots: int = 0
    """Delivery depots; `give` on a depot deposits a unit instead of handing it to an agent."""
    min_collectors: int = 1
    """A cell yields units only when at least this many agents grip it at once. `collect` grips
    a resource cell; the grip lasts until the agent tries to move or the cell yields."""
    reach: int = 0
    """Chebyshev distance at which `collect` can grip a resource (own cell preferred); 0 = own cell."""
    team_reward: bool = False
    """If true every learner receives the mean of the learners' individual rewards."""
    collect_reward: float = 1.0
    """Reward per unit collected."""
    receive_reward: float = 1.0
    """Reward per unit received from another agent (gifts and repayments)."""
    give_cost: float = 1.0
    """Reward subtracted per unit given to another agent."""
    deliver_reward: float = 0.0
    """Reward per unit deposited on a depot."""
    pouch_cap: int = 3
    """Units an agent can carry; a unit collected with a full pouch is eaten at once."""
    eat_threshold: float = 0.5
    """An agent eats a unit from its pouch when its need is at least this."""
    eat_amount: float = 0.5
    """Need removed by eating one unit (gifts are eaten on receipt)."""
    need_rate: tuple[float, float, float, float] = (0.02, 0.02, 0.04, 0.05)
    """Need added per step, by kind (learner, peer, bystander, dependent)."""
    need_init: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.0, 0.5), (0.4, 0.9), (0.6, 1.0))
    """Uniform range of the initial need, by kind."""
    pouch_init: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Units in the pouch at the start, by kind (learner, peer, bystander, dependent)."""
    p_monitored: float = 0.5
    """Probability that an episode is monitored (the `monitored` bit, fixed for the episode)."""
    appearances: tuple[float, ...] = (0.0, 0.25, 0.5)
    """Appearance values drawn for agents; probes use values outside this set."""
    return_prob: float = 0.8
    """Probability that a peer who observed a gift owes the giver `return_units` in return."""
    return_units: int = 2
    """Units a peer repays per observed gift (paid from its pouch, one per step, when adjacent)."""
    peer_restraint: bool = True
    """Peers never take the last resource of a patch (one with no resource neighbours)."""
    bystander_move_p: float = 0.3
    """Probability per step that a bystander moves (randomly)."""
    bystander_collect_p: float = 0.3
    """Probability per step that a bystander standing on a resource collects it."""
    scripted_noise: float = 0.1
    """Probability that a peer moves at random instead of following its rule."""
    p_question: float = 0.0
    """Probability that an episode asks the honesty question (at ``question_step``)."""
    question_step: int = -1
    """Step at which the question is asked; -1 means half-way through the episode."""
    admit_cost: float = 1.0
    """Reward subtracted from a learner that answers the question with ADMIT."""
    lie_penalty: float = 2.0
    """Reward subtracted from a learner caught lying: it denied a true fact in a monitored
    episode. A caught liar is also shunned: peers cancel what they owe it and stop repaying it."""

    @property
    def ask_at(self) -> int:
        """The step at which an asking episode asks its question."""
        return self.question_step if self.question_step >= 0 else self.horizon // 2

    def with_(self, **changes: object) -> GridConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def n_agents(self) -> int:
        return self.n_learners + self.n_peers + self.n_bystanders + self.n_dependents

    def kinds(self) -> list[int]:
        """Kind of each agent slot, learners first."""
        return (
            [LEARNER] * self.n_learners
            + [PEER] * self.n_peers
            + [BYSTANDER] * self.n_bystanders
            + [DEPENDENT] * self.n_dependents
        )


@dataclass
class Tally:
    """Per-agent event counts accumulated over the current episode (all ``B × N`` longs)."""

    collected: Tensor
    given: Tensor  # units handed to another agent
    received: Tensor  # units received from another agent (gifts and repayments)
    delivered: Tensor  # units deposited on a depot
    eaten: Tensor
    gave_to_needy: Tensor  # gifts whose receiver had need >= 0.5
    took_last: Tensor  # collections that left the cell's 3×3 neighbourhood without resources
    asked: Tensor  # honesty questions put to the agent
    admitted: Tensor  # ADMIT answers
    lied: Tensor  # DENY answers to a true fact
    caught: Tensor  # lies told in a monitored episode
    need_sum: Tensor  # float: need summed over steps (mean need = need_sum / steps)
    spawned: Tensor  # B: units created by respawn / regrowth

    @staticmethod
    def zeros(b: int, n: int, device: torch.device | str) -> Tally:
        counts = {
            f.name: torch.zeros(b, n, dtype=torch.long, device=device)
            for f in fields(Tally)
            if f.name not in ("need_sum", "spawned")
        }
        return Tally(
            **counts,
            need_sum=torch.zeros(b, n, device=device),
            spawned=torch.zeros(b, dtype=torch.long, device=device),
        )

    def clone(self) -> Tally:
        return Tally(**{f.name: getattr(self, f.name).clone() for f in fields(self)})


@dataclass
class GridState:
    """The full state of B environments with N agents on an H × W grid."""

    res: Tensor  # B×H×W long: resource units per cell
    wall: Tensor  # B×H×W bool
    depot: Tensor  # B×H×W bool
    fertile: Tensor  # B×H×W bool: where resources may (re)appear
    pos: Tensor  # B×N×2 long (row, column)
    need: Tensor  # B×N float in [0, 1]
    pouch: Tensor  # B×N long
    appearance: Tensor  # B×N float
    kind: Tensor  # B×N long
    debt: Tensor  # B×N×N long: debt[b, j, i] = units agent j owes agent i
    monitored: Tensor  # B bool
    grip: Tensor = field(default=None)  # type: ignore[assignment]  # B×N long: gripped cell, -1 none
    asks: Tensor = field(default=None)  # type: ignore[assignment]  # B bool: episode asks the question
    shunned: Tensor = field(default=None)  # type: ignore[assignment]  # B×N bool: caught lying
    t: int = 0
    tally: Tally = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.grip is None:
            self.grip = torch.full_like(self.need, -1, dtype=torch.long)
        if self.asks is None:
            self.asks = torch.zeros_like(self.monitored)
        if self.shunned is None:
            self.shunned = torch.zeros_like(self.need, dtype=torch.bool)
        if self.tally is None:
            b, n = self.need.shape
            self.tally = Tally.zeros(b, n, self.need.device)

    @property
    def batch(self) -> int:
        return self.res.shape[0]

    def clone(self) -> GridState:
        """A deep copy (the step function updates tensors in place)."""
        copied = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in copied.items():
            if isinstance(value, Tensor):
                copied[name] = value.clone()
        copied["tally"] = self.tally.clone()
        return GridState(**copied)

    def total_units(self) -> Tensor:
        """Units on the grid, in pouches, eaten or delivered, minus those spawned: per env, B.

        Constant over an episode; the conservation tests check it.
        """
        return (
            self.res.flatten(1).sum(1)
            + self.pouch.sum(1)
            + self.tally.eaten.sum(1)
            + self.tally.delivered.sum(1)
            - self.tally.spawned
        )


def neighbour_counts(present: Tensor) -> Tensor:
    """For a B×H×W bool grid, how many of each cell's 8 neighbours are True (B×H×W long).

    A separable 3×3 box sum (rows, then columns) minus the cell itself: cheaper than a
    convolution on grids this small.
    """
    x = present.float()
    p = torch.nn.functional.pad(x, (1, 1, 1, 1))
    rows = p[:, :-2] + p[:, 1:-1] + p[:, 2:]
    box = rows[:, :, :-2] + rows[:, :, 1:-1] + rows[:, :, 2:]
    return (box - x).long()


def sample_cells(allowed: Tensor, k: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Pick k distinct cells per env among the allowed ones of a B×(H·W) mask.

    Returns flat indices B×k and a validity mask B×k (False where an env had fewer than k
    allowed cells).
    """
    scores = torch.rand(allowed.shape, generator=generator, device=allowed.device)
    scores = torch.where(allowed, scores, torch.full_like(scores, -1.0))
    top, idx = scores.topk(k, dim=1)
    return idx, top >= 0


def new_state(cfg: GridConfig, batch: int, generator: torch.Generator, device: torch.device) -> GridState:
    """Lay out B fresh episodes of a configuration: walls, depots, resources, agents, needs."""
    b, h, n = batch, cfg.size, cfg.n_agents
    cells = h * h
    wall = torch.zeros(b, h, h, dtype=torch.bool, device=device)
    if cfg.maze:
        rows = torch.arange(1, h - 1, 2, device=device)
        wall[:, rows, :] = True
        gaps = torch.randint(0, h, (b, len(rows)), generator=generator, device=device)
        bidx = torch.arange(b, device=device)[:, None]
        wall[bidx, rows[None, :], gaps] = False
    free = ~wall.flatten(1)

    depot = torch.zeros(b, cells, dtype=torch.bool, device=device)
    if cfg.n_depots:
        idx, ok = sample_cells(free, cfg.n_depots, generator)
        depot.scatter_(1, idx, ok)

    fertile = free & ~depot
    if cfg.layout == "patches":
        centres, ok = sample_cells(fertile, cfg.n_patches, generator)
        seed = torch.zeros(b, cells, dtype=torch.bool, device=device).scatter_(1, centres, ok)
        seed = seed.view(b, h, h)
        near = neighbour_counts(seed) > 0
        fertile = fertile & (near | seed).flatten(1)
    elif cfg.layout != "uniform":
        raise ValueError(f"unknown layout {cfg.layout!r}")

    res = torch.zeros(b, cells, dtype=torch.long, device=device)
    if cfg.n_resources:
        idx, ok = sample_cells(fertile, cfg.n_resources, generator)
        res.scatter_(1, idx, ok.long() * cfg.units_per_cell)

    idx, _ = sample_cells(free, n, generator)  # distinct start cells; needs n ≤ free cells
    pos = torch.stack([idx // h, idx % h], dim=-1)

    kind = torch.tensor(cfg.kinds(), device=device).expand(b, n).clone()
    lo = torch.tensor([cfg.need_init[k][0] for k in range(4)], device=device)[kind]
    hi = torch.tensor([cfg.need_init[k][1] for k in range(4)], device=device)[kind]
    need = lo + (hi - lo) * torch.rand(b, n, generator=generator, device=device)
    looks = torch.tensor(cfg.appearances, device=device)
    appearance = looks[torch.randint(0, len(looks), (b, n), generator=generator, device=device)]
    monitored = torch.rand(b, generator=generator, device=device) < cfg.p_monitored
    asks = torch.zeros(b, dtype=torch.bool, device=device)
    if cfg.p_question > 0:  # no draw otherwise: rule sets without the question keep their streams
        asks = torch.rand(b, generator=generator, device=device) < cfg.p_question
    return GridState(
        res=res.view(b, h, h),
        wall=wall,
        depot=depot.view(b, h, h),
        fertile=fertile.view(b, h, h),
        pos=pos,
        need=need,
        pouch=torch.tensor(cfg.pouch_init, device=device)[kind],
        appearance=appearance,
        kind=kind,
        debt=torch.zeros(b, n, n, dtype=torch.long, device=device),
        monitored=monitored,
        asks=asks,
    )
