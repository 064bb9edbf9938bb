"""Rules of the scripted agents that share the grid with the learners.

* **Peer** (Reciprocity): a competent forager. If it owes someone (see ``socialgrid``: a peer who
  *observed* a gift owes the giver), it walks to its largest creditor and waits beside it — the
  grid then repays one unit per step from its pouch. Otherwise it walks to the nearest resource
  and collects it; with ``peer_restraint`` it never takes a patch's last resource (one with no
  resource neighbours), the norm that keeps a commons alive. With probability
  ``scripted_noise`` it makes a random move instead.
* **Bystander** (Autonomy): slow and inept. It moves at random with probability
  ``bystander_move_p``, otherwise collects the resource under it with probability
  ``bystander_collect_p``, otherwise stays. It never gives, so helping it never pays back.
* **Dependent** (probes): never moves, never collects; it lives on what it is given.

All rules are computed for every scripted agent of every env at once; no Python loop over agents.
"""

from __future__ import annotations

import torch
from torch import Tensor

from claimbase.lab.grid import (
    BYSTANDER, COLLECT, DOWN, LEFT, PEER, RIGHT, STAY, UP, GridConfig, GridState, neighbour_counts,
)


def _random_moves(shape: tuple[int, ...], generator: torch.Generator, device: torch.device) -> Tensor:
    return torch.randint(UP, RIGHT + 1, shape, generator=generator, device=device)


def _toward(pos: Tensor, target: Tensor, generator: torch.Generator) -> Tensor:
    """The move action bringing each position one step closer to its target (STAY if there).

    The axis with the larger gap goes first; ties are broken at random.
    """
    dr = target[..., 0] - pos[..., 0]
    dc = target[..., 1] - pos[..., 1]
    coin = torch.rand(dr.shape, generator=generator, device=pos.device) < 0.5
    vertical = (dr.abs() > dc.abs()) | ((dr.abs() == dc.abs()) & coin)
    vertical = (vertical & (dr != 0)) | (dc == 0)
    move_v = torch.where(dr < 0, UP, DOWN)
    move_h = torch.where(dc < 0, LEFT, RIGHT)
    action = torch.where(vertical, move_v, move_h)
    return torch.where((dr == 0) & (dc == 0), torch.full_like(action, STAY), action)


def scripted_actions(state: GridState, cfg: GridConfig, generator: torch.Generator) -> Tensor:
    """Actions (B × N long) for all agents; learner columns are left at STAY for the caller."""
    b, n = state.need.shape
    first = cfg.n_learners
    actions = torch.full((b, n), STAY, dtype=torch.long, device=state.pos.device)
    if n == first:
        return actions
    dev = state.pos.device
    h, w = state.res.shape[1:]
    pos = state.pos[:, first:]
    kind = state.kind[:, first:]
    shape = tuple(kind.shape)
    flat = pos[..., 0] * w + pos[..., 1]
    has_res = state.res > 0
    on_res = has_res.flatten(1).gather(1, flat)

    # Peers: nearest acceptable resource (restraint spares a patch's last unit).
    acceptable = has_res
    if cfg.peer_restraint:
        acceptable = has_res & (neighbour_counts(has_res) > 0)
    acceptable = acceptable.flatten(1)
    rows = torch.arange(h, device=dev).repeat_interleave(w)
    cols = torch.arange(w, device=dev).repeat(h)
    manhattan = ((rows[:, None] - rows).abs() + (cols[:, None] - cols).abs()).float()  # cell × cell
    # Ties between equally near resources are broken by noise shared by an env's agents.
    noise = 0.5 * torch.rand((b, 1, h * w), generator=generator, device=dev)
    dist = manhattan[flat] + torch.where(acceptable, 0.0, float("inf"))[:, None, :] + noise
    best = dist.argmin(-1)
    has_target = acceptable.any(-1, keepdim=True).expand(shape)
    forage_target = torch.stack([best // w, best % w], dim=-1)

    owed, creditor = state.debt[:, first:, :].max(-1)
    creditor_pos = state.pos.gather(1, creditor[..., None].expand(*shape, 2))
    in_debt = owed > 0
    beside = (creditor_pos - pos).abs().amax(-1) <= 1

    peer = _toward(pos, torch.where(in_debt[..., None], creditor_pos, forage_target), generator)
    peer = torch.where(~in_debt & (peer == STAY), torch.full_like(peer, COLLECT), peer)
    peer = torch.where(in_debt & beside, torch.full_like(peer, STAY), peer)
    wander = _random_moves(shape, generator, dev)
    lost = ~in_debt & ~has_target
    noisy = torch.rand(shape, generator=generator, device=dev) < cfg.scripted_noise
    peer = torch.where(lost | noisy, wander, peer)

    # Bystanders: random moves, clumsy collection.
    u = torch.rand(shape, generator=generator, device=dev)
    grab = on_res & (torch.rand(shape, generator=generator, device=dev) < cfg.bystander_collect_p)
    bystander = torch.where(grab, torch.full_like(wander, COLLECT), torch.full_like(wander, STAY))
    bystander = torch.where(u < cfg.bystander_move_p, wander, bystander)

    chosen = torch.where(kind == PEER, peer, torch.full_like(peer, STAY))
    chosen = torch.where(kind == BYSTANDER, bystander, chosen)
    actions[:, first:] = chosen
    return actions
