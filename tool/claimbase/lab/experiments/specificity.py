"""Specificity (falsifiability condition 5): does consolidation entangle values with the *right* things?

On the last trunk layer, with dCKA(a, b) the debiased CKA of the responses to channels a and b
on the fixed probe set S (measured by ``consolidation`` every round):

    S(r) = dCKA(need, resources) + dCKA(need, others' positions) − dCKA(need, walls) − dCKA(need, distractor)

Resources and the others' positions are what a value about others' need ought to be tied to;
walls (navigation) and the distractor (i.i.d. noise) are not. The distractor term is dropped for a
seed when the layer barely responds to the distractor after formation (‖Δ_dis‖ < ``min_norm_ratio``
× ‖Δ_need‖: a CKA of a response that small is noise); the ratio is reported either way.

* ``s_slope_diff_ft`` — slope of S over rounds, SVA minus plain fine-tuning;
* ``s_slope_diff_shuffled`` — SVA minus the shuffled-Fisher control (value-specific, not stiffness).

An *undirected* rise counts against the claim, so its signs are reported too: the slope of the
mean CKA over all ten channel pairs (everything becoming alike) and of the effective rank of the
layer (collapse), each as SVA minus fine-tuning. Reads ``trajectory.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbase.jobs.context import JobContext
from claimbase.lab.experiments.common import plot, read_json, slope, start, trajectory, upstream


@dataclass(frozen=True)
class Params:
    layer: int = 1
    """Trunk layer the specificity score is computed on."""
    min_norm_ratio: float = 0.05
    """Drop the distractor term when ‖Δ_distractor‖ / ‖Δ_need‖ after formation is below this."""


def specificity_score(round_record: dict, suffix: str, with_distractor: bool) -> float:
    """S for one round's measurements (see the module docstring)."""
    score = (round_record[f"dcka_need_res{suffix}"] + round_record[f"dcka_need_others{suffix}"]
             - round_record[f"dcka_need_wall{suffix}"])
    if with_distractor:
        score -= round_record[f"dcka_need_distractor{suffix}"]
    return float(score)


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    arms = read_json(upstream(ctx, "consolidation") / "trajectory.json")["arms"]
    suffix = f"_l{p.layer}"
    first = arms["sva"]["rounds"][0]
    ratio = first[f"norm_distractor{suffix}"] / max(first[f"norm_need{suffix}"], 1e-12)
    with_distractor = ratio >= p.min_norm_ratio
    scores = {name: [specificity_score(r, suffix, with_distractor) for r in record["rounds"]]
              for name, record in arms.items()}
    metrics: dict[str, float] = {
        "distractor_norm_ratio": ratio,
        "distractor_term_used": float(with_distractor),
    }
    for name, values in scores.items():
        metrics[f"s_slope_{name}"] = slope(values)
        metrics[f"s_final_{name}"] = values[-1]
        metrics[f"all_pairs_slope_{name}"] = slope(trajectory(arms[name], f"dcka_mean_all{suffix}"))
        metrics[f"erank_slope_{name}"] = slope(trajectory(arms[name], f"erank_h{suffix}"))
    for control in ("ft", "shuffled", "l2", "capf"):
        if control in scores:
            metrics[f"s_slope_diff_{control}"] = metrics["s_slope_sva"] - metrics[f"s_slope_{control}"]
    metrics["all_pairs_slope_diff_ft"] = metrics["all_pairs_slope_sva"] - metrics["all_pairs_slope_ft"]
    metrics["erank_slope_diff_ft"] = metrics["erank_slope_sva"] - metrics["erank_slope_ft"]
    _draw(ctx, scores)
    return metrics


def _draw(ctx: JobContext, scores: dict[str, list[float]]) -> None:
    with plot(ctx.out / "specificity.svg", width=4.0, height=2.6) as (_, (ax,)):
        for name, values in scores.items():
            ax.plot(range(len(values)), values, marker="o", ms=3, label=name)
        ax.set_xlabel("round")
        ax.set_title(f"specificity S(r), seed {ctx.seed}")
        ax.legend(frameon=False, fontsize=6)
