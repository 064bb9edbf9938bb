"""From per-seed metrics to one verdict per prediction, with `claimbase.stats`.

Each prediction is decided by `stats.decide` on the per-seed values of its metric (or
`stats.decide_paired` on metric vs. baseline when the prediction names a baseline metric): the
one-sided (1 - alpha) bootstrap bound of the mean must clear 0 in the predicted direction and the
estimate must reach the SESOI, and a one-sample t-test must agree, or the verdict is inconclusive.
A smoke run's verdicts are always inconclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import stats
from ..schema import STATISTICS
from .experiments import Experiment, Prediction

RESAMPLES = 10_000
SMOKE_REASON = "smoke run: not interpretable"
_METHOD_NAMES = {"bca": "BCa", "percentile": "percentile"}


@dataclass
class MetricSummary:
    name: str
    values: list[float | None]  # per seed, in the order of the run's seeds (None: not reported)
    mean: float | None
    ci: tuple[float, float] | None  # 95 % BCa bootstrap interval of the mean over seeds

    def as_dict(self) -> dict[str, Any]:
        return {"mean": _round(self.mean), "ci": [_round(c) for c in self.ci] if self.ci else None,
                "values": [_round(v) for v in self.values]}


@dataclass
class Verdict:
    prediction: Prediction
    verdict: str
    estimate: float | None
    ci: tuple[float, float] | None
    statistic: str
    reason: str
    p_value: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "claim": f"[[{self.prediction.claim}]]",
            "verdict": self.verdict,
            "metric": self.prediction.metric if self.prediction.baseline is None
            else f"{self.prediction.metric} - {self.prediction.baseline}",
            "estimate": _round(self.estimate),
            "ci": [_round(c) for c in self.ci] if self.ci else None,
            "statistic": self.statistic,
            "reason": self.reason,
        }
        if self.p_value is not None:
            out["p_value"] = float(f"{self.p_value:.3g}")
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.6g}")


def summarise(seeds: list[int], results: dict[int, dict[str, float]]) -> dict[str, MetricSummary]:
    names = sorted({m for r in results.values() for m in r})
    summaries = {}
    for name in names:
        values = [results.get(s, {}).get(name) for s in seeds]
        present = [v for v in values if v is not None]
        mean = sum(present) / len(present) if present else None
        ci = None
        if len(present) >= 3:
            interval = stats.bootstrap_mean_ci(present, confidence=0.95, method="bca", resamples=RESAMPLES)
            ci = (interval.low, interval.high)
        summaries[name] = MetricSummary(name, values, mean, ci)
    return summaries


def decide(exp: Experiment, results: dict[int, dict[str, float]]) -> list[Verdict]:
    return [_decide_one(exp, p, results) for p in exp.predictions]


def _decide_one(exp: Experiment, p: Prediction, results: dict[int, dict[str, float]]) -> Verdict:
    seeds = exp.seeds
    method = STATISTICS.get(p.statistic, "bca")
    confidence = round(100 * (1 - p.alpha), 2)
    what = p.metric if p.baseline is None else f"the paired difference {p.metric} - {p.baseline}"
    interval = round(100 * (1 - 2 * p.alpha), 2)
    statistic = (f"mean of {what} over {len(seeds)} seeds; one-sided {confidence:g}% {_METHOD_NAMES[method]} "
                 f"bootstrap bound ({RESAMPLES:,} resamples) confirmed by a one-sample t-test; SESOI {p.sesoi:g}; "
                 f"ci is the two-sided {interval:g}% interval, whose ends are the one-sided bounds")
    missing = [s for s in seeds if p.metric not in results.get(s, {}) or (p.baseline and p.baseline not in results.get(s, {}))]
    if missing:
        wanted = p.metric if p.baseline is None else f"{p.metric}' and '{p.baseline}"
        return Verdict(p, "inconclusive", None, None, statistic,
                       f"the job did not report '{wanted}' (seeds {missing})")
    values = [results[s][p.metric] for s in seeds]
    if p.baseline is None:
        d = stats.decide(values, p.direction, p.sesoi, p.alpha, method=method, resamples=RESAMPLES)  # type: ignore[arg-type]
    else:
        base = [results[s][p.baseline] for s in seeds]
        d = stats.decide_paired(values, base, p.direction, p.sesoi, p.alpha, method=method, resamples=RESAMPLES)  # type: ignore[arg-type]
    ci = (d.ci_low, d.ci_high) if d.ci_low is not None and d.ci_high is not None else None
    if exp.smoke:
        return Verdict(p, "inconclusive", d.estimate, ci, statistic, SMOKE_REASON, d.p_value)
    reason = d.reason
    if d.bootstrap_verdict and d.t_verdict and d.verdict != "inconclusive":
        reason += f" (bootstrap and t-test agree; p = {d.p_value:.3g})"
    return Verdict(p, d.verdict, d.estimate, ci, statistic, reason, d.p_value)
