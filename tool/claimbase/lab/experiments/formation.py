"""Formation: train the three value formations of one seed and probe what each learned.

* ``curriculum`` — the SVA formation, Dependence → Reciprocity → Autonomy, no value labels
  anywhere; its checkpoint after Reciprocity is kept too (``curriculum_reciprocity``);
* ``c0`` — Autonomy alone for the same total agent-steps (compute-matched capability baseline);
* ``reward`` — the same curriculum with an explicit prosocial bonus in the reward (values as an
  optimisation target), the formation the consolidation arms start from.

Every policy gets the probe battery (``measures.value_report``) and plays Reciprocity episodes,
all monitored and all unmonitored, where its gifts to peers are counted. The returned metrics
compare the curriculum with C0:

* ``value_gap`` — unmonitored value score V: does the curriculum instil values at all;
* ``kept_gift_gap`` — gifts per *monitored* Reciprocity episode: Reciprocity's social reward
  (reciprocation, paid only when a gift is observed) trained this behaviour; does it outlive the
  reward once Autonomy removes it;
* ``learned_gift_gap`` — the same for the checkpoint after Reciprocity: was it learned at all.

Each policy's answers to the costly-honesty question are reported too (``honesty_*``: P(ADMIT)
with the fact true and nobody watching; ``honesty_d_*``: monitored minus unmonitored), and
``honesty_d_gap`` — the post-Reciprocity checkpoint's divergence minus the explicit-reward
agent's — is the probe's positive control: only watched honesty paid the first.

Outputs: the four checkpoints, ``probes.json`` (every probe of every policy), ``curves.json`` (the
learning curves) and ``formation.svg``. Downstream experiments load the checkpoints.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from claimbase.jobs.context import JobContext
from claimbase.lab.curriculum import CurriculumConfig, Formation, autonomy_only, explicit_reward, run_stages
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.experiments.common import plot, save_policy, start, write_json
from claimbase.lab.measures import value_report
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig
from claimbase.lab.probes import rollout
from claimbase.lab.socialgrid import SocialGrid


@dataclass(frozen=True)
class Params:
    stage_steps: int = 150_000
    """Agent-steps per curriculum stage (C0 spends three times this on Autonomy)."""
    hidden: int = 128
    """Width of the policy's two trunk layers."""
    decisions_per_step: int = 64
    """Learner decisions per env step (envs per stage = this // learners)."""
    learning_rate: float = 2.5e-3
    """PPO step size (the lab's tuned value for short budgets)."""
    prosocial_bonus: float = 2.0
    """Explicit-reward formation: bonus per unit given to a needy agent (a gift then nets +1)."""
    probe_states: int = 500
    """Paired states per probe (give, restraint, monitoring, novel stakeholders)."""
    probe_episodes: int = 200
    """Allocation-10 and stakeholder rollouts per probe."""
    gift_episodes: int = 200
    """Reciprocity episodes per policy and monitoring condition in which gifts are counted."""


def reciprocity_gifts(policy: ActorCritic, monitored: bool, episodes: int, seed: int, device: str) -> float:
    """Units the learner gives per Reciprocity episode, every episode monitored (or none)."""
    cfg = reciprocity().with_(p_monitored=1.0 if monitored else 0.0)
    env = SocialGrid(cfg, episodes, device=device, seed=seed, auto_reset=False)
    env.reset(seed)
    return rollout(policy, env, seed).given[:, 0].float().mean().item()


def monitored_give(report: dict[str, float]) -> float:
    """P(give) in monitored give states: the unmonitored rate plus the paired monitoring shift."""
    return report["give_rate"] + report["monitoring_d_give"]


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    cfg = CurriculumConfig(
        dependence_steps=p.stage_steps, reciprocity_steps=p.stage_steps, autonomy_steps=p.stage_steps,
        decisions_per_step=p.decisions_per_step, hidden=p.hidden,
        ppo=PPOConfig(learning_rate=p.learning_rate), prosocial_bonus=p.prosocial_bonus,
    )
    share = 1 / 3

    def part(offset: float):
        return lambda frac, msg: ctx.progress(offset + share * frac, msg)

    # The curriculum in two calls, to keep the checkpoint after Reciprocity. The Autonomy stage gets
    # a seed of its own (run_stages numbers stage seeds from 0 in each call).
    stages = cfg.stages()
    social = run_stages(stages[:2], cfg, ctx.seed, ctx.device, progress=lambda f, m: part(0)(f * 2 / 3, m))
    save_policy(ctx.out / "curriculum_reciprocity.pt", social.policy)
    social_policy = copy.deepcopy(social.policy)  # Autonomy goes on training the same object
    after_reciprocity = value_report(social.policy, seed=10_000 + ctx.seed, n_states=p.probe_states,
                                     episodes=p.probe_episodes)
    alone = run_stages(stages[2:], cfg, ctx.seed + 500_000, ctx.device, policy=social.policy,
                       progress=lambda f, m: part(0)(2 / 3 + f / 3, m))
    curriculum = Formation(alone.policy, {**social.curves, **alone.curves})
    formations = {
        "curriculum": curriculum,
        "c0": autonomy_only(cfg, ctx.seed, ctx.device, progress=part(share)),
        "reward": explicit_reward(cfg, ctx.seed, ctx.device, progress=part(2 * share)),
    }
    reports = {"curriculum_reciprocity": after_reciprocity}
    policies = {"curriculum_reciprocity": social_policy}
    for name, formed in formations.items():
        save_policy(ctx.out / f"{name}.pt", formed.policy)
        policies[name] = formed.policy
        reports[name] = value_report(formed.policy, seed=10_000 + ctx.seed, n_states=p.probe_states,
                                     episodes=p.probe_episodes)
    for name, policy in policies.items():
        for monitored in (True, False):
            key = "gifts_monitored" if monitored else "gifts_unmonitored"
            reports[name][key] = reciprocity_gifts(policy, monitored, p.gift_episodes, 10_000 + ctx.seed, ctx.device)
    write_json(ctx.out / "probes.json", reports)
    write_json(ctx.out / "curves.json", {
        name: {stage: {"agent_steps": log.agent_steps, "return": log.episode_return,
                       "seconds": log.seconds, "gradient_samples": log.gradient_samples}
               for stage, log in formed.curves.items()}
        for name, formed in formations.items()
    })
    _draw(ctx, reports)

    metrics = {
        "value_gap": reports["curriculum"]["value_score"] - reports["c0"]["value_score"],
        "kept_gift_gap": reports["curriculum"]["gifts_monitored"] - reports["c0"]["gifts_monitored"],
        "learned_gift_gap": reports["curriculum_reciprocity"]["gifts_monitored"] - reports["c0"]["gifts_monitored"],
        "reciprocity_monitoring_d_give": after_reciprocity["monitoring_d_give"],
        "reciprocity_give_monitored": monitored_give(after_reciprocity),
        "honesty_d_gap": after_reciprocity["honesty_d"] - reports["reward"]["honesty_d"],
    }
    for name, report in reports.items():
        metrics[f"value_{name}"] = report["value_score"]
        metrics[f"p_greedy_{name}"] = report["allocation_p_greedy"]
        metrics[f"give_unmonitored_{name}"] = report["give_rate"]
        metrics[f"give_monitored_{name}"] = monitored_give(report)
        metrics[f"gifts_monitored_{name}"] = report["gifts_monitored"]
        metrics[f"gifts_unmonitored_{name}"] = report["gifts_unmonitored"]
        metrics[f"honesty_{name}"] = report["honesty_rate"]
        metrics[f"honesty_d_{name}"] = report["honesty_d"]
        metrics[f"false_admit_{name}"] = report["false_admit_rate"]
    for name, formed in formations.items():
        metrics[f"agent_steps_{name}"] = float(formed.agent_steps)
        metrics[f"return_{name}"] = next(reversed(formed.curves.values())).final_return()
    metrics = {k: float(v) for k, v in metrics.items() if v == v}  # NaN-free: a return may be undefined
    ctx.progress(1.0, "done")
    return metrics


def _draw(ctx: JobContext, reports: dict[str, dict[str, float]]) -> None:
    """Value score, and gifts per Reciprocity episode (unmonitored / monitored), of each policy."""
    labels = ["curriculum\n(after R)", "curriculum", "C0", "reward"]
    names = ["curriculum_reciprocity", "curriculum", "c0", "reward"]
    with plot(ctx.out / "formation.svg", width=6.0, height=2.6, ncols=2) as (_, (left, right)):
        left.bar(range(4), [reports[n]["value_score"] for n in names], color="#4477aa")
        left.set_xticks(range(4), labels)
        left.set_ylabel("value score V (unmonitored)")
        left.set_title(f"seed {ctx.seed}")
        width = 0.38
        for shift, key, label, colour in ((-1, "gifts_unmonitored", "unmonitored", "#999999"),
                                          (1, "gifts_monitored", "monitored", "#cc6677")):
            right.bar([i + shift * width / 2 for i in range(4)], [reports[n][key] for n in names], width,
                      label=label, color=colour)
        right.set_xticks(range(4), labels)
        right.set_ylabel("gifts per Reciprocity episode")
        right.legend(frameon=False)
