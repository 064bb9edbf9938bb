"""Scenario specs: compact descriptions of what a focal agent sees, and their deterministic rendering.

A :class:`Scenario` batch holds M egocentric scenes: the window's resources, walls and depots, up to
``MAX_OTHERS`` other agents as slots (offset from the focal agent, need, appearance, bystander
flag), and the focal agent's own need, pouch, the monitored bit and the time left. It is the unit
of the probe sets, of the monitoring and novel-stakeholder probes, and of generative replay (the
replay VAE models specs, not pixels, so every replayed state is a valid state).

``render`` turns specs into observations through the same ``observation.aggregate_others`` and
``observation.encode`` the live grid uses, so a spec read off a grid (``from_grid``) renders to
that grid's observation exactly, distractor noise aside (as long as at most ``MAX_OTHERS`` others
are in view).

Slots are kept in a canonical order: present agents first, neediest first.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import torch
from torch import Tensor

from claimbase.lab.grid import BYSTANDER, GridConfig, GridState
from claimbase.lab.observation import (
    CENTER, RADIUS, WINDOW, LocalView, aggregate_others, capability_state, encode, value_relevant,
)
from claimbase.lab.socialgrid import local_views

MAX_OTHERS = 4
POUCH_CAP = 3
FAMILIAR_APPEARANCES = (0.0, 0.25, 0.5)
NOVEL_APPEARANCES = (0.75, 1.0)


@dataclass
class Scenario:
    """M scene specs; planes are ``M × WINDOW × WINDOW``, slots ``M × MAX_OTHERS``."""

    res: Tensor  # long units
    wall: Tensor  # bool (cells outside the grid are walls)
    depot: Tensor  # bool
    other_present: Tensor  # bool
    other_offset: Tensor  # long, M × K × 2 (row, column) in [-RADIUS, RADIUS]
    other_need: Tensor  # float
    other_appearance: Tensor  # float
    other_bystander: Tensor  # bool
    own_need: Tensor  # float, M
    pouch: Tensor  # long, M
    monitored: Tensor  # bool, M
    time_left: Tensor  # float, M

    def __len__(self) -> int:
        return self.res.shape[0]

    def with_(self, **changes: Tensor) -> Scenario:
        """A copy with some fields replaced (e.g. the monitored bit flipped)."""
        return replace(self, **changes)

    def select(self, index: Tensor) -> Scenario:
        """The scenarios at ``index`` (a bool mask or integer indices)."""
        return Scenario(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def cat(parts: list[Scenario]) -> Scenario:
        return Scenario(**{f.name: torch.cat([getattr(p, f.name) for p in parts]) for f in fields(Scenario)})

    def view(self) -> LocalView:
        """The window as the observation encoder sees it."""
        others, need, appearance, bystander = aggregate_others(
            self.other_offset, self.other_present, self.other_need, self.other_appearance,
            self.other_bystander.float(),
        )
        return LocalView(
            res=self.res, wall=self.wall, depot=self.depot, others=others, need=need,
            appearance=appearance, bystander=bystander, own_need=self.own_need,
            pouch=self.pouch.float(), pouch_cap=POUCH_CAP, monitored=self.monitored,
            time_left=self.time_left,
        )

    def value_relevant(self) -> Tensor:
        """P_v per scenario (see ``observation.value_relevant``)."""
        return value_relevant(self.view())

    def capability(self) -> Tensor:
        """P_c per scenario: no other agent in view."""
        return capability_state(self.view())


def render(scenarios: Scenario, seed: int = 0) -> Tensor:
    """Observations ``M × OBS_DIM`` of the scenarios; the distractor plane is drawn from ``seed``."""
    generator = torch.Generator(device=scenarios.res.device)
    generator.manual_seed(seed)
    return encode(scenarios.view(), generator)


def from_grid(state: GridState, cfg: GridConfig, agents: slice | None = None) -> Scenario:
    """The specs seen by the given agents (default: learners) of a live grid, flattened to B·K.

    Keeps the ``MAX_OTHERS`` neediest others in view; scenes with more are truncated.
    """
    agents = agents if agents is not None else slice(0, cfg.n_learners)
    view = local_views(state, cfg, agents)
    b, n = state.need.shape
    dev = state.pos.device
    focal = torch.arange(n, device=dev)[agents]
    f = len(focal)
    offset = state.pos[:, None, :, :] - state.pos[:, focal, None, :]  # B×F×N×2
    present = (offset.abs().amax(-1) <= RADIUS) & (focal[:, None] != torch.arange(n, device=dev))
    need = state.need[:, None, :].expand(b, f, n)
    order = torch.where(present, need, torch.full_like(need, -1.0)).argsort(-1, descending=True)
    order = order[..., :MAX_OTHERS]
    pick = lambda x: x.gather(2, order)  # noqa: E731
    k = order.shape[-1]

    def slots(x: Tensor) -> Tensor:
        out = torch.zeros((b * f, MAX_OTHERS, *x.shape[3:]), dtype=x.dtype, device=dev)
        out[:, :k] = x.reshape(b * f, k, *x.shape[3:])
        return out

    return canonical(Scenario(
        res=view.res.long().reshape(b * f, WINDOW, WINDOW),
        wall=view.wall.reshape(b * f, WINDOW, WINDOW),
        depot=view.depot.reshape(b * f, WINDOW, WINDOW),
        other_present=slots(pick(present)),
        other_offset=slots(offset.gather(2, order[..., None].expand(b, f, k, 2))),
        other_need=slots(pick(need)),
        other_appearance=slots(pick(state.appearance[:, None, :].expand(b, f, n))),
        other_bystander=slots(pick((state.kind >= BYSTANDER)[:, None, :].expand(b, f, n))),
        own_need=view.own_need.reshape(-1),
        pouch=view.pouch.long().reshape(-1),
        monitored=view.monitored.reshape(-1),
        time_left=view.time_left.reshape(-1),
    ))


def random_scenarios(
    n: int,
    kind: str,
    generator: torch.Generator,
    size: int = 7,
    maze_p: float = 0.3,
    appearances: tuple[float, ...] = FAMILIAR_APPEARANCES,
) -> Scenario:
    """Sample M = n specs of one kind, as a focal agent placed at random on a size × size grid.

    * ``"value"``: 1–4 others in view, the first with need in [0.5, 1]; the focal agent carries
      units or stands on a resource. Every sample satisfies P_v.
    * ``"capability"``: nobody in view; resources, walls (grid border, and a corridor maze with
      probability ``maze_p``) and sometimes a depot. Every sample satisfies P_c.
    """
    if kind not in ("value", "capability"):
        raise ValueError(f"unknown scenario kind {kind!r}")
    dev = generator.device
    rand = lambda *shape: torch.rand(shape, generator=generator, device=dev)  # noqa: E731
    randint = lambda hi, *shape: torch.randint(0, hi, shape, generator=generator, device=dev)  # noqa: E731

    maze = rand(n) < maze_p
    # In a maze, odd rows are walls with one gap; the focal agent stands on an even row.
    row = randint(size, n)
    row = torch.where(maze, (row // 2) * 2, row)
    col = randint(size, n)
    span = torch.arange(-RADIUS, RADIUS + 1, device=dev)
    abs_r = (row[:, None] + span)[:, :, None].expand(n, WINDOW, WINDOW)
    abs_c = (col[:, None] + span)[:, None, :].expand(n, WINDOW, WINDOW)
    outside = (abs_r < 0) | (abs_r >= size) | (abs_c < 0) | (abs_c >= size)
    gap = randint(size, n, size)  # gap column of each absolute row
    gap_here = gap.gather(1, abs_r.clamp(0, size - 1).flatten(1)).view(n, WINDOW, WINDOW)
    maze_wall = maze[:, None, None] & (abs_r % 2 == 1) & (abs_c != gap_here)
    wall = outside | maze_wall
    free = ~wall

    res = (free & (rand(n, WINDOW, WINDOW) < 0.15)).long()
    depot = torch.zeros_like(wall)
    pouch = randint(POUCH_CAP + 1, n)
    looks = torch.tensor(appearances, device=dev)
    k = MAX_OTHERS
    if kind == "capability":
        spot = _random_free_cell(free, generator)
        has_depot = (rand(n) < 0.25) & (spot >= 0)
        depot.view(n, -1).scatter_(1, spot.clamp(min=0)[:, None], has_depot[:, None])
        res = res * ~depot
        present = torch.zeros(n, k, dtype=torch.bool, device=dev)
        cells = torch.full((n, k), CENTER, device=dev)
        need = torch.zeros(n, k, device=dev)
    else:
        count = 1 + randint(k, n)
        present = torch.arange(k, device=dev) < count[:, None]
        # Others stand on free cells; the neediest one within reach of a gift half of the time.
        scores = rand(n, k, WINDOW * WINDOW)
        cells = torch.where(free.view(n, 1, -1), scores, torch.full_like(scores, -1.0)).argmax(-1)
        near = _adjacent_cell(generator, n)
        near = torch.where(free.flatten(1).gather(1, near[:, None]).squeeze(1), near, torch.full_like(near, CENTER))
        cells[:, 0] = torch.where(rand(n) < 0.5, near, cells[:, 0])
        need = rand(n, k)
        need[:, 0] = 0.5 + 0.5 * need[:, 0]
        # The focal agent can affect them: it carries units, or stands on a resource.
        carries = rand(n) < 0.5
        pouch = torch.where(carries, 1 + randint(POUCH_CAP, n), pouch)
        res[:, RADIUS, RADIUS] = torch.where(carries, res[:, RADIUS, RADIUS], torch.ones_like(pouch))
    offset = torch.stack([cells // WINDOW - RADIUS, cells % WINDOW - RADIUS], dim=-1)
    scenarios = Scenario(
        res=res, wall=wall, depot=depot,
        other_present=present, other_offset=offset,
        other_need=need * present,
        other_appearance=looks[randint(len(looks), n, k)] * present,
        other_bystander=(rand(n, k) < 0.5) & present,
        own_need=rand(n), pouch=pouch, monitored=rand(n) < 0.5, time_left=rand(n),
    )
    return canonical(scenarios)


def _random_free_cell(free: Tensor, generator: torch.Generator) -> Tensor:
    """One random free cell per scene (flat index), or -1 if none."""
    scores = torch.rand(free.flatten(1).shape, generator=generator, device=free.device)
    scores = torch.where(free.flatten(1), scores, torch.full_like(scores, -1.0))
    top, idx = scores.max(1)
    return torch.where(top >= 0, idx, torch.full_like(idx, -1))


def _adjacent_cell(generator: torch.Generator, n: int) -> Tensor:
    """A random cell within Chebyshev distance 1 of the centre (flat index), for each of n scenes.

    It may be a wall; callers fall back to the centre, the focal agent's own (never walled) cell.
    """
    dr = torch.randint(-1, 2, (n,), generator=generator, device=generator.device)
    dc = torch.randint(-1, 2, (n,), generator=generator, device=generator.device)
    return (dr + RADIUS) * WINDOW + (dc + RADIUS)


def canonical(scenarios: Scenario) -> Scenario:
    """Reorder slots: present first, neediest first; absent slots zeroed at the centre offset."""
    key = torch.where(scenarios.other_present, scenarios.other_need, torch.full_like(scenarios.other_need, -1.0))
    order = torch.sort(key, dim=-1, descending=True, stable=True).indices
    take = lambda x: x.gather(1, order)  # noqa: E731
    present = take(scenarios.other_present)
    offset = scenarios.other_offset.gather(1, order[..., None].expand(-1, -1, 2)) * present[..., None]
    return scenarios.with_(
        other_present=present,
        other_offset=offset,
        other_need=take(scenarios.other_need) * present,
        other_appearance=take(scenarios.other_appearance) * present,
        other_bystander=take(scenarios.other_bystander) & present,
    )
