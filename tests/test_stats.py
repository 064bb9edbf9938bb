"""Bootstrap intervals, t-tests and the three-way decision rule, on known distributions."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimbase import stats
from claimbase.stats import (
    Prediction,
    bootstrap_mean_ci,
    bootstrap_mean_difference_ci,
    decide,
    decide_family,
    decide_paired,
    decide_unpaired,
    equivalence_test,
    holm,
    ols_slope,
    one_sample_t,
    probability_of_improvement,
    regularized_beta,
    student_t_cdf,
    student_t_ppf,
    welch_t,
)


def as_json(decision) -> str:
    return json.dumps(dataclasses.asdict(decision), allow_nan=False)


def test_importing_stats_loads_neither_torch_nor_scipy():
    code = ("import sys, claimbase.stats; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'scipy')))")
    tool = Path(stats.__file__).parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(tool)})
    assert out.stdout.strip() == "[]"


# --- the t distribution and t-tests ------------------------------------------------------------


def test_t_distribution_matches_known_values():
    assert student_t_cdf(0.0, 7) == 0.5
    assert student_t_cdf(1.0, 1) == pytest.approx(0.75, abs=1e-12)  # Cauchy
    assert student_t_cdf(2.0, 2) == pytest.approx(0.5 + 1 / math.sqrt(6), abs=1e-12)
    assert student_t_ppf(0.975, 10) == pytest.approx(2.228138851986, abs=1e-9)
    assert student_t_ppf(0.95, 1e6) == pytest.approx(1.644854, abs=1e-5)
    assert student_t_ppf(0.5 + 1e-9, 5) > 0
    assert regularized_beta(1.0, 1.0, 0.3) == pytest.approx(0.3)
    assert regularized_beta(2.0, 3.0, 0.4) == pytest.approx(0.5248, abs=1e-12)


def test_t_distribution_agrees_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    for df in (1, 2.5, 4, 9.7, 30, 500):
        for t in (-40.0, -2.5, -0.3, 1e-10, 0.7, 3.0, 60.0):
            assert student_t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-9)
        for q in (0.001, 0.05, 0.6, 0.99):
            assert student_t_ppf(q, df) == pytest.approx(scipy_stats.t.ppf(q, df), rel=1e-8)


def test_t_tests_agree_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.3, 1.0, 8), rng.normal(-0.2, 3.0, 13)
    welch, reference = welch_t(a, b), scipy_stats.ttest_ind(a, b, equal_var=False)
    assert welch.statistic == pytest.approx(reference.statistic)
    assert welch.p_two_sided == pytest.approx(reference.pvalue)
    assert welch.p_greater == pytest.approx(
        scipy_stats.ttest_ind(a, b, equal_var=False, alternative="greater").pvalue
    )
    single, reference = one_sample_t(a), scipy_stats.ttest_1samp(a, 0.0)
    assert single.statistic == pytest.approx(reference.statistic)
    assert single.p_two_sided == pytest.approx(reference.pvalue)
    less = scipy_stats.ttest_1samp(a, 0.0, alternative="less")
    assert single.p_less == pytest.approx(less.pvalue)


# --- bootstrap ---------------------------------------------------------------------------------


def coverage(n: int, method: str, simulations: int = 400) -> float:
    rng = np.random.default_rng(11)
    hits = 0
    for i in range(simulations):
        x = rng.normal(1.0, 2.0, n)
        interval = bootstrap_mean_ci(x, confidence=0.9, method=method, resamples=1000, seed=i)
        hits += interval.low <= 1.0 <= interval.high
    return hits / simulations


@pytest.mark.parametrize("method", ["bca", "percentile"])
def test_bootstrap_coverage_is_near_nominal_for_moderate_samples(method):
    assert coverage(50, method) == pytest.approx(0.90, abs=0.035)


def test_bootstrap_undercovers_small_samples_as_theory_says():
    """With n = 10 a 90 % bootstrap interval of a normal mean covers ≈ 85 %: the reason the t-test
    is kept as a cross-check. (Theory: P(|t₉| ≤ 1.645·√(9/10)) = 0.847.)"""
    assert coverage(10, "percentile") == pytest.approx(0.847, abs=0.04)


def test_two_arm_bootstrap_coverage():
    rng = np.random.default_rng(12)
    hits = 0
    for i in range(300):
        a, b = rng.exponential(1.0, 40), rng.normal(0.0, 2.0, 30)
        interval = bootstrap_mean_difference_ci(a, b, confidence=0.9, resamples=1000, seed=i)
        hits += interval.low <= 1.0 <= interval.high
    assert hits / 300 == pytest.approx(0.90, abs=0.045)


def test_bca_agrees_with_scipy_on_a_skewed_sample():
    scipy_stats = pytest.importorskip("scipy.stats")
    x = np.random.default_rng(3).exponential(size=15)
    mine = bootstrap_mean_ci(x, confidence=0.9, resamples=20_000, seed=0)
    theirs = scipy_stats.bootstrap((x,), np.mean, confidence_level=0.9, n_resamples=20_000,
                                   method="BCa", random_state=0).confidence_interval
    assert mine.low == pytest.approx(theirs.low, rel=0.03)
    assert mine.high == pytest.approx(theirs.high, rel=0.03)
    assert mine.high - mine.estimate > mine.estimate - mine.low  # skewed to the right


def test_bootstrap_is_seeded_and_paired_means_differences():
    a, b = [1.0, 2.0, 4.0, 3.0], [0.5, 1.0, 2.5, 2.0]
    first = bootstrap_mean_difference_ci(a, b, paired=True, seed=5)
    assert first == bootstrap_mean_difference_ci(a, b, paired=True, seed=5)
    assert first == bootstrap_mean_ci(np.subtract(a, b), seed=5)
    assert first.estimate == pytest.approx(1.0)
    assert bootstrap_mean_ci([2.0, 2.0, 2.0]).low == 2.0


# --- other summaries ---------------------------------------------------------------------------


def test_holm_adjustment():
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_equivalence_test():
    rng = np.random.default_rng(4)
    null = rng.normal(0.0, 0.1, 20)
    assert equivalence_test(null, sesoi=0.2).equivalent
    result = equivalence_test(null + 0.5, sesoi=0.2)
    assert not result.equivalent and result.low > 0.2
    two_arm = equivalence_test(rng.normal(0, 0.1, 15), 0.2, baseline=rng.normal(0, 0.1, 15))
    assert two_arm.equivalent


def test_probability_of_improvement_and_slope():
    assert probability_of_improvement([3, 4], [1, 2]) == 1.0
    assert probability_of_improvement([1, 2], [1, 2]) == 0.5
    assert probability_of_improvement([0, 5], [1, 2]) == 0.5
    assert ols_slope([0, 1, 2, 3], [1.0, 1.5, 2.0, 2.5]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        ols_slope([1, 1], [0, 2])


# --- decisions ---------------------------------------------------------------------------------


def test_clear_positive_supports():
    values = np.random.default_rng(5).normal(1.0, 0.3, 10)
    decision = decide(values, "greater", sesoi=0.2)
    assert decision.verdict == "supports"
    assert decision.ci_low > 0 and decision.estimate >= 0.2
    assert decision.p_value < 0.001
    assert decision.probability_of_improvement == 1.0


def test_predicted_decrease_supports_with_direction_less():
    values = np.random.default_rng(6).normal(-1.0, 0.3, 10)
    decision = decide(values, "less", sesoi=0.2)
    assert decision.verdict == "supports"
    assert decision.ci_high < 0


def test_clear_null_challenges_by_equivalence():
    values = np.random.default_rng(7).normal(0.0, 0.1, 20)
    values -= values.mean()  # a sample mean of exactly 0
    decision = decide(values, "greater", sesoi=0.2)
    assert decision.verdict == "challenges"
    assert decision.ci_high < 0.2
    assert "SESOI" in decision.reason


def test_clear_negative_challenges_as_the_opposite_direction():
    values = np.random.default_rng(8).normal(-1.0, 0.3, 10)
    decision = decide(values, "greater", sesoi=0.2)
    assert decision.verdict == "challenges"
    assert "opposite" in decision.reason


def test_noisy_small_effect_is_inconclusive():
    values = np.random.default_rng(9).normal(0.2, 1.0, 6)
    assert decide(values, "greater", sesoi=0.2).verdict == "inconclusive"


def test_significant_but_possibly_too_small_is_inconclusive():
    noise = np.random.default_rng(10).normal(0.0, 1.0, 12)
    values = 0.15 + 0.2 * (noise - noise.mean()) / noise.std(ddof=1)  # mean 0.15, sd 0.2
    decision = decide(values, "greater", sesoi=0.2)
    assert decision.ci_low > 0
    assert decision.verdict == "inconclusive"


@pytest.mark.parametrize("values", [[], [5.0], [5.0, 6.0]])
def test_fewer_than_three_values_are_always_inconclusive(values):
    decision = decide(values, "greater", sesoi=0.1)
    assert decision.verdict == "inconclusive"
    assert "at least 3" in decision.reason
    assert decision.ci_low is None
    as_json(decision)


def test_bootstrap_and_t_disagreement_is_inconclusive():
    """Three seeds: every resample's mean is ≥ 1, but the t interval (2 df) reaches below 0."""
    decision = decide([1.0, 1.1, 3.0], "greater", sesoi=0.5)
    assert decision.bootstrap_verdict == "supports"
    assert decision.t_verdict == "inconclusive"
    assert decision.verdict == "inconclusive"
    assert "t-test" in decision.reason


def test_identical_values_decide_cleanly():
    assert decide([0.5] * 5, "greater", sesoi=0.1).verdict == "supports"
    zero = decide([0.0] * 5, "greater", sesoi=0.1)
    assert zero.verdict == "challenges"
    as_json(zero)


def test_decisions_are_reproducible_and_json_serialisable():
    values = np.random.default_rng(11).normal(0.4, 0.5, 8)
    first = decide(values, "greater", sesoi=0.1, seed=3)
    assert first == decide(values, "greater", sesoi=0.1, seed=3)
    assert json.loads(as_json(first))["verdict"] == first.verdict


def test_pairing_removes_the_seed_variance():
    rng = np.random.default_rng(12)
    seed_effect = rng.normal(0.0, 3.0, 10)
    baseline = seed_effect + rng.normal(0.0, 0.05, 10)
    method = seed_effect + 0.5 + rng.normal(0.0, 0.05, 10)
    paired = decide_paired(method, baseline, "greater", sesoi=0.2)
    unpaired = decide_unpaired(method, baseline, "greater", sesoi=0.2)
    assert paired.verdict == "supports"
    assert unpaired.verdict == "inconclusive"
    assert paired.statistic.startswith("mean paired difference")
    assert unpaired.n_baseline == 10
    with pytest.raises(ValueError, match="matched"):
        decide_paired([1, 2, 3], [1, 2], "greater", 0.1)


def test_unpaired_arms_decide_with_welch():
    rng = np.random.default_rng(13)
    method, baseline = rng.normal(2.0, 0.5, 10), rng.normal(0.0, 1.5, 7)
    decision = decide_unpaired(method, baseline, "greater", sesoi=0.5)
    assert decision.verdict == "supports"
    assert decision.df == pytest.approx(welch_t(method, baseline).df)
    assert decide_unpaired(method, baseline[:2], "greater", 0.5).verdict == "inconclusive"


def test_holm_family_withholds_support_a_lone_test_would_give():
    rng = np.random.default_rng(14)
    borderline = None
    for _ in range(200):  # a sample whose one-sided p lies between 0.01 and 0.05
        candidate = rng.normal(0.6, 1.0, 12)
        if 0.015 < one_sample_t(candidate).p_greater < 0.04 and candidate.mean() > 0.3:
            borderline = candidate
            break
    assert borderline is not None
    assert decide(borderline, "greater", sesoi=0.3).verdict == "supports"
    family = {
        "strong": Prediction(rng.normal(2.0, 0.3, 12), "greater", 0.3),
        "borderline": Prediction(borderline, "greater", 0.3),
        "none 1": Prediction(rng.normal(0.0, 1.0, 12), "greater", 0.3),
        "none 2": Prediction(rng.normal(0.0, 1.0, 12), "greater", 0.3),
        "paired": Prediction([3.0, 4.0, 5.0, 6.0], "less", 0.5, baseline=[4.0, 5.1, 6.0, 7.2]),
    }
    decisions = decide_family(family)
    assert list(decisions) == list(family)
    assert decisions["strong"].verdict == "supports"
    assert decisions["strong"].alpha == pytest.approx(0.01)
    assert decisions["borderline"].verdict == "inconclusive"
    assert decisions["paired"].statistic.startswith("mean paired difference")
    assert all(d.alpha <= 0.05 for d in decisions.values())


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        decide([1, 2, 3], "up", 0.1)
    with pytest.raises(ValueError):
        decide([1, 2, 3], "greater", -0.1)
    with pytest.raises(ValueError):
        decide([1, 2, float("nan")], "greater", 0.1)
