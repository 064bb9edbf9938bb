"""Entanglement (falsifiability condition 1): does value-capability CKA rise across rounds?

E(r) is the debiased linear CKA, on the fixed probe set S, between the trunk's response to the
others'-need channel and its response to the resource channel (``consolidation`` measures it after
formation and after every round). Per seed, the OLS slope of E over rounds 0..R is taken for each
arm, on the last trunk layer (primary) and the first (secondary).

* ``slope_sva`` — does E rise under SVA consolidation at all;
* ``slope_diff_ft`` — SVA minus plain fine-tuning: is the rise due to consolidation;
* ``slope_diff_<control>`` — SVA minus each stiffness control: is it due to the *value* Fisher;
* ``first_round_dominance`` — with D(r) = E_sva(r) − E_ft(r), the quantity D(1) − |D(R) − D(1)|:
  positive when the first round brings more of the consolidation-driven difference than all later
  rounds change it (a jump, then maintenance); zero or negative for no difference, a steady climb,
  or a jump that fades.

Companions reported beside them: the same slopes on a second, independently drawn probe set and
for the biased CKA, the mean permutation-null CKA, and the slope of the effective rank (a rising
E next to a collapsing rank means collapse, not shared structure). Reads ``trajectory.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbase.jobs.context import JobContext
from claimbase.lab.experiments.common import plot, read_json, slope, start, trajectory, upstream

CONTROLS = ("shuffled", "l2", "capf")


@dataclass(frozen=True)
class Params:
    layer: int = 1
    """Primary trunk layer (1 = the last, which the policy's heads read)."""


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    arms = read_json(upstream(ctx, "consolidation") / "trajectory.json")["arms"]
    primary, other = f"_l{p.layer}", f"_l{1 - p.layer}"
    metrics: dict[str, float] = {}
    for name, record in arms.items():
        metrics[f"slope_{name}"] = slope(trajectory(record, f"dcka_need_res{primary}"))
        metrics[f"slope_other_layer_{name}"] = slope(trajectory(record, f"dcka_need_res{other}"))
        metrics[f"slope_biased_{name}"] = slope(trajectory(record, f"bcka_need_res{primary}"))
        metrics[f"slope_erank_{name}"] = slope(trajectory(record, f"erank_h{primary}"))
        metrics[f"e_final_{name}"] = trajectory(record, f"dcka_need_res{primary}")[-1]
        metrics[f"null_final_{name}"] = trajectory(record, f"null_need_res{primary}")[-1]
        if p.layer == 1:
            metrics[f"slope_second_set_{name}"] = slope(trajectory(record, "e_second_set_l1"))
    metrics["slope_fisher_overlap_diff_ft"] = (
        slope(trajectory(arms["sva"], "fisher_overlap")) - slope(trajectory(arms["ft"], "fisher_overlap"))
    )
    metrics["slope_diff_ft"] = metrics["slope_sva"] - metrics["slope_ft"]
    metrics["slope_other_layer_diff_ft"] = metrics["slope_other_layer_sva"] - metrics["slope_other_layer_ft"]
    for control in CONTROLS:
        if control in arms:
            metrics[f"slope_diff_{control}"] = metrics["slope_sva"] - metrics[f"slope_{control}"]
    e_sva = trajectory(arms["sva"], f"dcka_need_res{primary}")
    e_ft = trajectory(arms["ft"], f"dcka_need_res{primary}")
    diff = [a - b for a, b in zip(e_sva, e_ft)]
    metrics["first_round_gain"] = diff[1]
    metrics["later_rounds_change"] = diff[-1] - diff[1]
    metrics["first_round_dominance"] = diff[1] - abs(diff[-1] - diff[1])
    _draw(ctx, arms, primary, other)
    return metrics


def _draw(ctx: JobContext, arms: dict, primary: str, other: str) -> None:
    with plot(ctx.out / "entanglement.svg", width=6.5, height=2.6, ncols=2) as (_, axes):
        for ax, suffix in zip(axes, (primary, other)):
            for name, record in arms.items():
                values = trajectory(record, f"dcka_need_res{suffix}")
                ax.plot(range(len(values)), values, marker="o", ms=3, label=name)
            ax.axhline(0.0, color="#999999", lw=0.5)
            ax.set_xlabel("round")
            ax.set_title(f"E = dCKA(Δneed, Δres), layer {suffix[-1]}, seed {ctx.seed}")
        axes[0].legend(frameon=False, fontsize=6)
