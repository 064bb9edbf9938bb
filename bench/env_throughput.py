"""Throughput of the SocialGrid stages on one CPU core, policy forward pass included.

    PYTHONPATH=tool python bench/env_throughput.py [--envs 256 1024] [--steps 200] [--ppo-steps 64000]

For each stage and batch size: B environments step in lockstep; every step the shared policy
(the default 204→128→128 actor-critic) runs on all learner observations, an action is sampled per
learner, and the grid steps (scripted agents included). Reported: learner agent-steps per second
(the decisions a policy makes; the issue's target is ≥ 50,000) and all-agent steps per second.
Then PPO training throughput on Dependence: learner agent-steps per second including updates.
"""

from __future__ import annotations

import argparse
import time

import torch

from claimbase.lab.env_capability import HELD_OUT, TASKS
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig, train
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--ppo-steps", type=int, default=64_000)
    parser.add_argument("--ppo-envs", type=int, nargs="+", default=[32, 128])
    args = parser.parse_args()
    torch.set_num_threads(1)

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
