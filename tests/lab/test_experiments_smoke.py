"""The smoke configuration: `claims run --profile smoke` over a copy of the project's claim base.

Every job of every SVA experiment runs (two seeds, tiny budgets) and every experiment writes a smoke
evidence note whose verdicts are all inconclusive. Marked `smoke`: this is the configuration CI
must run; it takes one to three minutes on two cores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import run_cli

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]


def _front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def test_smoke_profile_runs_every_experiment(tmp_path):
    base = tmp_path / "claims"
    shutil.copytree(ROOT / "claims", base, ignore=shutil.ignore_patterns("evidence"))
    result = run_cli("run", "--base", str(base), "--profile", "smoke", "--jobs", "2",
                     "--cache-dir", str(tmp_path / "cache"), timeout=600)
    assert result.code == 0, result.out + result.err
    experiments = {p.stem for p in (base / "experiments").glob("*.md") if p.stem != "_map"}
    written = {}
    for note in (base / "evidence").glob("*.md"):
        front = _front(note)
        written[front["experiment"].strip("[]")] = front
    assert set(written) == experiments
    for name, front in written.items():
        assert front["smoke"] is True, name
        assert front["verdicts"] and all(v["verdict"] == "inconclusive" for v in front["verdicts"]), name
        assert front["run"]["seeds"] == [0, 1], name
