"""Deciding a prediction from per-seed results: bootstrap and t intervals, a three-way verdict.

The unit of analysis is a seed: each value handed to these functions is one independent run's
statistic (a metric, a slope over rounds) or one matched pair's difference. Episodes within a
seed must be averaged before they get here.

The verdict rule (``decide``), for a prediction that the effect goes in a stated direction by at
least a smallest effect size of interest (SESOI), with one-sided confidence 1 − α:

* **supports** — the one-sided bound excludes 0 in the predicted direction and the estimate
  reaches the SESOI;
* **challenges** — the opposite bound shows the effect is smaller than the SESOI (an
  equivalence/inferiority result), which includes an effect significant in the opposite direction;
* **inconclusive** — anything else; also whenever the bootstrap and the t-test (Welch's, for two
  independent arms) would reach different verdicts, and always with fewer than 3 values.

The two one-sided (1 − α) bounds are the ends of one two-sided (1 − 2α) interval, which is also
the interval a TOST equivalence test at level α reads.

Only numpy and the standard library are imported: the job runner loads this module for every
experiment. The t distribution is computed here from the regularised incomplete beta function.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

Direction = Literal["greater", "less"]
Method = Literal["bca", "percentile"]
_NORMAL = NormalDist()


def _values(values: object, name: str = "values") -> np.ndarray:
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.isfinite(x).all():
        raise ValueError(f"{name} must be finite numbers")
    return x


# --- the t distribution ------------------------------------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function, by the modified Lentz method."""
    tiny, tolerance = 1e-300, 1e-15
    result, c, d = tiny, tiny, 0.0
    for j in range(1, 10_000):
        if j == 1:
            numerator = 1.0
        else:
            k = j - 1
            m = k // 2
            if k % 2:  # odd terms
                numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            else:
                numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + numerator / c
        c = c if abs(c) > tiny else tiny
        step = c * d
        result *= step
        if abs(step - 1.0) < tolerance:
            return result
    raise ArithmeticError("incomplete beta continued fraction did not converge")


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1."""
    if not (a > 0 and b > 0 and 0.0 <= x <= 1.0):
        raise ValueError(f"regularized_beta needs a, b > 0 and x in [0, 1]; got {a}, {b}, {x}")
    if x in (0.0, 1.0):
        return x
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    # The fraction converges fast only on the side of the mode nearer x; use symmetry otherwise.
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` (possibly fractional) degrees of freedom."""
    if math.isnan(t) or not df > 0:
        raise ValueError(f"need a number t and df > 0, got t={t}, df={df}")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    # P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df + t²). Near t = 0, x rounds to 1, so there
    # the complementary form 1 − I_{1−x}(1/2, df/2), with 1 − x computed directly, is used.
    square = t * t
    if square < df:
        two_tailed = 1.0 - regularized_beta(0.5, df / 2, square / (df + square))
    else:
        two_tailed = regularized_beta(df / 2, 0.5, df / (df + square))
    tail = 0.5 * two_tailed
    return 1.0 - tail if t > 0 else tail


def student_t_ppf(q: float, df: float) -> float:
    """The q-quantile of Student's t, by bisection on the CDF (accurate to ~1e-12)."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must lie in (0, 1), got {q}")
    low, high = -1.0, 1.0
    while student_t_cdf(low, df) > q:
        low *= 2
    while student_t_cdf(high, df) < q:
        high *= 2
    for _ in range(200):
        middle = 0.5 * (low + high)
        if student_t_cdf(middle, df) < q:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, abs(middle)):
            break
    return 0.5 * (low + high)


# --- t-tests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TTest:
    """A t-test of a mean (one sample) or of a difference of means (Welch, two samples)."""

    estimate: float
    standard_error: float
    statistic: float
    df: float
    p_greater: float
    """One-sided p-value for the alternative "the true value is > 0"."""
    p_less: float
    """One-sided p-value for the alternative "the true value is < 0"."""
    p_two_sided: float

    def bounds(self, alpha: float) -> tuple[float, float]:
        """The one-sided (1 − α) lower and upper bounds: estimate ∓ t_{1−α, df} · SE."""
        margin = student_t_ppf(1.0 - alpha, self.df) * self.standard_error
        return self.estimate - margin, self.estimate + margin


def _t_test(estimate: float, standard_error: float, df: float) -> TTest:
    if standard_error > 0:
        t = estimate / standard_error
    else:  # every value identical: the sign of the estimate is certain, or there is nothing
        t = math.copysign(math.inf, estimate) if estimate else 0.0
    cdf = student_t_cdf(t, df)
    return TTest(
        estimate=estimate,
        standard_error=standard_error,
        statistic=t,
        df=df,
        p_greater=1.0 - cdf,
        p_less=cdf,
        p_two_sided=min(1.0, 2.0 * min(cdf, 1.0 - cdf)),
    )


def one_sample_t(values: object) -> TTest:
    """t-test of mean(values) against 0 (for per-seed statistics or matched-pair differences)."""
    x = _values(values)
    if x.size < 2:
        raise ValueError("a t-test needs at least 2 values")
    return _t_test(float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size)), x.size - 1.0)


def welch_t(a: object, b: object) -> TTest:
    """Welch's t-test of mean(a) − mean(b) against 0, without assuming equal variances."""
    xa, xb = _values(a, "a"), _values(b, "b")
    if xa.size < 2 or xb.size < 2:
        raise ValueError("Welch's t-test needs at least 2 values in each group")
    va, vb = xa.var(ddof=1) / xa.size, xb.var(ddof=1) / xb.size
    se = math.sqrt(va + vb)
    if se > 0:
        df = (va + vb) ** 2 / (va**2 / (xa.size - 1) + vb**2 / (xb.size - 1))
    else:
        df = xa.size + xb.size - 2.0
    return _t_test(float(xa.mean() - xb.mean()), se, df)


# --- bootstrap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval for a mean or a difference of means."""

    estimate: float
    low: float
    high: float
    confidence: float
    """Two-sided coverage; each end alone is a one-sided bound at (1 + confidence)/2."""
    method: str
    resamples: int


def _acceleration(jackknife_groups: Sequence[np.ndarray]) -> float:
    """BCa acceleration from jackknife estimates (each group's leave-one-out values)."""
    deviations = np.concatenate([g.mean() - g for g in jackknife_groups])
    denominator = 6.0 * float(np.sum(deviations**2)) ** 1.5
    return float(np.sum(deviations**3)) / denominator if denominator > 0 else 0.0


def _interval(
    estimate: float,
    replicates: np.ndarray,
    jackknife_groups: Sequence[np.ndarray],
    confidence: float,
    method: Method,
) -> Interval:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    tail = (1.0 - confidence) / 2
    quantiles = [tail, 1.0 - tail]
    if float(replicates.max() - replicates.min()) == 0.0:
        return Interval(estimate, estimate, estimate, confidence, method, replicates.size)
    if method == "bca":
        below = float(np.mean(replicates < estimate) + 0.5 * np.mean(replicates == estimate))
        # Keep the bias correction finite when every replicate falls on one side.
        below = min(max(below, 0.5 / replicates.size), 1.0 - 0.5 / replicates.size)
        z0 = _NORMAL.inv_cdf(below)
        a = _acceleration(jackknife_groups)
        adjusted = []
        for q in quantiles:
            z = z0 + _NORMAL.inv_cdf(q)
            adjusted.append(_NORMAL.cdf(z0 + z / (1.0 - a * z)))
        quantiles = adjusted
    elif method != "percentile":
        raise ValueError(f"unknown bootstrap method {method!r} (bca | percentile)")
    low, high = np.quantile(replicates, quantiles)
    return Interval(estimate, float(low), float(high), confidence, method, replicates.size)


def _resampled_means(x: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    rows = rng.integers(0, x.size, size=(resamples, x.size))
    return x[rows].mean(axis=1)


def _leave_one_out_means(x: np.ndarray) -> np.ndarray:
    return (x.sum() - x) / (x.size - 1)


def bootstrap_mean_ci(
    values: object,
    *,
    confidence: float = 0.95,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> Interval:
    """Bootstrap interval of the mean of ``values`` (BCa by default; or plain percentile)."""
    x = _values(values)
    if x.size < 2:
        raise ValueError("a bootstrap interval needs at least 2 values")
    replicates = _resampled_means(x, np.random.default_rng(seed), resamples)
    return _interval(float(x.mean()), replicates, [_leave_one_out_means(x)], confidence, method)


def bootstrap_mean_difference_ci(
    a: object,
    b: object,
    *,
    paired: bool = False,
    confidence: float = 0.95,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> Interval:
    """Bootstrap interval of mean(a) − mean(b).

    Paired: the matched differences a_i − b_i are resampled together. Unpaired: each arm is
    resampled on its own, and the BCa acceleration pools both arms' jackknife deviations.
    """
    xa, xb = _values(a, "a"), _values(b, "b")
    if paired:
        if xa.size != xb.size:
            raise ValueError(f"paired arms differ in length: {xa.size} vs {xb.size}")
        return bootstrap_mean_ci(
            xa - xb, confidence=confidence, method=method, resamples=resamples, seed=seed
        )
    if xa.size < 2 or xb.size < 2:
        raise ValueError("a bootstrap interval needs at least 2 values in each arm")
    rng = np.random.default_rng(seed)
    replicates = _resampled_means(xa, rng, resamples) - _resampled_means(xb, rng, resamples)
    jackknife = [_leave_one_out_means(xa) - xb.mean(), xa.mean() - _leave_one_out_means(xb)]
    return _interval(float(xa.mean() - xb.mean()), replicates, jackknife, confidence, method)


# --- other summaries ---------------------------------------------------------------------------


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (same order as given); reject where adjusted ≤ α."""
    p = np.asarray(p_values, dtype=np.float64)
    order = np.argsort(p, kind="stable")
    m = p.size
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()


@dataclass(frozen=True)
class Equivalence:
    """A two one-sided tests (TOST) check that an effect lies within ±SESOI."""

    equivalent: bool
    p_value: float
    """The larger of the two one-sided p-values; equivalence is declared when it is < α."""
    low: float
    high: float
    """The (1 − 2α) t-interval; equivalence ⇔ it lies inside (−SESOI, +SESOI)."""
    sesoi: float


def equivalence_test(
    values: object, sesoi: float, *, baseline: object | None = None, alpha: float = 0.05
) -> Equivalence:
    """TOST of mean(values) (or of mean(values) − mean(baseline), Welch) within ±``sesoi``."""
    if not sesoi > 0:
        raise ValueError("the SESOI must be positive")
    test = one_sample_t(values) if baseline is None else welch_t(values, baseline)
    shifted_up = _t_test(test.estimate + sesoi, test.standard_error, test.df)
    shifted_down = _t_test(test.estimate - sesoi, test.standard_error, test.df)
    p_value = max(shifted_up.p_greater, shifted_down.p_less)
    low, high = test.bounds(alpha)
    return Equivalence(equivalent=p_value < alpha, p_value=p_value, low=low, high=high, sesoi=sesoi)


def probability_of_improvement(a: object, b: object) -> float:
    """P(X > Y) + ½ P(X = Y) for X drawn from ``a`` and Y from ``b`` (all pairs compared)."""
    xa, xb = _values(a, "a"), _values(b, "b")
    if xa.size == 0 or xb.size == 0:
        raise ValueError("both groups need values")
    greater = (xa[:, None] > xb[None, :]).mean()
    ties = (xa[:, None] == xb[None, :]).mean()
    return float(greater + 0.5 * ties)


def ols_slope(x: object, y: object) -> float:
    """Least-squares slope of y on x (e.g. a metric over consolidation rounds, per seed)."""
    xs, ys = _values(x, "x"), _values(y, "y")
    if xs.size != ys.size or xs.size < 2:
        raise ValueError("need at least 2 (x, y) pairs of equal length")
    xc = xs - xs.mean()
    spread = float(xc @ xc)
    if spread == 0:
        raise ValueError("x is constant; the slope is undefined")
    return float(xc @ (ys - ys.mean())) / spread


# --- the decision ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A three-way verdict on one prediction, with everything needed to check it."""

    verdict: str
    """supports | challenges | inconclusive"""
    reason: str
    """One line a person can read."""
    statistic: str
    """What ``estimate`` is: a mean, a paired or an unpaired mean difference."""
    direction: str
    sesoi: float
    alpha: float
    """One-sided level used (after any multiplicity adjustment)."""
    n: int
    n_baseline: int | None
    estimate: float | None
    ci_low: float | None
    """Bootstrap one-sided (1 − α) lower bound (the low end of the 1 − 2α interval)."""
    ci_high: float | None
    """Bootstrap one-sided (1 − α) upper bound."""
    t_low: float | None
    t_high: float | None
    t_statistic: float | None
    df: float | None
    p_value: float | None
    """One-sided t-test p-value in the predicted direction."""
    bootstrap_verdict: str | None
    t_verdict: str | None
    probability_of_improvement: float | None
    """P(method > baseline) in the predicted direction over all pairs of runs; for a single set
    of values, the fraction of values on the predicted side of 0 (ties count half)."""
    method: str
    resamples: int
    seed: int


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _verdict(low: float, high: float, estimate: float, sesoi: float) -> tuple[str, str]:
    """The rule, on bounds oriented so that the predicted direction is positive."""
    if low > 0 and estimate >= sesoi:
        return "supports", ("the bound excludes 0 in the predicted direction "
                            "and the estimate reaches the SESOI")
    if high < 0:
        return "challenges", "the effect is significant in the opposite direction"
    if high < sesoi:
        return "challenges", "the upper bound is below the SESOI: any effect is too small to matter"
    if low > 0:
        return "inconclusive", "the effect is significant but its size may fall short of the SESOI"
    return "inconclusive", "the interval admits both no effect and an effect of SESOI size"


def _check(direction: str, sesoi: float, alpha: float) -> float:
    if direction not in ("greater", "less"):
        raise ValueError(f"direction must be 'greater' or 'less', got {direction!r}")
    if not sesoi >= 0:
        raise ValueError("the SESOI is a magnitude and must be ≥ 0")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must lie in (0, 0.5), got {alpha}")
    return 1.0 if direction == "greater" else -1.0


def _decision(
    *,
    statistic: str,
    direction: Direction,
    sesoi: float,
    alpha: float,
    n: int,
    n_baseline: int | None,
    estimate: float | None,
    interval: Interval | None,
    test: TTest | None,
    improvement: float | None,
    method: Method,
    resamples: int,
    seed: int,
) -> Decision:
    sign = _check(direction, sesoi, alpha)
    common = dict(
        statistic=statistic, direction=direction, sesoi=sesoi, alpha=alpha, n=n,
        n_baseline=n_baseline, estimate=estimate, probability_of_improvement=improvement,
        method=method, resamples=resamples, seed=seed,
    )
    if interval is None or test is None or estimate is None:
        smallest = n if n_baseline is None else min(n, n_baseline)
        return Decision(
            verdict="inconclusive",
            reason=f"only {smallest} value(s) per arm; at least 3 are needed for a verdict",
            ci_low=None, ci_high=None, t_low=None, t_high=None, t_statistic=None, df=None,
            p_value=None, bootstrap_verdict=None, t_verdict=None, **common,
        )

    def oriented(low: float, high: float) -> tuple[float, float]:
        return (low, high) if sign > 0 else (-high, -low)

    boot_verdict, boot_reason = _verdict(*oriented(interval.low, interval.high),
                                         sign * estimate, sesoi)
    t_low, t_high = test.bounds(alpha)
    t_verdict, _ = _verdict(*oriented(t_low, t_high), sign * estimate, sesoi)
    if boot_verdict == t_verdict:
        verdict, reason = boot_verdict, boot_reason
    else:
        verdict = "inconclusive"
        reason = f"the bootstrap says {boot_verdict} but the t-test says {t_verdict}"
    return Decision(
        verdict=verdict,
        reason=reason,
        ci_low=interval.low,
        ci_high=interval.high,
        t_low=_finite(t_low),
        t_high=_finite(t_high),
        t_statistic=_finite(test.statistic),
        df=test.df,
        p_value=test.p_greater if sign > 0 else test.p_less,
        bootstrap_verdict=boot_verdict,
        t_verdict=t_verdict,
        **common,
    )


def decide(
    values: object,
    direction: Direction,
    sesoi: float,
    alpha: float = 0.05,
    *,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> Decision:
    """Verdict on "the mean of ``values`` lies beyond 0 in ``direction`` by at least ``sesoi``".

    ``values`` are per-seed statistics or per-seed differences; see the module docstring for
    the rule. The bootstrap is seeded, so the same inputs give the same verdict.
    """
    x = _values(values)
    sign = _check(direction, sesoi, alpha)
    estimate = float(x.mean()) if x.size else None
    improvement = None
    if x.size:
        improvement = float(np.mean(sign * x > 0) + 0.5 * np.mean(x == 0))
    enough = x.size >= 3
    interval = bootstrap_mean_ci(x, confidence=1 - 2 * alpha, method=method,
                                 resamples=resamples, seed=seed) if enough else None
    return _decision(
        statistic="mean", direction=direction, sesoi=sesoi, alpha=alpha, n=int(x.size),
        n_baseline=None, estimate=estimate, interval=interval,
        test=one_sample_t(x) if enough else None, improvement=improvement,
        method=method, resamples=resamples, seed=seed,
    )


def decide_paired(
    method_values: object,
    baseline_values: object,
    direction: Direction,
    sesoi: float,
    alpha: float = 0.05,
    *,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> Decision:
    """``decide`` on method − baseline over matched seeds (same seed index, same position)."""
    a, b = _values(method_values, "method"), _values(baseline_values, "baseline")
    if a.size != b.size:
        raise ValueError(f"matched seeds needed: {a.size} method vs {b.size} baseline values")
    decision = decide(a - b, direction, sesoi, alpha, method=method, resamples=resamples,
                      seed=seed)
    improvement = None
    if a.size:
        sign = _check(direction, sesoi, alpha)
        improvement = probability_of_improvement(sign * a, sign * b)
    return dataclasses.replace(decision, statistic="mean paired difference (method − baseline)",
                    probability_of_improvement=improvement)


def decide_unpaired(
    method_values: object,
    baseline_values: object,
    direction: Direction,
    sesoi: float,
    alpha: float = 0.05,
    *,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> Decision:
    """Verdict on mean(method) − mean(baseline) for independent arms (Welch + two-arm bootstrap)."""
    a, b = _values(method_values, "method"), _values(baseline_values, "baseline")
    sign = _check(direction, sesoi, alpha)
    enough = a.size >= 3 and b.size >= 3
    estimate = float(a.mean() - b.mean()) if a.size and b.size else None
    improvement = probability_of_improvement(sign * a, sign * b) if a.size and b.size else None
    interval = bootstrap_mean_difference_ci(
        a, b, confidence=1 - 2 * alpha, method=method, resamples=resamples, seed=seed
    ) if enough else None
    return _decision(
        statistic="mean difference (method − baseline, independent arms)", direction=direction,
        sesoi=sesoi, alpha=alpha, n=int(a.size), n_baseline=int(b.size), estimate=estimate,
        interval=interval, test=welch_t(a, b) if enough else None, improvement=improvement,
        method=method, resamples=resamples, seed=seed,
    )


@dataclass(frozen=True)
class Prediction:
    """One member of a family of pre-registered predictions, for ``decide_family``."""

    values: Sequence[float]
    """Per-seed statistics (or the method arm's values when a baseline is given)."""
    direction: Direction
    sesoi: float
    baseline: Sequence[float] | None = None
    """The baseline arm's per-seed values, if the prediction compares two arms."""
    paired: bool = True
    """With a baseline: True for matched seeds (``decide_paired``), else ``decide_unpaired``."""

    def decide(self, alpha: float, **bootstrap: object) -> Decision:
        """This prediction's verdict at level ``alpha``."""
        if self.baseline is None:
            return decide(self.values, self.direction, self.sesoi, alpha, **bootstrap)
        arms = decide_paired if self.paired else decide_unpaired
        return arms(self.values, self.baseline, self.direction, self.sesoi, alpha, **bootstrap)

    def p_value(self) -> float:
        """One-sided t-test p-value in the predicted direction (∞ with too few values)."""
        a = _values(self.values)
        b = None if self.baseline is None else _values(self.baseline)
        if a.size < 3 or (b is not None and b.size < 3):
            return math.inf
        if b is None:
            test = one_sample_t(a)
        elif self.paired:
            test = one_sample_t(a - b)
        else:
            test = welch_t(a, b)
        return test.p_greater if self.direction == "greater" else test.p_less


def decide_family(
    predictions: Mapping[str, Prediction],
    alpha: float = 0.05,
    *,
    method: Method = "bca",
    resamples: int = 10_000,
    seed: int = 0,
) -> dict[str, Decision]:
    """Decide a family of predictions with Holm's step-down control of the error rate.

    Predictions are ranked by their one-sided t-test p-value; the r-th (from 0) is decided at
    level α/(m − r). Once one fails to reach significance at its level, no later one may be
    declared "supports" (Holm stops there); such a verdict is downgraded to inconclusive.
    Predictions with too few values rank last and are inconclusive anyway.
    """
    order = sorted(predictions, key=lambda name: predictions[name].p_value())
    m = len(order)
    decisions: dict[str, Decision] = {}
    stopped = False
    for rank, name in enumerate(order):
        level = alpha / (m - rank)
        decision = predictions[name].decide(level, method=method, resamples=resamples, seed=seed)
        if stopped and decision.verdict == "supports":
            decision = dataclasses.replace(
                decision,
                verdict="inconclusive",
                reason="significant on its own, but Holm's procedure stopped at a prediction "
                "with a smaller p-value",
            )
        if decision.p_value is None or decision.p_value > level:
            stopped = True
        decisions[name] = decision
    return {name: decisions[name] for name in predictions}
