"""Reading experiment notes into plain dataclasses, with a profile applied.

Reading is tolerant: a malformed field is left out here (the schema checks report it) and whatever
cannot be run is caught by the planner with a message naming the note and line.  Nothing here
imports or runs experiment code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import names
from ..model import NEEDS
from ..schema import STATISTICS

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase

DEFAULT_PROFILE = "standard"
SMOKE = "smoke"
DEFAULT_SEEDS = (0,)


@dataclass(frozen=True)
class Prediction:
    """One pre-registered prediction about one claim, decided over the per-seed values of `metric`
    (or of `metric - baseline` for matched seeds when `baseline` names another metric)."""

    claim: str  # the claim's note name (or the link as written when it does not resolve)
    claim_node: int | None
    metric: str
    direction: str
    sesoi: float
    alpha: float
    statistic: str
    baseline: str | None
    text: str
    line: int

    def spec(self) -> dict[str, Any]:
        """The parts of the prediction that decide a verdict (what the run key covers)."""
        return {
            "claim": self.claim, "metric": self.metric, "direction": self.direction, "sesoi": self.sesoi,
            "alpha": self.alpha, "statistic": self.statistic, "baseline": self.baseline,
        }


@dataclass
class Experiment:
    """An experiment note read for one profile.  `needs` are note indices of upstream notes;
    `unresolved_needs` the upstream names that match no note (with their lines)."""

    name: str
    path: str
    node: int
    entry: str | None
    params: dict[str, Any]
    seeds: list[int]
    timeout: float | None
    profile: str
    smoke: bool
    predictions: list[Prediction]
    needs: list[tuple[int, int]] = field(default_factory=list)  # (note index, line)
    unresolved_needs: list[tuple[str, int]] = field(default_factory=list)
    line: int = 1  # the `job:` line


def profile_settings(meta: dict[str, Any], profile: str) -> tuple[dict[str, Any], list[int], float | None]:
    """(params, seeds, timeout) of the note's job with `profile` applied.

    A profile's `params` are merged over the job's (one level deep); its `seeds` and `timeout`
    replace the job's.  A profile the note does not define leaves the job as it is.
    """
    job = meta.get("job") if isinstance(meta.get("job"), dict) else {}
    params = copy.deepcopy(job.get("params")) if isinstance(job.get("params"), dict) else {}
    seeds = _seeds(job.get("seeds"))
    timeout = _timeout(job.get("timeout"))
    profiles = meta.get("profiles")
    chosen = profiles.get(profile) if isinstance(profiles, dict) else None
    if isinstance(chosen, dict):
        if isinstance(chosen.get("params"), dict):
            params.update(copy.deepcopy(chosen["params"]))
        if chosen.get("seeds") is not None:
            seeds = _seeds(chosen.get("seeds"))
        if chosen.get("timeout") is not None:
            timeout = _timeout(chosen.get("timeout"))
    return params, seeds, timeout


def _seeds(value: Any) -> list[int]:
    if isinstance(value, list) and value and all(isinstance(s, int) and not isinstance(s, bool) for s in value):
        return list(dict.fromkeys(value))  # duplicates would run the same job twice
    return list(DEFAULT_SEEDS)


def _timeout(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _number(value: Any, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return default


def read_predictions(base: "ClaimBase", node: int) -> list[Prediction]:
    note = base.notes[node]
    found = []
    tests = note.meta.get("tests")
    if not isinstance(tests, list):
        return found
    line = note.line_of("tests")
    for item in tests:
        if not isinstance(item, dict) or not isinstance(item.get("claim"), str):
            continue
        prediction = item.get("prediction")
        if not isinstance(prediction, dict) or not isinstance(prediction.get("metric"), str):
            continue
        raw = item["claim"].strip()
        target = names.split_target(raw[2:-2] if raw.startswith("[[") and raw.endswith("]]") else raw)[0]
        hits = base.graph.find(target) if target else []
        claim_node = hits[0] if len(hits) == 1 else None
        statistic = prediction.get("statistic", "bootstrap-bca")
        found.append(
            Prediction(
                claim=base.notes[claim_node].name if claim_node is not None else target,
                claim_node=claim_node,
                metric=prediction["metric"],
                direction=str(prediction.get("direction", "greater")),
                sesoi=_number(prediction.get("sesoi"), 0.0),
                alpha=_number(prediction.get("alpha"), 0.05),
                statistic=statistic if statistic in STATISTICS else "bootstrap-bca",
                baseline=prediction.get("baseline") if isinstance(prediction.get("baseline"), str) else None,
                text=str(item.get("text", "")),
                line=_line_of_claim(note, raw, line),
            )
        )
    return found


def _line_of_claim(note, raw: str, default: int) -> int:
    for link in note.links:
        if link.field == "tests" and raw.find(link.target) >= 0:
            return link.line
    return default


def read_experiment(
    base: "ClaimBase", node: int, profile: str = DEFAULT_PROFILE, unresolved: dict[int, list] | None = None
) -> Experiment:
    """One experiment note with `profile` applied.  `unresolved` (owner -> unresolved links) saves
    a scan of the whole graph per experiment when reading many."""
    note = base.notes[node]
    job = note.meta.get("job")
    run = job.get("run") if isinstance(job, dict) else None
    params, seeds, timeout = profile_settings(note.meta, profile)
    exp = Experiment(
        name=note.name,
        path=note.path,
        node=node,
        entry=run.strip() if isinstance(run, str) and run.strip() else None,
        params=params,
        seeds=seeds,
        timeout=timeout,
        profile=profile,
        smoke=profile == SMOKE,
        predictions=read_predictions(base, node),
        line=note.line_of("job"),
    )
    for e in base.graph.out_edges[node]:
        edge = base.graph.edges[e]
        if edge.kind == NEEDS and edge.link.field == "job":
            exp.needs.append((edge.dst, edge.link.line))
    if unresolved is None:
        unresolved = _unresolved_needs(base)
    for u in unresolved.get(node, ()):
        exp.unresolved_needs.append((u.link.target, u.link.line))
    return exp


def _unresolved_needs(base: "ClaimBase") -> dict[int, list]:
    by_owner: dict[int, list] = {}
    for u in base.graph.unresolved:
        if u.link.kind == NEEDS and u.reason != "heading":
            by_owner.setdefault(u.owner, []).append(u)
    return by_owner


def read_all(base: "ClaimBase", profile: str = DEFAULT_PROFILE) -> dict[int, Experiment]:
    """Every experiment note of the base, by note index."""
    unresolved = _unresolved_needs(base)
    return {
        i: read_experiment(base, i, profile, unresolved) for i, note in enumerate(base.notes) if note.type == "experiment"
    }
