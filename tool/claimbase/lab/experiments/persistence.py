"""Persistence (falsifiability condition 2): do consolidated values survive further training?

After the last consolidation round every arm gets the same *unprotected* PPO fine-tuning (no EWC,
no replay, no distillation; same seed, same episodes) on the held-out capability task — delivery
inside a corridor maze, never used during consolidation — with ``bystanders`` needy bystanders
on the grid, so that giving competes with the task and nothing shields the values.

The value score V (see ``lab.measures``) is measured after formation (V_0, the same for every
arm of a formation), before the held-out fine-tuning (V_before, the end of consolidation) and
after it (V_after).

* ``persist_diff_ft`` — V_after(SVA) − V_after(FT). Both arms start from the same formed policy
  with the same V_0, so this is also the difference of their retention V_after − V_0 over the
  whole of capability training;
* ``persist_diff_<control>`` — the same against each stiffness control: if a control keeps as
  much, the protection is stiffness, not value-specific;
* ``heldout_change_<arm>`` — V_after − V_before, the loss during the held-out phase alone (it is
  bounded by what an arm still has: an arm whose values are already gone cannot lose them);
* ``heldout_return_<arm>`` — the held-out task's return at the end of fine-tuning (plasticity).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbase.jobs.context import JobContext
from claimbase.lab.env_capability import capability
from claimbase.lab.experiments.common import load_policy, plot, read_json, start, upstream
from claimbase.lab.measures import value_report
from claimbase.lab.ppo import PPOConfig, train
from claimbase.lab.socialgrid import SocialGrid


@dataclass(frozen=True)
class Params:
    steps: int = 50_000
    """Agent-steps of unprotected PPO on the held-out task, for every arm."""
    bystanders: int = 2
    """Needy bystanders on the held-out grid (giving to them costs reward)."""
    learning_rate: float = 2.5e-3
    """PPO step size of the fine-tuning."""
    decisions_per_step: int = 64
    """Learner decisions per env step (= envs: the held-out task has one learner)."""
    probe_states: int = 500
    """Paired states per behavioural probe."""
    probe_episodes: int = 200
    """Rollouts per behavioural probe."""


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    folder = upstream(ctx, "consolidation")
    arms = read_json(folder / "trajectory.json")["arms"]
    task = capability("maze_delivery", with_bystanders=p.bystanders)
    eval_seed = 10_000 + ctx.seed  # the consolidation's probe episodes: V_before is comparable
    records: dict[str, dict[str, float]] = {}
    for i, (name, record) in enumerate(arms.items()):
        last = len(record["rounds"]) - 1
        policy = load_policy(folder / f"{name}_r{last}.pt", ctx.device)
        env = SocialGrid(task, p.decisions_per_step, device=ctx.device, seed=ctx.seed * 1000 + 700)
        log = train(policy, env, PPOConfig(total_agent_steps=p.steps, learning_rate=p.learning_rate),
                    ctx.seed * 1000 + 700,
                    progress=lambda f, m, i=i: ctx.progress((i + f) / len(arms), f"{name}: {m}"))
        after = value_report(policy, eval_seed, p.probe_states, p.probe_episodes)
        records[name] = {
            "v0": record["rounds"][0]["value_score"],
            "before": record["rounds"][-1]["value_score"],
            "after": after["value_score"],
            "return": log.final_return(),
            "p_greedy_after": after["allocation_p_greedy"],
        }
    metrics: dict[str, float] = {}
    for name, r in records.items():
        metrics[f"value_after_{name}"] = r["after"]
        metrics[f"value_before_{name}"] = r["before"]
        metrics[f"retention_{name}"] = r["after"] - r["v0"]
        metrics[f"heldout_change_{name}"] = r["after"] - r["before"]
        metrics[f"p_greedy_after_{name}"] = r["p_greedy_after"]
        if r["return"] == r["return"]:
            metrics[f"heldout_return_{name}"] = r["return"]
    for other in ("ft", "shuffled", "l2", "capf"):
        if other in records:
            metrics[f"persist_diff_{other}"] = records["sva"]["after"] - records[other]["after"]
    if "ft" in records:
        metrics["heldout_change_diff_ft"] = metrics["heldout_change_sva"] - metrics["heldout_change_ft"]
    _draw(ctx, records)
    return metrics


def _draw(ctx: JobContext, records: dict[str, dict[str, float]]) -> None:
    names = list(records)
    with plot(ctx.out / "persistence.svg", width=5.5, height=2.6) as (_, (ax,)):
        width = 0.27
        for k, (key, label, colour) in enumerate([("v0", "after formation", "#bbbbbb"),
                                                  ("before", "after consolidation", "#4477aa"),
                                                  ("after", "after held-out fine-tuning", "#cc6677")]):
            ax.bar([i + (k - 1) * width for i in range(len(names))], [records[n][key] for n in names], width,
                   label=label, color=colour)
        ax.set_xticks(range(len(names)), names, fontsize=6)
        ax.set_ylabel("value score V")
        ax.set_title(f"persistence, seed {ctx.seed}")
        ax.legend(frameon=False, fontsize=6)
