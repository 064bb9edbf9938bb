"""PPO: it learns the joint harvest, is deterministic, and honours its hooks."""

import torch

from claimbase.lab.env_dependence import dependence
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig, train
from claimbase.lab.probes import rollout
from claimbase.lab.socialgrid import SocialGrid

torch.set_num_threads(1)


def mean_return(policy, cfg, seed: int) -> float:
    env = SocialGrid(cfg, 200, seed=seed, auto_reset=False)
    env.reset(seed)
    tally = rollout(policy, env, seed)
    return tally.collected[:, : cfg.n_learners].float().mean().item()  # team return = mean intake


def test_ppo_learns_dependence_well_above_random():
    cfg = dependence()
    torch.manual_seed(0)
    policy = ActorCritic()
    before = mean_return(policy, cfg, 11)
    log = train(policy, SocialGrid(cfg, 32, seed=0), PPOConfig(total_agent_steps=64_000), seed=0)
    after = mean_return(policy, cfg, 11)
    assert before < 0.3  # an untrained pair almost never lifts a load together
    assert after > before + 1.0 and after > 4 * before
    assert log.final_return(3) > 1.0
    assert log.agent_steps[-1] == 20 * 32 * 2 * 50


def short_run(seed: int, **hooks):
    torch.manual_seed(123)
    policy = ActorCritic(hidden=32)
    log = train(policy, SocialGrid(dependence(), 8, seed=0), PPOConfig(total_agent_steps=1600), seed, **hooks)
    return policy, log


def test_same_seed_same_result():
    (a, la), (b, lb) = short_run(4), short_run(4)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    assert la.policy_loss == lb.policy_loss
    c, _ = short_run(5)
    assert any(not torch.equal(pa, pc) for pa, pc in zip(a.parameters(), c.parameters()))


def test_extra_loss_is_added_to_every_minibatch():
    calls = []

    def pull_to_zero(policy):
        calls.append(1)
        return 10.0 * sum((p**2).sum() for p in policy.parameters())

    plain, _ = short_run(0)
    pulled, log = short_run(0, extra_loss=pull_to_zero)
    assert len(calls) == 2 * 4 * 4  # updates × epochs × minibatches
    norm = lambda m: sum((p**2).sum() for p in m.parameters())  # noqa: E731
    assert norm(pulled) < norm(plain)
    assert all(x > 0 for x in log.extra_loss)


def test_reward_shaping_trains_but_is_not_logged_as_return():
    seen = []

    def bonus(step):
        seen.append(step.reward.shape)
        return torch.ones_like(step.reward)

    _, plain = short_run(0)
    _, shaped = short_run(0, reward_shaping=bonus)
    assert seen and seen[0] == (8, 2)
    assert shaped.episode_return[0] == plain.episode_return[0]  # same first rollout, env return only
