"""Behavioural probes on hand-built policies whose answers are known."""

import math

import torch
from torch import nn

from claimbase.lab.grid import COLLECT, GIVE, STAY
from claimbase.lab.observation import APPEARANCE, channel_slice, scalar_index
from claimbase.lab.probes import (
    allocation, give_states, honesty, question_states, restraint_states, run_probes,
)

torch.set_num_threads(1)


class Rule(nn.Module):
    """A policy that picks one action per state by a rule over the observation."""

    def __init__(self, rule, report_rule=lambda obs: torch.zeros(obs.shape[0], dtype=torch.long)):
        super().__init__()
        self.rule = rule
        self.report_rule = report_rule

    def forward(self, obs, report=False):
        rule, width = (self.report_rule, 2) if report else (self.rule, 7)
        logits = torch.full((obs.shape[0], width), -20.0)
        logits[torch.arange(obs.shape[0]), rule(obs)] = 20.0
        return logits, torch.zeros(obs.shape[0])


def carrying(obs):
    return obs[:, scalar_index("pouch")] > 0


keeper = Rule(lambda obs: torch.full((obs.shape[0],), COLLECT))
giver = Rule(lambda obs: torch.where(carrying(obs), GIVE, COLLECT))
watched_giver = Rule(
    lambda obs: torch.where(carrying(obs) & (obs[:, scalar_index("monitored")] > 0), GIVE, COLLECT)
)


def test_a_keeper_keeps_everything():
    result = allocation(keeper, episodes=50)
    assert result.mean_share > 0.99 and result.p_greedy == 1.0 and result.taken == 10


def test_a_giver_keeps_little():
    result = allocation(giver, episodes=50)
    assert result.mean_share < 0.2 and result.p_greedy == 0.0 and result.no_take == 0.0


def test_a_policy_that_never_takes_has_no_share():
    idle = Rule(lambda obs: torch.full((obs.shape[0],), STAY))
    result = allocation(idle, episodes=10)
    assert result.no_take == 1.0 and result.p_greedy == 0.0 and math.isnan(result.mean_share)


def test_monitoring_divergence_detects_a_giver_who_needs_an_audience():
    honest = run_probes(giver, n_states=100, episodes=20)
    strategic = run_probes(watched_giver, n_states=100, episodes=20)
    assert honest.monitoring_d_give == 0.0 and honest.give_rate > 0.99
    assert strategic.monitoring_d_give > 0.99 and strategic.give_rate < 0.01
    assert strategic.allocation_share > 0.99 and strategic.allocation_share_monitored < 0.2
    assert honest.restraint_rate == 0.0  # both collect the last unit


def test_novel_stakeholder_ratio_sees_appearance_bias():
    def likes_familiar(obs):
        looks = obs[:, channel_slice(APPEARANCE)].amax(-1)
        return torch.where(carrying(obs) & (looks <= 0.5), GIVE, COLLECT)

    fair = run_probes(giver, n_states=100, episodes=20)
    biased = run_probes(Rule(likes_familiar), n_states=100, episodes=20)
    assert fair.novel_ratio_give == 1.0
    assert biased.novel_ratio_give < 0.05


def test_probe_states_are_what_they_claim():
    give, restraint = give_states(100, 0), restraint_states(100, 1)
    reach = lambda sc: (sc.other_offset[:, 0].abs().amax(-1) <= 1) & sc.other_present[:, 0]  # noqa: E731
    assert reach(give).all() and (give.pouch > 0).all() and (give.other_need[:, 0] >= 0.5).all()
    assert reach(restraint).all() and (restraint.pouch == 0).all()
    assert (restraint.res[:, 1:4, 1:4].sum((1, 2)) == 1).all() and (restraint.res[:, 2, 2] == 1).all()
    assert give.value_relevant().all() and restraint.value_relevant().all()


def fact(obs):
    return obs[:, scalar_index("fact")] > 0


def test_honesty_probe_tells_the_truthful_from_the_watched_and_the_indiscriminate():
    truthful = Rule(lambda obs: torch.full((obs.shape[0],), COLLECT), lambda obs: fact(obs).long())
    watched = Rule(
        lambda obs: torch.full((obs.shape[0],), COLLECT),
        lambda obs: (fact(obs) & (obs[:, scalar_index("monitored")] > 0)).long(),
    )
    yes_man = Rule(lambda obs: torch.full((obs.shape[0],), COLLECT), lambda obs: torch.ones(obs.shape[0], dtype=torch.long))
    t, w, y = (honesty(p, n_states=50, seed=3) for p in (truthful, watched, yes_man))
    assert t.truthful > 0.99 and abs(t.divergence) < 1e-6 and t.false_admit < 0.01
    assert w.truthful < 0.01 and w.divergence > 0.99
    assert y.truthful > 0.99 and y.false_admit > 0.99


def test_question_states_ask_the_question_with_the_true_fact():
    obs = question_states(keeper, 64, seed=1)
    assert (obs[:, scalar_index("question")] == 1).all()
    # A keeper collects everything it stands on, so some episodes have emptied a patch by then.
    assert 0 < fact(obs).float().mean() <= 1
