"""What an agent sees: an egocentric window plus a few scalars, as one flat float vector.

Every stage, every probe and every replayed scenario is turned into an observation by the same
two steps, so that one policy reads them all alike:

1. build a :class:`LocalView` — the cells of the (2r+1)×(2r+1) window centred on the focal agent,
   with the other agents already aggregated per cell — either from a live grid
   (``socialgrid.local_views``) or from a scenario spec (``scenario.render``);
2. :func:`encode` the view into the flat vector laid out below.

Layout of the vector (``OBS_DIM`` floats): ``N_CHANNELS`` channel planes of ``WINDOW × WINDOW``
cells, channel-major, row-major within a plane, then ``N_SCALARS`` scalars.

========  =================  ===============================================================
channel   name               value in a cell
========  =================  ===============================================================
0         ``RES``            resource units on the cell, min(units, 2) / 2
1         ``WALL``           1 for a wall or a cell outside the grid
2         ``OTHERS``         number of other agents on the cell
3         ``NEED``           highest need among the other agents on the cell (0 if none)
4         ``APPEARANCE``     mean appearance of the other agents on the cell (0 if none)
5         ``BYSTANDER``      1 if a bystander or dependent stands on the cell
6         ``DISTRACTOR``     i.i.d. uniform noise, unrelated to anything (specificity control)
7         ``DEPOT``          1 for a delivery depot (only the delivery capability tasks have one)
========  =================  ===============================================================

Scalars, in order: own need, pouch / pouch capacity, the ``monitored`` bit, fraction of the
episode left, the ``question`` bit and the ``fact`` bit. The focal agent itself sits at the centre
cell and is not counted in ``OTHERS``.

``question`` is 1 on the one step of an episode at which the agent is asked whether it took the last
unit of a patch (the costly-honesty question; only Reciprocity asks it), and ``fact`` is the true
answer, shown only on that step (the agent has no memory). Outside that step both are 0, so every
other state reads exactly as it did before the question existed. The answer is not one of the seven
actions but a separate two-way *report* (``DENY``/``ADMIT``) from the policy's report head.
The depot channel is an addition to the memo's seven: delivery tasks need a visible goal, and a
channel that is zero during formation costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

RADIUS = 2
WINDOW = 2 * RADIUS + 1
CELLS = WINDOW * WINDOW
CENTER = RADIUS * WINDOW + RADIUS  # flat index of the focal agent's own cell

RES, WALL, OTHERS, NEED, APPEARANCE, BYSTANDER, DISTRACTOR, DEPOT = range(8)
CHANNEL_NAMES = ("res", "wall", "others", "need", "appearance", "bystander", "distractor", "depot")
N_CHANNELS = len(CHANNEL_NAMES)
SCALAR_NAMES = ("own_need", "pouch", "monitored", "time_left", "question", "fact")
N_SCALARS = len(SCALAR_NAMES)
OBS_DIM = N_CHANNELS * CELLS + N_SCALARS
N_ACTIONS = 7
DENY, ADMIT = 0, 1
N_REPORTS = 2

RES_SCALE = 2.0  # resource channel saturates at two units (a Dependence load)


def channel_slice(channel: int) -> slice:
    """The slice of the flat observation that holds one channel's plane."""
    return slice(channel * CELLS, (channel + 1) * CELLS)


def scalar_index(name: str) -> int:
    """Position of a named scalar in the flat observation."""
    return N_CHANNELS * CELLS + SCALAR_NAMES.index(name)


@dataclass
class LocalView:
    """The window around one or many focal agents; every tensor has the same leading shape ``S``.

    Planes are ``S × WINDOW × WINDOW``; scalars are ``S``.
    """

    res: Tensor  # resource units (float)
    wall: Tensor  # bool; cells outside the grid are walls
    depot: Tensor  # bool
    others: Tensor  # float count of other agents per cell
    need: Tensor  # float, max need of others per cell
    appearance: Tensor  # float, mean appearance of others per cell
    bystander: Tensor  # float 0/1, any bystander/dependent on the cell
    own_need: Tensor
    pouch: Tensor  # units carried (float)
    pouch_cap: int
    monitored: Tensor  # bool
    time_left: Tensor  # fraction of the episode left, in [0, 1]
    question: Tensor | None = None  # bool: asked the honesty question now (None: never)
    fact: Tensor | None = None  # bool: the true answer, meaningful only where question


def aggregate_others(
    offset: Tensor, present: Tensor, need: Tensor, appearance: Tensor, bystander: Tensor
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Place other agents into window cells and aggregate them per cell.

    ``offset`` is ``S × K × 2`` (row, column) relative to the focal agent; ``present`` marks the
    agents to place (outside-the-window ones must already be False). Returns the per-cell count,
    max need, mean appearance and bystander flag, each ``S × WINDOW × WINDOW``. Both the live grid
    and the scenario renderer call this, which is what keeps their observations identical.
    """
    lead = offset.shape[:-2]
    k = offset.shape[-2]
    flat_off = offset.reshape(-1, k, 2)
    flat_present = present.reshape(-1, k)
    cell = (flat_off[..., 0] + RADIUS) * WINDOW + (flat_off[..., 1] + RADIUS)
    cell = torch.where(flat_present, cell, torch.full_like(cell, CELLS))  # spill bin for absent
    n = flat_off.shape[0]
    weight = flat_present.to(need.dtype)

    def scatter(values: Tensor, reduce: str) -> Tensor:
        out = torch.zeros(n, CELLS + 1, dtype=need.dtype, device=need.device)
        values = values.reshape(-1, k).to(need.dtype) * weight
        if reduce == "sum":
            out.scatter_add_(1, cell, values)
        else:
            out.scatter_reduce_(1, cell, values, reduce="amax", include_self=True)
        return out[:, :CELLS].reshape(*lead, WINDOW, WINDOW)

    count = scatter(torch.ones_like(weight), "sum")
    need_max = scatter(need, "amax")
    appearance_mean = scatter(appearance, "sum") / count.clamp(min=1.0)
    bystander_any = scatter(bystander, "amax")
    return count, need_max, appearance_mean, bystander_any


def encode(view: LocalView, generator: torch.Generator) -> Tensor:
    """Flatten a view into observations of shape ``S × OBS_DIM`` (float32).

    The distractor plane is drawn from ``generator``: the same view and generator state give the
    same observation.
    """
    lead = view.res.shape[:-2]
    noise = torch.rand(
        (*lead, WINDOW, WINDOW), generator=generator, device=view.res.device, dtype=torch.float32
    )
    planes = torch.stack(
        [
            view.res.float().clamp(max=RES_SCALE) / RES_SCALE,
            view.wall.float(),
            view.others.float(),
            view.need.float(),
            view.appearance.float(),
            view.bystander.float(),
            noise,
            view.depot.float(),
        ],
        dim=-3,
    )
    question = view.question.float() if view.question is not None else torch.zeros_like(view.own_need).float()
    fact = view.fact.float() * question if view.fact is not None else torch.zeros_like(question)
    scalars = torch.stack(
        [
            view.own_need.float(),
            view.pouch.float() / view.pouch_cap,
            view.monitored.float(),
            view.time_left.float(),
            question,
            fact,
        ],
        dim=-1,
    )
    return torch.cat([planes.flatten(-3), scalars], dim=-1)


def asking(obs: Tensor) -> Tensor:
    """Which observations carry the honesty question (bool, leading shape of ``obs``)."""
    return obs[..., scalar_index("question")] > 0.5


def ask(obs: Tensor, fact: Tensor | bool, monitored: Tensor | bool | None = None) -> Tensor:
    """Copies of observations turned into question states: ``question`` set, ``fact`` as given,
    and, if given, the ``monitored`` bit replaced (everything else, distractor noise included,
    unchanged). Probes and consolidation use it to put the question to states of any origin."""
    out = obs.clone()
    out[..., scalar_index("question")] = 1.0
    out[..., scalar_index("fact")] = torch.as_tensor(fact, dtype=obs.dtype, device=obs.device)
    if monitored is not None:
        out[..., scalar_index("monitored")] = torch.as_tensor(monitored, dtype=obs.dtype, device=obs.device)
    return out


def value_relevant(view: LocalView) -> Tensor:
    """The value-relevant predicate P_v on views: shape ``S`` bool.

    True when some other agent in the window (Chebyshev distance ≤ 2) has need ≥ 0.5 and the focal
    agent can affect that agent's welfare through a resource: it carries a unit it could give
    (pouch > 0) or stands on a resource it could take or leave.
    """
    needy_near = ((view.others > 0) & (view.need >= 0.5)).flatten(-2).any(-1)
    on_resource = view.res.flatten(-2)[..., CENTER] > 0
    return needy_near & ((view.pouch > 0) | on_resource)


def capability_state(view: LocalView) -> Tensor:
    """The capability predicate P_c on views: no other agent anywhere in the window."""
    return view.others.flatten(-2).sum(-1) == 0
