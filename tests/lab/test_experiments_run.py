"""The SVA experiments end to end on a micro configuration, and their notes in claims/experiments/.

One test runs the whole chain (formation → consolidation → every analysis) through each entry point
with a `JobContext`, on budgets of seconds, and checks that every experiment returns finite numbers
for every metric its note's predictions name (and writes its plot). The notes themselves must parse
into runnable experiments and draw no lint finding.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest

from claimbase.base import open_base
from claimbase.jobs.context import JobContext
from claimbase.jobs.experiments import read_all
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "claims"
ORDER = ["formation", "consolidation", "entanglement", "specificity", "persistence", "probes", "mechanistic",
         "alignment-tax", "correlated-failure"]

MICRO = {
    "formation": {"stage_steps": 3200, "hidden": 16, "probe_states": 40, "probe_episodes": 8, "gift_episodes": 8},
    "consolidation": {"rounds": 2, "arms": ["sva", "ft", "shuffled"], "autonomy_steps": 3200, "task_steps": 3200,
                      "fisher_states": 16, "replay_samples": 128, "current_states": 128, "vae_specs": 128,
                      "vae_epochs": 2, "distill_steps": 5, "probe_set_size": 100, "permutations": 3,
                      "overlap_states": 4, "suite_episodes": 4, "probe_states": 40, "probe_episodes": 8},
    "entanglement": {},
    "specificity": {},
    "persistence": {"steps": 3200, "probe_states": 40, "probe_episodes": 8},
    "probes": {"probe_states": 40, "probe_episodes": 8},
    "mechanistic": {"probe_states": 100, "pairs": 50, "nulls": 3, "probe_set_size": 100},
    "alignment-tax": {"suite_episodes": 4, "probe_states": 100, "probe_episodes": 8, "probe_states_value": 40,
                      "bypass_dims": [1, 2], "probe_set_size": 100},
    "correlated-failure": {"agents": 3, "items": 20, "finetune_steps": 3200, "k": 2},
}


@pytest.fixture(scope="module")
def experiments():
    """The experiment notes of the project's base, read for the smoke profile."""
    base = open_base(CLAIMS, use_cache=False)
    found = {exp.name: exp for exp in read_all(base, "smoke").values()}
    return found


def test_every_experiment_note_is_a_runnable_job(experiments):
    assert sorted(experiments) == sorted(ORDER)
    for name, exp in experiments.items():
        assert exp.entry and exp.entry.startswith("claimbase.lab.experiments."), name
        assert exp.predictions, f"{name} predicts nothing"
        assert exp.seeds == [0, 1], f"{name}: smoke runs seeds 0 and 1"


def test_the_notes_draw_no_lint_finding():
    result = run_cli("lint", str(CLAIMS), "--format", "json")
    findings = [f for f in result.json() if f["path"].startswith("experiments/")]
    assert findings == []
    assert not [f for f in result.json() if f["severity"] == "error" and f["code"].startswith("E")]


def test_every_experiment_returns_the_metrics_its_predictions_name(experiments, tmp_path):
    outputs: dict[str, Path] = {}
    for name in ORDER:
        exp = experiments[name]
        module, function = exp.entry.split(":")
        entry = getattr(importlib.import_module(module), function)
        needs = [n for n in ("formation", "consolidation") if n in _needs(exp, experiments)]
        out = tmp_path / name
        out.mkdir()
        ctx = JobContext(experiment=name, params=MICRO[name], seed=3, out=out,
                         inputs={n: outputs[n] for n in needs})
        metrics = entry(ctx)
        outputs[name] = out
        assert all(isinstance(v, float) and math.isfinite(v) for v in metrics.values()), name
        for prediction in exp.predictions:
            assert prediction.metric in metrics, f"{name} does not return {prediction.metric}"
        assert (out / "config.json").is_file(), name
        plots = list(out.glob("*.svg"))
        assert plots and all(p.stat().st_size < 60_000 for p in plots), name


def _needs(exp, experiments) -> set[str]:
    by_node = {e.node: e.name for e in experiments.values()}
    return {by_node[node] for node, _ in exp.needs}
