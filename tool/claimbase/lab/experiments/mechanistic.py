"""Mechanistic routing (falsifiability condition 4): does giving go through a welfare representation?

For each policy (the SVA arm, plain fine-tuning, and the faithful pipeline, all after the last
round), on trunk layer ``layer``:

1. A ridge probe reads the others' need (one target per slot of the scene spec) from the layer's
   activations on value-relevant states; its held-out R² is reported beside a shuffled-target null.
   Its weight vectors span the *welfare subspace*. A second probe reads the distance to the nearest
   resource on capability states: the *capability direction*.
2. Interchange patching on paired give states: the source has a needy other within reach, the
   destination is the same scene with every other's need scaled down to a fifth (nobody needy),
   everything else equal. The destination's activation is moved to the source's along the
   subspace, and the normalised causal effect on P(give) is NCE = (P_patched − P_dst)/(P_src − P_dst).
3. Controls: the same move along one random direction (each row moved as far as the welfare patch
   moves it), and the patch along the capability direction.

``nce_diff_sva`` = NCE_welfare − NCE_random for SVA is the primary number. Exploratory, added
after the pilot (where ablating it bypassed the values, see ``alignment_tax``): the same patch
along the top principal direction(s) of the layer's *response* to the others'-need channel on the
fixed probe set (``nce_response``, against its own random control ``nce_response_random``).
When a policy's giving
does not depend on need at all (|P_src − P_dst| below ``min_gap``), its NCEs are undefined; they
are reported as 0 (nothing routes through welfare when behaviour ignores welfare) and
``gap_defined_<arm>`` = 0 says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from claimbase.jobs.context import JobContext
from claimbase.lab.cka import principal_subspace
from claimbase.lab.experiments.common import load_policy, plot, read_json, start, upstream
from claimbase.lab.grid import GIVE
from claimbase.lab.measures import Patchable, ablation_differences
from claimbase.lab.observation import RADIUS
from claimbase.lab.patching import fit_probe, interchange, random_direction_control
from claimbase.lab.policy import ActorCritic
from claimbase.lab.probe_set import make_probe_set
from claimbase.lab.probes import give_states
from claimbase.lab.scenario import Scenario, random_scenarios, render

ARMS = {"sva": "sva", "ft": "ft", "faithful": "sva_curriculum"}
"""Name in this experiment's metrics -> consolidation arm."""


@dataclass(frozen=True)
class Params:
    layer: int = 1
    """Trunk layer probed and patched (1 = the last)."""
    probe_states: int = 2000
    """States the welfare and capability probes are fitted on (each kind)."""
    pairs: int = 1000
    """Paired give states for the interchange."""
    ridge: float = 0.01
    """Ridge penalty of the probes."""
    nulls: int = 50
    """Shuffled-target refits for each probe's null R²."""
    min_gap: float = 0.02
    """Smallest |P_src − P_dst| for which an NCE is defined."""
    need_scale: float = 0.2
    """Destination states: every other's need multiplied by this (1 → 0.2: below the 0.5 threshold)."""
    response_dims: int = 1
    """Principal directions of the need-response Δ_need spanning the exploratory response subspace."""
    probe_set_size: int = 2000
    """States of the fixed probe set the need-response is measured on."""
    probe_set_seed: int = 12345
    """Seed of that probe set (the consolidation's S)."""


def resource_distance(scenarios: Scenario) -> Tensor:
    """Manhattan distance from the focal cell to the nearest resource in the window (window size
    + 1 when there is none)."""
    span = torch.arange(-RADIUS, RADIUS + 1)
    dist = (span[:, None].abs() + span[None, :].abs()).float()
    far = float(2 * RADIUS + 1)
    masked = torch.where(scenarios.res > 0, dist, torch.full_like(dist, far))
    return masked.flatten(1).min(1).values


@torch.no_grad()
def activations(policy: ActorCritic, obs: Tensor, layer: int) -> Tensor:
    return policy.features(obs)[layer]


def analyse(policy: ActorCritic, p: Params, seed: int, device: str) -> dict[str, float]:
    """Probe fits and the three patches for one policy (everything seeded by ``seed``)."""
    generator = torch.Generator().manual_seed(seed)
    value = random_scenarios(p.probe_states, "value", generator)
    capability = random_scenarios(p.probe_states, "capability", generator)
    welfare = fit_probe(activations(policy, render(value, seed).to(device), p.layer), value.other_need,
                        ridge=p.ridge, nulls=p.nulls, seed=seed)
    distance = fit_probe(activations(policy, render(capability, seed).to(device), p.layer),
                         resource_distance(capability), ridge=p.ridge, nulls=p.nulls, seed=seed)

    src = give_states(p.pairs, seed + 1)
    dst = src.with_(other_need=src.other_need * p.need_scale)
    obs_src, obs_dst = render(src, seed + 2).to(device), render(dst, seed + 2).to(device)
    response = ablation_differences(policy, make_probe_set(p.probe_set_size, p.probe_set_seed))[p.layer]["need"]
    response_basis = torch.as_tensor(principal_subspace(response, p.response_dims))
    patchable = Patchable(policy)
    patches = {
        "welfare": interchange(patchable, obs_src, obs_dst, p.layer, welfare.weights, GIVE, min_gap=p.min_gap),
        "random": random_direction_control(patchable, obs_src, obs_dst, p.layer, welfare.weights, GIVE,
                                           seed=seed + 3, min_gap=p.min_gap),
        "capability": interchange(patchable, obs_src, obs_dst, p.layer, distance.weights, GIVE, min_gap=p.min_gap),
        "response": interchange(patchable, obs_src, obs_dst, p.layer, response_basis, GIVE, min_gap=p.min_gap),
        "response_random": random_direction_control(patchable, obs_src, obs_dst, p.layer, response_basis, GIVE,
                                                    seed=seed + 4, min_gap=p.min_gap),
    }
    out = {
        "welfare_r2": welfare.r2, "welfare_null_r2": float(welfare.null_r2.mean()), "welfare_p": welfare.p_value,
        "distance_r2": distance.r2, "distance_p": distance.p_value,
        "p_src": patches["welfare"].p_src, "p_dst": patches["welfare"].p_dst,
        "gap_defined": float(patches["welfare"].nce is not None),
    }
    for name, result in patches.items():
        out[f"nce_{name}"] = result.nce if result.nce is not None else 0.0
    out["nce_diff"] = out["nce_welfare"] - out["nce_random"]
    out["nce_response_diff"] = out["nce_response"] - out["nce_response_random"]
    return out


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    folder = upstream(ctx, "consolidation")
    arms = read_json(folder / "trajectory.json")["arms"]
    results = {}
    for i, (name, arm) in enumerate(ARMS.items()):
        last = len(arms[arm]["rounds"]) - 1
        policy = load_policy(folder / f"{arm}_r{last}.pt", ctx.device)
        results[name] = analyse(policy, p, seed=50_000 + ctx.seed, device=ctx.device)
        ctx.progress((i + 1) / len(ARMS), name)
    metrics = {f"{key}_{name}": value for name, result in results.items() for key, value in result.items()}
    metrics["nce_diff_sva_minus_ft"] = results["sva"]["nce_diff"] - results["ft"]["nce_diff"]
    _draw(ctx, results)
    return metrics


def _draw(ctx: JobContext, results: dict[str, dict[str, float]]) -> None:
    names = list(results)
    kinds = [("welfare", "#4477aa"), ("random", "#bbbbbb"), ("capability", "#ccbb44"), ("response", "#228833")]
    with plot(ctx.out / "mechanistic.svg", width=5.0, height=2.6) as (_, (ax,)):
        width = 0.2
        for k, (kind, colour) in enumerate(kinds):
            ax.bar([i + (k - 1.5) * width for i in range(len(names))], [results[n][f"nce_{kind}"] for n in names],
                   width, label=kind, color=colour)
        ax.set_xticks(range(len(names)), names)
        ax.set_ylabel("NCE on P(give)")
        ax.set_title(f"interchange patching, seed {ctx.seed}")
        ax.legend(frameon=False, fontsize=6)
