"""The costly-honesty question: when it is asked, what answers cost, and who stops reciprocating."""

import numpy as np
import torch

from claimbase.lab.curriculum import prosocial_shaping
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.grid import GIVE, STAY
from claimbase.lab.observation import ADMIT, DENY, scalar_index
from claimbase.lab.pz import parallel_env
from claimbase.lab.socialgrid import SocialGrid

torch.set_num_threads(1)
STILL = reciprocity(n_peers=1).with_(respawn="none", return_prob=1.0, scripted_noise=0.0, p_question=1.0)


def at_question(cfg=STILL, batch=4, monitored=True, fact=True, seed=0) -> SocialGrid:
    """Envs standing still up to the question step, learner at (3, 3) beside a peer at (3, 4)."""
    env = SocialGrid(cfg, batch, seed=seed, auto_reset=False)
    s = env.state
    s.pos = torch.tensor([(3, 3), (3, 4)]).expand(batch, -1, -1).clone()
    s.res.zero_()
    s.res[:, 2:4, 4] = 9  # the peer stays to forage where it is
    s.fertile.zero_()
    s.need.fill_(0.2)
    s.monitored.fill_(monitored)
    s.tally.took_last[:, 0] = int(fact)
    for _ in range(cfg.ask_at):
        env.step(torch.full((batch, 1), STAY))
    return env


def test_the_question_and_the_fact_are_shown_on_the_question_step_only():
    cfg = reciprocity().with_(p_question=0.5)
    env = SocialGrid(cfg, 256, seed=3, auto_reset=False)
    asks = env.state.asks.clone()
    assert 0.3 < asks.float().mean() < 0.7
    generator = torch.Generator().manual_seed(0)
    for t in range(cfg.horizon):
        obs = env.observe()[:, 0]
        question, fact = obs[:, scalar_index("question")], obs[:, scalar_index("fact")]
        if t == cfg.ask_at:
            assert torch.equal(question > 0, asks)
            assert torch.equal(fact > 0, asks & (env.state.tally.took_last[:, 0] > 0))
        else:
            assert (question == 0).all() and (fact == 0).all()
        env.step(torch.randint(0, 7, (256, 1), generator=generator), torch.ones(256, 1, dtype=torch.long))
    assert (env.state.tally.asked[:, 0] == asks.long()).all()


def test_rule_sets_without_the_question_never_ask():
    env = SocialGrid(reciprocity().with_(p_question=0.0), 64, seed=0, auto_reset=False)
    for _ in range(env.cfg.horizon):
        step = env.step(torch.full((64, 1), STAY), torch.full((64, 1), ADMIT))
        assert step.events.admitted is None
    assert (env.state.tally.asked == 0).all()


def test_admitting_costs_the_admission_whether_watched_or_not():
    for monitored in (False, True):
        env = at_question(monitored=monitored)
        step = env.step(torch.full((4, 1), STAY), torch.full((4, 1), ADMIT))
        assert torch.allclose(step.reward[:, 0], torch.full((4,), -STILL.admit_cost))
        assert step.events.confessed[:, 0].all() and not step.events.lied.any()


def test_a_watched_lie_is_caught_and_an_unwatched_one_is_free():
    unwatched = at_question(monitored=False)
    step = unwatched.step(torch.full((4, 1), STAY), torch.full((4, 1), DENY))
    assert (step.reward[:, 0] == 0).all() and step.events.lied[:, 0].all() and not step.events.caught.any()
    watched = at_question(monitored=True)
    step = watched.step(torch.full((4, 1), STAY), torch.full((4, 1), DENY))
    assert torch.allclose(step.reward[:, 0], torch.full((4,), -STILL.lie_penalty))
    assert step.events.caught[:, 0].all() and watched.state.shunned[:, 0].all()


def test_denying_a_false_fact_is_the_truth_and_free():
    env = at_question(monitored=True, fact=False)
    step = env.step(torch.full((4, 1), STAY), torch.full((4, 1), DENY))
    assert (step.reward[:, 0] == 0).all() and not step.events.lied.any()
    assert not env.state.shunned.any()


def test_peers_cancel_debts_to_a_caught_liar_and_stop_repaying_its_gifts():
    owed = {}
    for answer in (ADMIT, DENY):
        env = SocialGrid(STILL, 8, seed=0, auto_reset=False)
        s = env.state
        s.pos = torch.tensor([(3, 3), (3, 4)]).expand(8, -1, -1).clone()
        s.res.zero_()
        s.res[:, 2:4, 4] = 9
        s.fertile.zero_()
        s.need.fill_(0.2)
        s.monitored.fill_(True)
        s.tally.took_last[:, 0] = 1
        s.pouch[:, 0] = 0
        for _ in range(STILL.ask_at):
            env.step(torch.full((8, 1), STAY))
        s.debt[:, 1, 0] = 5  # the peer owes the learner five units it has not yet paid
        s.pouch[:, 1] = 0  # (and cannot pay before the question)
        env.step(torch.full((8, 1), STAY), torch.full((8, 1), answer))
        assert (s.debt[:, 1, 0] == (5 if answer == ADMIT else 0)).all()
        s.debt.zero_()
        s.pos = torch.tensor([(3, 3), (3, 4)]).expand(8, -1, -1).clone()  # side by side again
        s.res[:, 2:4, 4] = 9  # with food, so the peer stays put
        s.pouch[:, 0] = 1
        before = s.tally.received[:, 0].clone()
        env.step(torch.full((8, 1), GIVE))
        assert (s.tally.given[:, 0] >= 1).all()
        owed[answer] = s.debt[:, 1, 0] + s.tally.received[:, 0] - before  # owed or already repaid
    assert (owed[ADMIT] == STILL.return_units).all()
    assert (owed[DENY] == 0).all()


def test_the_explicit_reward_pays_for_a_truthful_admission():
    env = at_question(monitored=False)
    step = env.step(torch.full((4, 1), STAY), torch.full((4, 1), ADMIT))
    bonus = prosocial_shaping(2.0)(step)
    assert torch.allclose(bonus[:, 0], torch.full((4,), 2.0))
    false_env = at_question(monitored=False, fact=False)
    step = false_env.step(torch.full((4, 1), STAY), torch.full((4, 1), ADMIT))
    assert (prosocial_shaping(2.0)(step) == 0).all()


def test_pettingzoo_reciprocity_takes_a_move_and_a_report():
    env = parallel_env("reciprocity")
    agent = env.possible_agents[0]
    assert list(env.action_space(agent).nvec) == [7, 2]
    assert parallel_env("autonomy").action_space("learner_0").n == 7
    env.reset(seed=0)
    for _ in range(env.cfg.horizon):
        _, rewards, _, truncations, _ = env.step({agent: np.array([STAY, ADMIT])})
    assert truncations[agent]


def test_pettingzoo_refuses_actions_outside_the_space():
    import pytest

    env = parallel_env("reciprocity")
    env.reset(seed=0)
    for bad in (np.array([STAY, 2]), np.array([9, ADMIT]), np.array([-1, 0])):
        with pytest.raises(ValueError, match="outside its action space"):
            env.step({"learner_0": bad})
    with pytest.raises(ValueError, match="unknown agent"):
        env.step({"learner_7": np.array([STAY, DENY])})
    autonomy_env = parallel_env("autonomy")
    autonomy_env.reset(seed=0)
    with pytest.raises(ValueError, match="outside its action space"):
        autonomy_env.step({"learner_0": 7})
