"""Consolidation: R rounds of capability training for each arm, measured after every round.

Where the values to consolidate come from matters, and at this scale the curriculum forms none
(see ``formation``). So the arms that test the *mechanism* start from the ``reward`` formation,
whose prosocial behaviour was an explicit optimisation target: ``sva`` (EWC with the value Fisher,
generative replay, self-distillation), ``ft`` (plain fine-tuning on the same capability phases),
and the stiffness controls ``shuffled``, ``l2`` and ``capf``, which get the same replay and
distillation as ``sva`` and differ from it only in the EWC importance. The *faithful* SVA pipeline,
``sva_curriculum``, starts from the curriculum formation (for the probe comparison, condition 3).
One round is ``lab.consolidation.run_round``; every arm of a seed meets the same episodes.

Measured on every policy after formation (round 0) and after every round, always on the same
fixed, hashed probe set S: the representation report (debiased CKA between ablation responses,
nulls, effective ranks, sizes), E on a second, independently drawn probe set, the Fisher overlap,
the probe battery with the value score V, and the capability-suite score.

Outputs: ``trajectory.json`` (every measurement of every arm and round, with compute),
``<arm>_r<r>.pt`` checkpoints, ``consolidation.svg``. Metrics: the final round's V, E, capability
and compute per arm, and ``value_change_ft``, the change of V under plain continued training.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import torch

from claimbase.jobs.context import JobContext
from claimbase.lab import suite
from claimbase.lab.consolidation import (
    ARMS, Arm, ArmState, RoundConfig, capability_experience, run_round, train_replay_model, value_experience,
)
from claimbase.lab.experiments.common import load_policy, plot, save_policy, start, upstream, write_json
from claimbase.lab.measures import entanglement, fisher_overlap_report, representation_report, value_report
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig
from claimbase.lab.probe_set import make_probe_set
from claimbase.lab.replay import VAEConfig
from claimbase.lab.scenario import Scenario, render

FAITHFUL = "sva_curriculum"


@dataclass(frozen=True)
class Params:
    rounds: int = 3
    """Consolidation rounds R (each a capability phase followed by the arm's consolidation)."""
    arms: tuple[str, ...] = ("sva", "ft", "shuffled", "l2", "capf")
    """Arms started from the reward formation (names from ``lab.consolidation.ARMS``)."""
    faithful: bool = True
    """Also run the SVA arm from the curriculum formation (``sva_curriculum``)."""
    autonomy_steps: int = 40_000
    """Agent-steps on Autonomy (no prosocial bonus) in each round's capability phase."""
    task_steps: int = 15_000
    """Agent-steps on each of the four capability tasks in each round."""
    learning_rate: float = 2.5e-3
    """PPO step size in the capability phases."""
    ewc_strength: float = 1000.0
    """EWC λ (chosen in a pilot: at 1000 the value Fisher holds V through three rounds)."""
    ewc_gamma: float = 1.0
    """Online EWC decay of the accumulated importance."""
    fisher_states: int = 256
    """States the EWC importance is measured on, per round."""
    replay_samples: int = 2048
    """VAE draws per round (the value-relevant ones are replayed)."""
    current_states: int = 2048
    """Current-task states the distillation student is kept on."""
    vae_specs: int = 2048
    """Experienced value-relevant scenes the spec VAE is trained on (at most)."""
    vae_epochs: int = 40
    """Epochs of spec-VAE training (once per formation and seed)."""
    distill_steps: int = 300
    """Distillation steps per round."""
    shrink: float = 0.8
    """Shrink-and-perturb factor of the distillation student."""
    probe_set_size: int = 2000
    """States in the fixed probe set S (half value-relevant, half capability)."""
    probe_set_seed: int = 12345
    """Seed of S: the same S for every seed, arm and round."""
    second_probe_set_seed: int = 54321
    """Seed of the independently drawn second probe set (sensitivity of E to S)."""
    permutations: int = 50
    """Row permutations of the CKA null per layer."""
    overlap_states: int = 64
    """Value and capability states of S the Fisher overlap is measured on (each)."""
    suite_episodes: int = 64
    """Episodes per capability-suite task."""
    probe_states: int = 500
    """Paired states per behavioural probe."""
    probe_episodes: int = 200
    """Rollouts per behavioural probe."""


def round_config(p: Params) -> RoundConfig:
    """The lab's round settings from this experiment's parameters."""
    return RoundConfig(
        autonomy_steps=p.autonomy_steps, task_steps=p.task_steps, ppo=PPOConfig(learning_rate=p.learning_rate),
        ewc_strength=p.ewc_strength, ewc_gamma=p.ewc_gamma, fisher_states=p.fisher_states,
        current_states=p.current_states, replay_samples=p.replay_samples,
        vae=VAEConfig(epochs=p.vae_epochs), distill_steps=p.distill_steps, shrink=p.shrink,
    )


def run(ctx: JobContext) -> dict[str, float]:
    p = start(ctx, Params)
    cfg = round_config(p)
    formed = upstream(ctx, "formation")
    probe_set = make_probe_set(p.probe_set_size, p.probe_set_seed)
    second_set = make_probe_set(p.probe_set_size, p.second_probe_set_seed)
    refs = suite.references(p.suite_episodes, seed=20_000 + ctx.seed, device=ctx.device)
    eval_seed = 10_000 + ctx.seed

    def measure(policy: ActorCritic) -> dict[str, float]:
        values = value_report(policy, eval_seed, p.probe_states, p.probe_episodes)
        out = {**representation_report(policy, probe_set, p.permutations, seed=ctx.seed), **values}
        out["e_second_set_l1"] = entanglement(policy, second_set, layer=1)
        out["fisher_overlap"] = fisher_overlap_report(policy, probe_set, p.overlap_states)
        scored = suite.score(policy, refs, ctx.device)
        out["capability"] = scored.score
        out.update({f"capability_{task}": value for task, value in scored.normalised.items()})
        return out

    plan: list[tuple[str, Arm, str]] = [(name, ARMS[name], "reward") for name in p.arms]
    if p.faithful:
        plan.append((FAITHFUL, ARMS["sva"], "curriculum"))
    total = len(plan) * p.rounds
    done = 0

    # What each formation needs once: its policy, experience, replay model, round-0 measurement.
    sources: dict[str, dict] = {}
    for formation in sorted({f for _, _, f in plan}):
        policy = load_policy(formed / f"{formation}.pt", ctx.device)
        ctx.progress(0.0, f"{formation}: experience and replay model")
        specs = value_experience(policy, seed=ctx.seed * 1000 + 900, device=ctx.device)
        value_obs = render(specs, seed=ctx.seed).to(ctx.device)
        capability_obs = capability_experience(policy, seed=ctx.seed * 1000 + 910, device=ctx.device)
        needs_replay = any(arm.replay for _, arm, f in plan if f == formation)
        model, vae_samples = None, 0
        if needs_replay:
            model, vae_samples = train_replay_model(_first(specs, p.vae_specs), cfg.vae, seed=ctx.seed * 1000 + 920)
        sources[formation] = {
            "policy": policy, "value_obs": value_obs, "capability_obs": capability_obs, "model": model,
            "vae_samples": vae_samples, "round0": measure(policy), "experienced": len(specs),
        }

    trajectory: dict[str, dict] = {
        "probe_set": {"digest": probe_set.digest, "second_digest": second_set.digest, "size": p.probe_set_size},
        "references": {"random": refs.random, "heuristic": refs.heuristic},
        "arms": {},
    }
    finals: dict[str, ActorCritic] = {}
    for name, arm, formation in plan:
        source = sources[formation]
        state = ArmState(arm, copy.deepcopy(source["policy"]))
        if arm.replay:
            state.compute.vae_samples += source["vae_samples"]
        rounds = [{"round": 0, **source["round0"]}]
        save_policy(ctx.out / f"{name}_r0.pt", state.policy)
        for r in range(1, p.rounds + 1):
            began = time.perf_counter()
            report = lambda frac, msg, d=done: ctx.progress((d + frac) / total, f"{name} round {r}: {msg}")  # noqa: E731
            log = run_round(state, cfg, r, ctx.seed, source["value_obs"], source["capability_obs"],
                            source["model"], ctx.device, report)
            seconds = time.perf_counter() - began
            rounds.append({
                "round": r, **measure(state.policy), "train_seconds": seconds,
                "ewc_penalty": log.ewc_penalty, "distill_loss": log.distill_loss, "replayed": log.replayed,
                **{f"return_{k}": v for k, v in log.returns.items()},
                **{f"compute_{k}": v for k, v in state.compute.as_dict().items()},
            })
            save_policy(ctx.out / f"{name}_r{r}.pt", state.policy)
            done += 1
        finals[name] = state.policy
        trajectory["arms"][name] = {
            "formation": formation, "arm": arm.__dict__, "compute": state.compute.as_dict(), "rounds": rounds,
        }
    trajectory["experienced_value_scenes"] = {f: s["experienced"] for f, s in sources.items()}
    write_json(ctx.out / "trajectory.json", trajectory)
    _draw(ctx, trajectory["arms"])

    metrics: dict[str, float] = {}
    for name, record in trajectory["arms"].items():
        last = record["rounds"][-1]
        metrics[f"value_final_{name}"] = last["value_score"]
        metrics[f"e_final_{name}"] = last["dcka_need_res_l1"]
        metrics[f"capability_final_{name}"] = last["capability"]
        metrics[f"gradient_samples_{name}"] = float(record["compute"]["gradient_samples"])
        metrics[f"agent_steps_{name}"] = float(record["compute"]["agent_steps"])
    if "ft" in trajectory["arms"]:
        ft = trajectory["arms"]["ft"]["rounds"]
        metrics["value_change_ft"] = ft[-1]["value_score"] - ft[0]["value_score"]
    metrics["value_formed_reward"] = sources["reward"]["round0"]["value_score"] if "reward" in sources else 0.0
    ctx.progress(1.0, "done")
    return metrics


def _first(specs: Scenario, n: int) -> Scenario:
    """The first ``n`` scenes (all of them when there are fewer)."""
    return specs.select(torch.arange(min(n, len(specs))))


def _draw(ctx: JobContext, arms: dict[str, dict]) -> None:
    """V, E (last trunk layer) and capability against the round, one line per arm."""
    panels = [("value_score", "value score V"), ("dcka_need_res_l1", "E = dCKA(need, res), layer 1"),
              ("capability", "capability (suite)")]
    with plot(ctx.out / "consolidation.svg", width=7.5, height=2.5, ncols=3) as (_, axes):
        for ax, (key, label) in zip(axes, panels):
            for name, record in arms.items():
                rounds = record["rounds"]
                ax.plot([r["round"] for r in rounds], [r[key] for r in rounds], marker="o", ms=3, label=name)
            ax.set_xlabel("round")
            ax.set_title(label)
        axes[0].legend(frameon=False, fontsize=6)
