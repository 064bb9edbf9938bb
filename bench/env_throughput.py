"""Throughput of the SocialGrid stages on one CPU core, policy forward pass included.

    PYTHONPATH=tool python bench/env_throughput.py [--envs 256 1024] [--steps 200] [--ppo-steps 64000]
    PYTHONPATH=tool python bench/env_throughput.py --learning [--seeds 0 1] [--stage-steps 150000]

For each stage and batch size: B environments step in lockstep; every step the shared policy
(the default 204→128→128 actor-critic) runs on all learner observations, an action is sampled per
learner, and the grid steps (scripted agents included). Reported: learner agent-steps per second
(the decisions a policy makes; the issue's target is ≥ 50,000) and all-agent steps per second.
Then PPO training throughput on Dependence: learner agent-steps per second including updates.

``--learning`` instead trains PPO from scratch on each stage with the curriculum's settings and
prints what it costs to learn (agent-steps and seconds until 80 % of the final gain) against a
uniformly random policy; then runs the formation curriculum, C0 and the explicit-reward baseline
and prints the behavioural probes after each stage (does anything prosocial come out?).
"""

from __future__ import annotations

import argparse
import time

import torch

from torch import nn

from claimbase.lab.curriculum import CurriculumConfig, prosocial_shaping, run_stages
from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_capability import HELD_OUT, TASKS
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig, train
from claimbase.lab.probes import rollout, run_probes
from claimbase.lab.pz import STAGES
from claimbase.lab.socialgrid import SocialGrid


def stage_throughput(name: str, num_envs: int, steps: int) -> tuple[float, float]:
    """(learner agent-steps/s, all agent-steps/s) with the policy in the loop."""
    cfg = STAGES[name]
    env = SocialGrid(cfg, num_envs, seed=0)
    torch.manual_seed(0)
    policy = ActorCritic()
    obs = env.reset(0)
    generator = torch.Generator().manual_seed(0)

    def run(n: int) -> None:
        nonlocal obs
        with torch.no_grad():
            for _ in range(n):
                logits, _ = policy(obs.reshape(-1, obs.shape[-1]))
                action = torch.multinomial(torch.softmax(logits, -1), 1, generator=generator)
                obs = env.step(action.view(num_envs, cfg.n_learners)).obs

    run(10)  # warm-up
    start = time.perf_counter()
    run(steps)
    seconds = time.perf_counter() - start
    return steps * num_envs * cfg.n_learners / seconds, steps * num_envs * cfg.n_agents / seconds


def ppo_throughput(num_envs: int, agent_steps: int) -> tuple[float, float]:
    """(learner agent-steps/s, final return) of PPO on Dependence, updates included."""
    torch.manual_seed(0)
    policy = ActorCritic()
    env = SocialGrid(STAGES["dependence"], num_envs, seed=0)
    log = train(policy, env, PPOConfig(total_agent_steps=agent_steps), seed=0)
    return log.agent_steps[-1] / log.seconds, log.final_return(3)


class Uniform(nn.Module):
    """The random baseline: every action equally likely."""

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(obs.shape[0], 7), torch.zeros(obs.shape[0])


def random_return(name: str, seed: int, episodes: int = 200) -> float:
    """Mean per-learner episode return of the uniform policy."""
    cfg = STAGES[name]
    env = SocialGrid(cfg, episodes, seed=seed, auto_reset=False)
    env.reset(seed)
    tally = rollout(Uniform(), env, seed)
    intake = (
        cfg.collect_reward * tally.collected + cfg.receive_reward * tally.received
        - cfg.give_cost * tally.given + cfg.deliver_reward * tally.delivered
    )[:, : cfg.n_learners].float()
    return intake.mean().item()  # a team reward's mean over learners is the same mean


def learning(seeds: list[int], stage_steps: int) -> None:
    cfg = CurriculumConfig(dependence_steps=stage_steps, reciprocity_steps=stage_steps, autonomy_steps=stage_steps)
    print(f"PPO from scratch per stage, {stage_steps:,} learner steps, {cfg.decisions_per_step} decisions per env step")
    print(f"{'stage':<18}{'seed':>5}{'random':>8}{'final':>8}{'steps to 80%':>14}{'s to 80%':>10}{'total s':>9}")
    for name in ["dependence", "reciprocity", "autonomy", *TASKS, HELD_OUT.name]:
        for seed in seeds:
            log = run_stages([(STAGES[name], stage_steps)], cfg, seed).curves[name]
            base, final = random_return(name, seed + 100), log.final_return(3)
            goal = base + 0.8 * (final - base)
            hit = next((i for i, r in enumerate(log.episode_return) if r >= goal), len(log.episode_return) - 1)
            frac = log.agent_steps[hit] / log.agent_steps[-1]
            print(
                f"{name:<18}{seed:>5}{base:>8.2f}{final:>8.2f}{log.agent_steps[hit]:>14,}"
                f"{frac * log.seconds:>10.1f}{log.seconds:>9.1f}",
                flush=True,
            )
    print()
    keys = ["allocation_share", "allocation_p_greedy", "allocation_share_monitored", "give_rate",
            "restraint_rate", "monitoring_d_give", "novel_ratio_give", "bystander_gifts", "dependent_gifts"]
    print("Probes after each stage (allocation: self-share, P(s>=0.8), self-share when monitored; "
          "P(give) / 1-P(collect) on probe states; monitoring D; novel / familiar P(give); gifts to needy "
          "bystanders / novel dependents per learner-episode)")
    print(f"{'arm':<9}{'seed':>5} {'after':<12}" + "".join(f"{k[:13]:>14}" for k in keys))
    arms = {
        "sva": (cfg.stages(), None),
        "explicit": (cfg.stages(), prosocial_shaping(cfg.prosocial_bonus)),
        "c0": ([(autonomy(), cfg.total_steps)], None),
    }
    for arm, (stages, shaping) in arms.items():
        for seed in seeds:
            torch.manual_seed(seed)
            policy = ActorCritic(hidden=cfg.hidden)
            for i, stage in enumerate(stages):
                run_stages([stage], cfg, seed * 10 + i, reward_shaping=shaping, policy=policy)
                report = run_probes(policy, seed).as_dict()
                print(f"{arm:<9}{seed:>5} {stage[0].name:<12}" + "".join(f"{report[k]:>14.3f}" for k in keys), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--ppo-steps", type=int, default=64_000)
    parser.add_argument("--ppo-envs", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--learning", action="store_true", help="learning costs and probes instead")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--stage-steps", type=int, default=150_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.learning:
        learning(args.seeds, args.stage_steps)
        return

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"{'stage':<18}{'envs':>6}{'learner steps/s':>18}{'all-agent steps/s':>20}")
    for name in ["dependence", "reciprocity", "autonomy", *TASKS, HELD_OUT.name]:
        for num_envs in args.envs:
            learner, everyone = stage_throughput(name, num_envs, args.steps)
            print(f"{name:<18}{num_envs:>6}{learner:>18,.0f}{everyone:>20,.0f}", flush=True)
    print()
    print(f"PPO on dependence, {args.ppo_steps:,} learner steps (4 epochs × 4 minibatches per rollout)")
    for num_envs in args.ppo_envs:
        rate, final = ppo_throughput(num_envs, args.ppo_steps)
        print(f"  {num_envs:>4} envs: {rate:>10,.0f} learner steps/s, final return {final:.2f}", flush=True)


if __name__ == "__main__":
    main()
