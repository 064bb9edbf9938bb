"""The Dask executor on a real two-worker LocalCluster (worker processes), a worker dying mid-job
included."""

from __future__ import annotations

import pytest

from jobkit import TOY, claims, evidence_notes, experiment, frontmatter, prediction, project

pytest.importorskip("distributed")


def test_dask_runs_the_dag_with_upstream_outputs(tmp_path):
    base = project(tmp_path, {
        "up.md": experiment(run=f"{TOY}:plots"),
        "down.md": experiment(run=f"{TOY}:downstream", needs=["up"], tests=[prediction("c", metric="total")]),
    })
    result = claims(tmp_path, "run", "--executor", "dask", "--jobs", "2")
    assert result.code == 0, result.out + result.err
    assert "ran 6 jobs" in result.out and "dask executor, LocalCluster of 2 worker processes" in result.out
    notes = {frontmatter(p)["experiment"]: frontmatter(p) for p in evidence_notes(base)}
    assert notes["[[down]]"]["run"]["executor"] == "dask"
    assert notes["[[down]]"]["verdicts"][0]["verdict"] == "supports"
    assert any(p.with_suffix("").is_dir() for p in evidence_notes(base))  # the plots, beside the note
    again = claims(tmp_path, "run", "--executor", "dask", "--dry-run")
    assert "0 of 6 jobs to run" in again.out


def test_dask_worker_death_fails_that_job_and_a_second_run_resumes(tmp_path):
    # The deadly job waits before killing its worker, so that the other jobs (which may share
    # that worker) finish first and the test sees one death per attempt.
    marker = tmp_path / "deaths"
    base = project(tmp_path, {
        "fine.md": experiment(seeds=[0, 1]),
        "deadly.md": experiment(run=f"{TOY}:kills_worker", params={"marker": str(marker), "times": 2, "delay": 1.5}, seeds=[0]),
    })
    first = claims(tmp_path, "run", "--executor", "dask", "--jobs", "2", timeout=180)
    assert first.code == 1, first.out + first.err
    assert "failed: deadly · seed 0: the Dask worker running it died" in first.out
    assert marker.read_text().count("\n") == 2  # it was retried once on a fresh worker
    assert [frontmatter(p)["experiment"] for p in evidence_notes(base)] == ["[[fine]]"]
    second = claims(tmp_path, "run", "--executor", "dask", "--jobs", "2", timeout=180)
    assert second.code == 0, second.out + second.err
    assert "ran 1 job " in second.out and "2 cached" in second.out
    assert len(evidence_notes(base)) == 2
