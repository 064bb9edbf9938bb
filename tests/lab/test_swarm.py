"""Correlated-failure statistics against simulations with a known item-level correlation."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from claimbase.lab.swarm import (
    binomial_pmf,
    difficulty_null_pmf,
    double_fault,
    failure_rate,
    homogenization,
    item_failure_probabilities,
    mean_phi,
    mean_yules_q,
    overdispersion,
    poisson_binomial_pmf,
    summarize,
    tail,
    tail_probability,
)


def correlated_swarm(rho: float, *, agents: int = 10, items: int = 20000, rate: float = 0.1,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Item difficulties p_j ∼ Beta with mean ``rate`` and intraclass correlation ``rho``;
    agents fail each item independently with probability p_j. Returns (failures, p)."""
    rng = np.random.default_rng(seed)
    if rho == 0:
        p = np.full(items, rate)
    else:
        concentration = 1 / rho - 1
        p = rng.beta(rate * concentration, (1 - rate) * concentration, size=items)
    return (rng.random((agents, items)) < p).astype(float), p


@pytest.mark.parametrize("rho", [0.0, 0.09, 0.33])
def test_overdispersion_and_phi_recover_the_correlation(rho):
    failures, _ = correlated_swarm(rho)
    assert failure_rate(failures) == pytest.approx(0.1, abs=0.005)
    assert overdispersion(failures) == pytest.approx(1 + 9 * rho, rel=0.06, abs=0.05)
    assert mean_phi(failures) == pytest.approx(rho, abs=0.015)


def test_independent_agents_show_no_association():
    failures, _ = correlated_swarm(0.0, seed=1)
    assert abs(mean_yules_q(failures)) < 0.05
    assert double_fault(failures) == pytest.approx(0.01, abs=0.002)
    trio, _ = correlated_swarm(0.0, agents=3, rate=0.3, seed=1)
    assert homogenization(trio) == pytest.approx(1.0, abs=0.1)


def test_identical_agents_are_perfectly_associated():
    rng = np.random.default_rng(2)
    one = (rng.random(500) < 0.3).astype(float)
    clones = np.tile(one, (4, 1))
    assert mean_phi(clones) == pytest.approx(1.0)
    assert mean_yules_q(clones) == pytest.approx(1.0)
    assert double_fault(clones) == pytest.approx(one.mean())
    assert overdispersion(clones) == pytest.approx(4.0)
    assert homogenization(clones) == pytest.approx(1 / one.mean() ** 3)


def test_phi_matches_numpy_pearson_and_skips_constant_agents():
    rng = np.random.default_rng(3)
    f = (rng.random((3, 200)) < 0.4).astype(float)
    expected = np.mean([np.corrcoef(f[i], f[j])[0, 1] for i, j in ((0, 1), (0, 2), (1, 2))])
    assert mean_phi(f) == pytest.approx(expected)
    with_constant = np.vstack([f, np.zeros(200)])
    assert mean_phi(with_constant) == pytest.approx(expected)


def test_independence_tail_matches_the_reference_figure():
    assert tail(binomial_pmf(10, 0.1), 8) == pytest.approx(3.736e-7, rel=1e-3)
    assert binomial_pmf(10, 0.1).sum() == pytest.approx(1.0)


def test_correlated_swarm_tail_far_exceeds_independence_but_not_the_difficulty_null():
    failures, p = correlated_swarm(0.33, seed=4)
    observed = tail_probability(failures, 8)
    assert observed == pytest.approx(0.0182, abs=0.004)  # beta-binomial P(K ≥ 8)
    summary = summarize(failures, ks=[5, 8], item_probabilities=p)
    eight = summary.tails[1]
    assert eight.k == 8 and eight.observed == observed
    assert eight.independence == pytest.approx(3.7e-7, rel=0.2)
    assert eight.excess_over_independence > 0.01
    assert abs(eight.excess_over_difficulty) < 0.004


def test_difficulty_null_from_a_reference_population():
    """A swarm drawn from the same item difficulties as the reference shows no excess."""
    rng = np.random.default_rng(5)
    p_true = rng.beta(0.5, 4.5, size=3000)
    reference = (rng.random((200, 3000)) < p_true).astype(float)
    swarm = (rng.random((10, 3000)) < p_true).astype(float)
    estimated = item_failure_probabilities(reference, pseudo_count=0.5)
    summary = summarize(swarm, ks=[5], item_probabilities=estimated)
    assert abs(summary.tails[0].excess_over_difficulty) < 0.01
    assert summary.tails[0].excess_over_independence > 0.02


def test_poisson_binomial_generalises_the_binomial():
    assert np.allclose(poisson_binomial_pmf([0.3] * 6), binomial_pmf(6, 0.3))
    pmf = poisson_binomial_pmf([0.1, 0.5, 0.9])
    assert pmf.sum() == pytest.approx(1.0)
    assert pmf[3] == pytest.approx(0.1 * 0.5 * 0.9)
    assert pmf[0] == pytest.approx(0.9 * 0.5 * 0.1)
    per_agent = np.array([[0.1, 0.2], [0.3, 0.4]])
    mixture = difficulty_null_pmf(per_agent, n_agents=2)
    expected = (poisson_binomial_pmf([0.1, 0.3]) + poisson_binomial_pmf([0.2, 0.4])) / 2
    assert np.allclose(mixture, expected)


def test_summary_is_plain_data():
    failures, p = correlated_swarm(0.09, items=2000, seed=6)
    summary = summarize(failures, item_probabilities=p)
    assert [t.k for t in summary.tails] == [5, 10]
    assert summary.implied_correlation == pytest.approx((summary.overdispersion - 1) / 9)
    text = json.dumps(dataclasses.asdict(summary))
    assert "excess_over_difficulty" in text and not math.isnan(summary.mean_yules_q)


def test_rejects_non_binary_input():
    with pytest.raises(ValueError, match="0 or 1"):
        failure_rate(np.array([[0.0, 0.5], [1.0, 0.0]]))
