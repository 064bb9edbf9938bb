"""The helpers the SVA experiments share: the capability suite, the measurements, a consolidation round."""

import dataclasses

import numpy as np
import pytest
import torch

from claimbase.lab import suite
from claimbase.lab.cka import linear_cka, linear_cka_matrix
from claimbase.lab.consolidation import ARMS, Arm, ArmState, RoundConfig, distill_round, run_round
from claimbase.lab.distill import policy_divergence
from claimbase.lab.experiments.common import resolve, slope
from claimbase.lab.measures import Patchable, representation_report, value_score
from claimbase.lab.policy import ActorCritic
from claimbase.lab.ppo import PPOConfig
from claimbase.lab.probe_set import make_probe_set

torch.set_num_threads(1)


def test_distance_to_goes_around_walls():
    targets = torch.zeros(1, 3, 3, dtype=torch.bool)
    targets[0, 0, 2] = True
    wall = torch.zeros(1, 3, 3, dtype=torch.bool)
    wall[0, 0, 1] = wall[0, 1, 1] = True  # the direct way from (0, 0) is blocked
    dist = suite.distance_to(targets, wall)
    assert dist[0, 0, 2] == 0 and dist[0, 1, 2] == 1
    assert dist[0, 0, 0] == 6  # down, down, right, right, up, up
    assert dist[0, 0, 1] >= 1e6  # a wall is never a step


def test_the_heuristic_beats_random_on_every_task():
    refs = suite.references(episodes=8, seed=3)
    for name in suite.SUITE:
        assert refs.heuristic[name] > refs.random[name], name


def test_suite_scores_are_normalised_between_random_and_heuristic():
    refs = suite.references(episodes=8, seed=3)
    torch.manual_seed(0)
    scored = suite.score(ActorCritic(hidden=16), refs)
    assert set(scored.normalised) == set(suite.SUITE)
    assert scored.score == pytest.approx(sum(scored.normalised.values()) / len(suite.SUITE))
    assert -0.5 < scored.score < 0.5  # an untrained policy acts about at random


def test_cka_matrix_equals_pairwise_cka():
    rng = np.random.default_rng(0)
    reps = [rng.standard_normal((60, 5)) for _ in range(3)]
    reps.append(reps[0] @ rng.standard_normal((5, 4)) + 0.1 * rng.standard_normal((60, 4)))
    for debiased in (False, True):
        matrix = linear_cka_matrix(reps, debiased=debiased)
        for i in range(4):
            for j in range(4):
                expected = 1.0 if i == j else linear_cka(reps[i], reps[j], debiased=debiased)
                assert matrix[i, j] == pytest.approx(expected, abs=1e-12)


def test_cka_matrix_marks_a_constant_representation():
    rng = np.random.default_rng(1)
    matrix = linear_cka_matrix([rng.standard_normal((20, 3)), np.ones((20, 2))], debiased=True)
    assert np.isnan(matrix[0, 1]) and np.isnan(matrix[1, 1])


def test_value_score_counts_an_undefined_share_as_keeping_everything():
    assert value_score(0.2, 0.1) == pytest.approx(0.45)
    assert value_score(float("nan"), 0.1) == pytest.approx(0.05)
    assert value_score(1.0, 0.0) == 0.0


def test_representation_report_measures_both_layers_on_the_probe_set():
    torch.manual_seed(0)
    report = representation_report(ActorCritic(hidden=16), make_probe_set(200, seed=1), permutations=5)
    for layer in (0, 1):
        assert -1 <= report[f"dcka_need_res_l{layer}"] <= 1
        assert 0 < report[f"null_p_need_res_l{layer}"] <= 1
        assert report[f"erank_h_l{layer}"] >= 1
        assert report[f"norm_need_l{layer}"] > 0
    assert all(np.isfinite(v) for v in report.values())


def test_patchable_forward_with_identity_equals_the_policy():
    torch.manual_seed(0)
    policy = ActorCritic(hidden=16)
    obs = make_probe_set(20, seed=0).obs
    for layer in (0, 1):
        torch.testing.assert_close(Patchable(policy).forward_with(obs, layer, lambda h: h)[0], policy(obs)[0])


def test_arms_differ_from_sva_only_in_their_importance():
    sva = ARMS["sva"]
    for name in ("shuffled", "l2", "capf"):
        assert (ARMS[name].replay, ARMS[name].distill) == (sva.replay, sva.distill)
        assert ARMS[name].importance != sva.importance
    assert not ARMS["ft"].consolidates and ARMS["ft"].importance == "none"
    with pytest.raises(ValueError):
        Arm("x", "magic", replay=False, distill=False)


TINY = RoundConfig(autonomy_steps=3200, task_steps=3200, tasks=("forage_sparse",), ppo=PPOConfig(update_epochs=1),
                   fisher_states=8, current_states=64, replay_samples=64, distill_steps=5, distill_batch=16)


def test_a_plain_fine_tuning_round_counts_only_ppo_compute():
    torch.manual_seed(0)
    state = ArmState(ARMS["ft"], ActorCritic(hidden=16))
    log = run_round(state, TINY, 1, seed=0, value_obs=torch.empty(0), capability_obs=torch.empty(0), replay_model=None)
    assert set(log.returns) == {"autonomy", "forage_sparse"}
    assert state.fisher is None and log.distill_loss == 0.0
    assert state.compute.agent_steps == 6400
    assert state.compute.gradient_samples == state.compute.ppo_samples == 6400


def test_an_ewc_round_anchors_and_counts_its_fisher():
    torch.manual_seed(0)
    obs = make_probe_set(40, seed=0)
    arm = Arm("ewc-only", "value", replay=False, distill=True)
    state = ArmState(arm, ActorCritic(hidden=16))
    log = run_round(state, TINY, 1, seed=0, value_obs=obs.value_obs, capability_obs=obs.capability_obs,
                    replay_model=None)
    assert state.fisher is not None and log.ewc_penalty > 0
    # one backward pass per state and output: 7 actions, and 2 reports on the question copies
    assert state.compute.fisher_samples == 8 * (7 + 2)
    # each minibatch is matched twice: actions on the states, reports on their question copies
    assert state.compute.distill_samples == 2 * 5 * 16


def test_replay_without_perturbation_starts_the_student_at_the_teacher():
    torch.manual_seed(0)
    teacher = ActorCritic(hidden=16)
    obs = make_probe_set(40, seed=0).obs
    cfg = dataclasses.replace(TINY, distill_steps=0)
    student, losses, samples = distill_round(teacher, teacher, obs, obs, cfg, perturb=False, seed=0)
    assert losses == [] and samples == 0
    assert policy_divergence(teacher, student, obs)["kl"] == pytest.approx(0.0, abs=1e-9)
    perturbed, _, _ = distill_round(teacher, teacher, obs, None, cfg, perturb=True, seed=0)
    assert policy_divergence(teacher, perturbed, obs)["kl"] > 0


def test_parameters_resolve_over_defaults_and_unknown_names_are_refused():
    from claimbase.lab.experiments.consolidation import Params

    p = resolve(Params, {"rounds": 2, "arms": ["sva", "ft"]})
    assert p.rounds == 2 and p.arms == ("sva", "ft") and p.ewc_strength == Params().ewc_strength
    with pytest.raises(ValueError, match="unknown parameter.*roundz"):
        resolve(Params, {"roundz": 2})


def test_slope_of_a_trajectory():
    assert slope([0.0, 1.0, 2.0]) == pytest.approx(1.0)
    assert slope([1.0, 1.0, 1.0, 1.0]) == 0.0
    with pytest.raises(ValueError):
        slope([1.0])
