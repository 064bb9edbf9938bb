"""Correlated failure in a swarm: do agents fail on the same items?

Input is a binary failure matrix ``failures[i, j]`` = 1 when agent i fails item j (n agents × M
items). With K_j the number of agents failing item j and p̄ the overall failure rate:

* pairwise diversity measures (averaged over agent pairs): φ (Pearson on the binary vectors),
  Yule's Q, and the double-fault rate P(both fail);
* overdispersion Var(K)/(n p̄(1−p̄)): 1 for independent agents, 1 + (n−1)ρ when failures share an
  intraclass correlation ρ (as in a beta-binomial);
* tail risk P(K ≥ k), the chance that k or more agents fail the same item, beside two nulls:
  - independence: K ∼ Binomial(n, p̄);
  - item difficulty: agents fail independently *given the item*, with per-item probabilities
    estimated from a reference population. Hard items make everyone fail, so this null, not
    independence, is what "monoculture" must exceed.

Comparisons between swarms are only fair at matched p̄ (subsample items, or compare the tail
ratio to the null). Items are assumed exchangeable; no item weights.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


def as_failures(failures: object) -> np.ndarray:
    """The failure matrix as float64 0/1, shape [agents, items]; rejects anything not binary."""
    if hasattr(failures, "detach"):
        failures = failures.detach().cpu().numpy()
    f = np.asarray(failures, dtype=np.float64)
    if f.ndim != 2:
        raise ValueError(f"expected an agents × items matrix, got shape {f.shape}")
    if f.shape[0] < 2 or f.shape[1] < 1:
        raise ValueError(f"need at least 2 agents and 1 item, got shape {f.shape}")
    if not np.isin(f, (0.0, 1.0)).all():
        raise ValueError("failures must be 0 or 1")
    return f


def failure_counts(failures: object) -> np.ndarray:
    """K_j: how many agents fail each item."""
    return as_failures(failures).sum(axis=0)


def failure_rate(failures: object) -> float:
    """p̄: the fraction of (agent, item) cells that are failures."""
    return float(as_failures(failures).mean())


def _pair_tables(f: np.ndarray) -> tuple[np.ndarray, ...]:
    """2×2 counts for every ordered agent pair: (both fail, i only, j only, neither)."""
    ok = 1.0 - f
    return f @ f.T, f @ ok.T, ok @ f.T, ok @ ok.T


def _mean_over_pairs(values: np.ndarray, defined: np.ndarray) -> float:
    upper = np.triu(np.ones_like(values, dtype=bool), k=1) & defined
    if not upper.any():
        return math.nan
    return float(values[upper].mean())


def mean_phi(failures: object) -> float:
    """Mean pairwise φ; pairs where an agent never or always fails (φ undefined) are skipped."""
    f = as_failures(failures)
    rate = f.mean(axis=1)
    spread = np.sqrt(rate * (1 - rate))
    denominator = np.outer(spread, spread)
    covariance = f @ f.T / f.shape[1] - np.outer(rate, rate)
    defined = denominator > 0
    phi = np.divide(covariance, denominator, out=np.zeros_like(covariance), where=defined)
    return _mean_over_pairs(phi, defined)


def mean_yules_q(failures: object) -> float:
    """Mean pairwise Yule's Q = (n11 n00 − n10 n01)/(n11 n00 + n10 n01), defined pairs only."""
    both, i_only, j_only, neither = _pair_tables(as_failures(failures))
    agree, disagree = both * neither, i_only * j_only
    denominator = agree + disagree
    defined = denominator > 0
    q = np.divide(agree - disagree, denominator, out=np.zeros_like(agree), where=defined)
    return _mean_over_pairs(q, defined)


def double_fault(failures: object) -> float:
    """Mean over agent pairs of the fraction of items both agents fail."""
    f = as_failures(failures)
    both = f @ f.T / f.shape[1]
    return _mean_over_pairs(both, np.ones_like(both, dtype=bool))


def overdispersion(failures: object) -> float:
    """Var(K) / (n p̄ (1 − p̄)); ≈ 1 + (n − 1)ρ for an intraclass failure correlation ρ."""
    f = as_failures(failures)
    n, p = f.shape[0], f.mean()
    if not 0 < p < 1:
        raise ValueError("overdispersion is undefined when no cell or every cell fails")
    return float(f.sum(axis=0).var() / (n * p * (1 - p)))


def homogenization(failures: object) -> float:
    """P(every agent fails an item) / Π_i P(agent i fails): 1 under independence."""
    f = as_failures(failures)
    expected = float(np.prod(f.mean(axis=1)))
    if expected == 0:
        return math.nan
    return float(f.all(axis=0).mean()) / expected


def tail_probability(failures: object, k: int) -> float:
    """Observed fraction of items that k or more agents fail."""
    return float((failure_counts(failures) >= k).mean())


def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(K = 0..n) for K ∼ Binomial(n, p), computed exactly term by term."""
    return np.array([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])


def poisson_binomial_pmf(probabilities: Iterable[float]) -> np.ndarray:
    """P(K = 0..n) for K the number of successes among independent trials with these chances."""
    pmf = np.array([1.0])
    for p in probabilities:
        pmf = np.append(pmf * (1 - p), 0.0) + np.insert(pmf * p, 0, 0.0)
    return pmf


def item_failure_probabilities(reference: object, *, pseudo_count: float = 0.0) -> np.ndarray:
    """Per-item failure probability from a reference population's failure matrix.

    (failures + pseudo_count) / (agents + 2·pseudo_count); a pseudo-count keeps items the
    reference never (or always) failed away from probability exactly 0 (or 1). The reference
    must be independent of the swarm under test, or the null absorbs the very correlation it is
    meant to expose.
    """
    f = as_failures(reference)
    return (f.sum(axis=0) + pseudo_count) / (f.shape[0] + 2 * pseudo_count)


def difficulty_null_pmf(item_probabilities: object, n_agents: int) -> np.ndarray:
    """Distribution of K for a random item when agents fail independently given the item.

    ``item_probabilities`` is either [items] (every agent fails item j with p_j, so K_j is
    binomial) or [agents, items] (agent-specific chances, so K_j is Poisson-binomial). The result
    is the mixture over items: P(K = k) = mean_j P(K_j = k).
    """
    p = np.asarray(item_probabilities, dtype=np.float64)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("probabilities must lie in [0, 1]")
    if p.ndim == 1:
        return np.mean([binomial_pmf(n_agents, float(pj)) for pj in p], axis=0)
    if p.ndim == 2 and p.shape[0] == n_agents:
        return np.mean([poisson_binomial_pmf(p[:, j]) for j in range(p.shape[1])], axis=0)
    raise ValueError(f"expected [items] or [{n_agents}, items] probabilities, got {p.shape}")


def tail(pmf: np.ndarray, k: int) -> float:
    """P(K ≥ k) from a pmf over 0..n."""
    return float(np.sum(pmf[k:]))


@dataclass(frozen=True)
class TailRisk:
    """P(K ≥ k) observed and under the nulls, with the observed excess over each."""

    k: int
    observed: float
    independence: float
    difficulty: float | None
    excess_over_independence: float
    excess_over_difficulty: float | None


@dataclass(frozen=True)
class SwarmSummary:
    """Every correlated-failure statistic of one swarm, as plain numbers."""

    agents: int
    items: int
    failure_rate: float
    mean_phi: float
    mean_yules_q: float
    double_fault: float
    overdispersion: float
    implied_correlation: float
    """(overdispersion − 1)/(n − 1): the intraclass correlation a beta-binomial would need."""
    homogenization: float
    tails: tuple[TailRisk, ...]


def summarize(
    failures: object,
    *,
    ks: Iterable[int] | None = None,
    item_probabilities: object | None = None,
) -> SwarmSummary:
    """All statistics of a failure matrix; tails at ``ks`` (default: a majority, ⌈n/2⌉, and n).

    With ``item_probabilities`` (see ``difficulty_null_pmf``) the difficulty null is reported too.
    """
    f = as_failures(failures)
    n, m = f.shape
    p = float(f.mean())
    ks = sorted(set(ks)) if ks is not None else sorted({math.ceil(n / 2), n})
    independent = binomial_pmf(n, p)
    difficulty = None if item_probabilities is None else difficulty_null_pmf(item_probabilities, n)
    counts = f.sum(axis=0)
    tails = []
    for k in ks:
        observed = float((counts >= k).mean())
        null_d = None if difficulty is None else tail(difficulty, k)
        tails.append(TailRisk(
            k=k,
            observed=observed,
            independence=tail(independent, k),
            difficulty=null_d,
            excess_over_independence=observed - tail(independent, k),
            excess_over_difficulty=None if null_d is None else observed - null_d,
        ))
    dispersion = overdispersion(f)
    return SwarmSummary(
        agents=n,
        items=m,
        failure_rate=p,
        mean_phi=mean_phi(f),
        mean_yules_q=mean_yules_q(f),
        double_fault=double_fault(f),
        overdispersion=dispersion,
        implied_correlation=(dispersion - 1) / (n - 1),
        homogenization=homogenization(f),
        tails=tuple(tails),
    )
