"""Proximal Policy Optimisation for the SocialGrid, in one readable file (after CleanRL's ppo.py).

On the step an episode asks the honesty question the agent's decision is the pair (action, report),
sampled from the action and report heads; its log-probability and entropy are the sums of the two
heads' (the report head is masked out on every other step).

All learner agents of all B environments share one ``ActorCritic`` (parameter sharing): a rollout
of ``num_steps`` steps yields ``num_steps × B × L`` samples. Advantages are GAE(γ, λ); the loss is
the clipped surrogate + ``vf_coef`` × (clipped) value loss − ``ent_coef`` × entropy, plus whatever
``extra_loss(policy)`` adds (an EWC or distillation penalty during consolidation). Adam, minibatches,
several epochs per rollout, gradient-norm clipping, optional linear learning-rate decay.

Episodes have a fixed horizon and the fraction of time left is in the observation, so the end of
an episode is a true terminal state: no bootstrapping across it.

Determinism: ``torch.manual_seed(seed)`` drives initial sampling and minibatch order, the env's own
generator is reseeded with ``seed``; the same call on the same machine and thread count gives the
same result.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor, nn

from claimbase.lab.grid import Tally
from claimbase.lab.observation import asking
from claimbase.lab.policy import ActorCritic
from claimbase.lab.socialgrid import SocialGrid, Step

ExtraLoss = Callable[[ActorCritic], Tensor]
RewardShaping = Callable[[Step], Tensor]
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PPOConfig:
    """Hyper-parameters of one PPO run."""

    total_agent_steps: int = 200_000
    """Learner decisions to collect in all (agents × envs × steps); rounded down to whole rollouts."""
    num_steps: int = 50
    """Rollout length per update, in env steps (one episode at the default horizon)."""
    learning_rate: float = 2.5e-3
    """Adam step size, decayed linearly if anneal_lr. Larger than the usual 3e-4 because budgets
    here are short: after 150 k steps on Dependence the return was 0.8 / 4.5 / 9.9 at
    3e-4 / 1e-3 / 2.5e-3 (Autonomy: 1.6 / 10.0 / 11.9; one seed each)."""
    anneal_lr: bool = True
    """Decay the learning rate linearly to zero over the run."""
    gamma: float = 0.99
    """Discount factor."""
    gae_lambda: float = 0.95
    """λ of generalised advantage estimation."""
    num_minibatches: int = 4
    """Minibatches per epoch."""
    update_epochs: int = 4
    """Passes over each rollout."""
    clip_coef: float = 0.2
    """Surrogate clipping range (also used for the value clipping)."""
    clip_vloss: bool = True
    """Clip the value update around the rollout's values."""
    norm_adv: bool = True
    """Normalise advantages per minibatch."""
    ent_coef: float = 0.01
    """Weight of the entropy bonus."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    max_grad_norm: float = 0.5
    """Global gradient-norm clip."""
    num_threads: int | None = None
    """If set, ``torch.set_num_threads`` for the run (a process-wide setting)."""


@dataclass
class TrainLog:
    """Learning curve of one run: one entry per update (rollout) unless stated."""

    agent_steps: list[int] = field(default_factory=list)
    """Cumulative learner decisions after each update."""
    episode_return: list[float] = field(default_factory=list)
    """Mean per-learner env return of the episodes that ended in the update (reward shaping excluded)."""
    episode_stats: list[dict[str, float]] = field(default_factory=list)
    """Per-learner episode means of the events (collected, given, gave_to_needy, ...)."""
    policy_loss: list[float] = field(default_factory=list)
    value_loss: list[float] = field(default_factory=list)
    entropy: list[float] = field(default_factory=list)
    approx_kl: list[float] = field(default_factory=list)
    extra_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    """Wall-clock time of the whole run."""
    gradient_samples: int = 0
    """Samples that went through a backward pass (epochs × rollout size × updates)."""

    def final_return(self, last: int = 5) -> float:
        """Mean of the last few updates' episode returns (the end of the learning curve)."""
        values = [r for r in self.episode_return[-last:] if not math.isnan(r)]
        return float(np.mean(values)) if values else float("nan")


def learner_stats(tally: Tally, n_learners: int) -> dict[str, float]:
    """Episode events per learner (mean over envs and learners) and the others' mean need."""
    stats = {
        name: getattr(tally, name)[:, :n_learners].float().mean().item()
        for name in ("collected", "given", "received", "delivered", "gave_to_needy", "took_last")
    }
    asked = tally.asked[:, :n_learners].sum().item()
    if asked:
        stats["admit_rate"] = tally.admitted[:, :n_learners].sum().item() / asked
        stats["lie_rate"] = tally.lied[:, :n_learners].sum().item() / asked
    if tally.need_sum.shape[1] > n_learners:
        stats["others_need_sum"] = tally.need_sum[:, n_learners:].mean().item()
    return stats


def _gae(rewards: Tensor, values: Tensor, dones: Tensor, last_value: Tensor, gamma: float, lam: float) -> Tensor:
    """Advantages for rollouts ``T × M``; ``dones[t]`` means the episode ended after step t."""
    adv = torch.zeros_like(rewards)
    running = torch.zeros_like(last_value)
    next_value = last_value
    for t in reversed(range(rewards.shape[0])):
        live = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * live - values[t]
        running = delta + gamma * lam * live * running
        adv[t] = running
        next_value = values[t]
    return adv


def train(
    policy: ActorCritic,
    env: SocialGrid,
    cfg: PPOConfig,
    seed: int,
    extra_loss: ExtraLoss | None = None,
    progress: Progress | None = None,
    reward_shaping: RewardShaping | None = None,
) -> TrainLog:
    """Train ``policy`` in place on ``env`` with PPO; returns the learning curve.

    ``extra_loss(policy)`` is added to every minibatch loss. ``reward_shaping(step)`` returns a
    ``B × L`` bonus added to the learners' rewards (the explicit-reward baseline's prosocial term);
    the logged returns stay the environment's own.
    """
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    torch.manual_seed(seed)
    device = env.device
    policy.to(device)
    optimizer = torch.optim.Adam(policy.parameters(), lr=cfg.learning_rate, eps=1e-5)
    b, n_learners = env.num_envs, env.n_learners
    m, t_len = b * n_learners, cfg.num_steps
    batch = t_len * m
    n_updates = max(1, cfg.total_agent_steps // batch)
    minibatch = max(1, batch // cfg.num_minibatches)

    obs_buf = torch.zeros(t_len, m, env.observe().shape[-1], device=device)
    act_buf = torch.zeros(t_len, m, dtype=torch.long, device=device)
    rep_buf = torch.zeros(t_len, m, dtype=torch.long, device=device)
    logp_buf = torch.zeros(t_len, m, device=device)
    rew_buf = torch.zeros(t_len, m, device=device)
    done_buf = torch.zeros(t_len, m, device=device)
    val_buf = torch.zeros(t_len, m, device=device)

    log = TrainLog()
    start = time.perf_counter()
    obs = env.reset(seed).reshape(m, -1)
    running_return = torch.zeros(m, device=device)
    for update in range(n_updates):
        if cfg.anneal_lr:
            optimizer.param_groups[0]["lr"] = cfg.learning_rate * (1.0 - update / n_updates)
        returns, stats = [], []
        for t in range(t_len):
            with torch.no_grad():
                logits, report_logits, value = policy.heads(obs)
            logp_all = torch.log_softmax(logits, dim=-1)
            action = torch.multinomial(logp_all.exp(), 1).squeeze(1)
            logp_rep = torch.log_softmax(report_logits, dim=-1)
            report = torch.multinomial(logp_rep.exp(), 1).squeeze(1)
            asked = asking(obs).float()
            step = env.step(action.view(b, n_learners), report.view(b, n_learners))
            reward = step.reward.reshape(m)
            running_return += reward
            if reward_shaping is not None:
                reward = reward + reward_shaping(step).reshape(m)
            obs_buf[t], act_buf[t], rep_buf[t], val_buf[t] = obs, action, report, value
            logp_buf[t] = (logp_all.gather(1, action[:, None]).squeeze(1)
                           + asked * logp_rep.gather(1, report[:, None]).squeeze(1))
            rew_buf[t] = reward
            done_buf[t] = float(step.done)
            if step.episode is not None:
                returns.append(running_return.mean().item())
                stats.append(learner_stats(step.episode[0], n_learners))
                running_return.zero_()
            obs = step.obs.reshape(m, -1)

        with torch.no_grad():
            last_value = policy(obs)[1]
        adv = _gae(rew_buf, val_buf, done_buf, last_value, cfg.gamma, cfg.gae_lambda)
        ret = adv + val_buf
        f_obs, f_act, f_logp = obs_buf.reshape(batch, -1), act_buf.reshape(batch), logp_buf.reshape(batch)
        f_rep = rep_buf.reshape(batch)
        f_asked = asking(f_obs).float()
        f_adv, f_ret, f_val = adv.reshape(batch), ret.reshape(batch), val_buf.reshape(batch)

        sums = np.zeros(5)
        count = 0
        for _ in range(cfg.update_epochs):
            order = torch.randperm(batch, device=device)
            for lo in range(0, batch, minibatch):
                idx = order[lo : lo + minibatch]
                logits, report_logits, value = policy.heads(f_obs[idx])
                logp_all = torch.log_softmax(logits, dim=-1)
                logp_rep = torch.log_softmax(report_logits, dim=-1)
                mb_asked = f_asked[idx]
                logp = (logp_all.gather(1, f_act[idx, None]).squeeze(1)
                        + mb_asked * logp_rep.gather(1, f_rep[idx, None]).squeeze(1))
                entropy = (-(logp_all.exp() * logp_all).sum(-1)
                           - mb_asked * (logp_rep.exp() * logp_rep).sum(-1)).mean()
                log_ratio = logp - f_logp[idx]
                ratio = log_ratio.exp()
                mb_adv = f_adv[idx]
                if cfg.norm_adv:
                    mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg_loss = torch.max(
                    -mb_adv * ratio, -mb_adv * ratio.clamp(1 - cfg.clip_coef, 1 + cfg.clip_coef)
                ).mean()
                v_err = (value - f_ret[idx]) ** 2
                if cfg.clip_vloss:
                    v_clip = f_val[idx] + (value - f_val[idx]).clamp(-cfg.clip_coef, cfg.clip_coef)
                    v_err = torch.max(v_err, (v_clip - f_ret[idx]) ** 2)
                v_loss = 0.5 * v_err.mean()
                loss = pg_loss + cfg.vf_coef * v_loss - cfg.ent_coef * entropy
                extra = extra_loss(policy) if extra_loss is not None else torch.zeros((), device=device)
                loss = loss + extra
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), cfg.max_grad_norm)
                optimizer.step()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - log_ratio).mean()
                sums += [pg_loss.item(), v_loss.item(), entropy.item(), approx_kl.item(), extra.item()]
                count += 1
                log.gradient_samples += len(idx)

        means = sums / count
        log.agent_steps.append((update + 1) * batch)
        log.episode_return.append(float(np.mean(returns)) if returns else float("nan"))
        log.episode_stats.append(
            {k: float(np.mean([s[k] for s in stats])) for k in stats[0]} if stats else {}
        )
        log.policy_loss.append(means[0])
        log.value_loss.append(means[1])
        log.entropy.append(means[2])
        log.approx_kl.append(means[3])
        log.extra_loss.append(means[4])
        if progress is not None:
            progress((update + 1) / n_updates, f"{env.cfg.name}: return {log.episode_return[-1]:.2f}")
    log.seconds = time.perf_counter() - start
    return log
