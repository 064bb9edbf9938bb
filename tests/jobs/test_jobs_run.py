"""`claims run` end to end: plan, cache, evidence notes, supersession, and what lint makes of them."""

from __future__ import annotations

from jobkit import TOY, claims, evidence_notes, experiment, files_under, frontmatter, lint_json, prediction, project

from conftest import claim


def test_run_writes_evidence_that_lint_and_status_see(tmp_path):
    base = project(tmp_path, {
        "exp.md": experiment(seeds=[0, 1, 2, 3, 4]),
        "fails.md": experiment(params={"effect": -0.5, "noise": 0.1}, seeds=[0, 1, 2, 3], tests=[prediction("d")]),
        "d.md": claim(description="A claim the data refute.", confidence="speculative"),
    })
    result = claims(tmp_path, "run", "-j", "2")
    assert result.code == 0, result.out + result.err
    assert "ran 9 jobs" in result.out
    notes = evidence_notes(base)
    assert len(notes) == 2
    by_exp = {frontmatter(p)["experiment"]: frontmatter(p) for p in notes}
    good, bad = by_exp["[[exp]]"], by_exp["[[fails]]"]
    assert good["verdicts"][0]["verdict"] == "supports" and good["verdicts"][0]["claim"] == "[[c]]"
    assert bad["verdicts"][0]["verdict"] == "challenges"
    assert len(good["metrics"]["delta"]["values"]) == 5 and good["metrics"]["delta"]["ci"][0] > 0
    run = good["run"]
    assert run["profile"] == "standard" and run["seeds"] == [0, 1, 2, 3, 4] and run["executor"] == "local"
    assert {"key", "started", "finished", "host", "code_version", "params", "versions"} <= set(run)
    assert "BCa bootstrap" in good["verdicts"][0]["statistic"]
    status = claims(tmp_path, "status", "-f", "json").json()
    assert status["status"]["supported"] == 1 and status["status"]["contradicted"] == 1
    assert any(f["rule"] == "contradicted-claim" and f["path"] == "d.md" for f in lint_json(tmp_path))
    assert "last_evaluated:" in (base / "c.md").read_text()


def test_second_run_is_a_no_op_that_rewrites_nothing(tmp_path):
    base = project(tmp_path, {"exp.md": experiment()})
    assert claims(tmp_path, "run").code == 0
    before = files_under(base)
    stamps = {p: p.stat().st_mtime_ns for p in base.rglob("*")}
    again = claims(tmp_path, "run")
    assert again.code == 0, again.err
    assert "ran 0 jobs" in again.out and "3 cached" in again.out and "evidence up to date: exp" in again.out
    assert files_under(base) == before
    assert {p: p.stat().st_mtime_ns for p in base.rglob("*")} == stamps


def test_dry_run_shows_the_plan_and_writes_nothing(tmp_path):
    base = project(tmp_path, {"exp.md": experiment()})
    result = claims(tmp_path, "run", "--dry-run")
    assert result.code == 0, result.err
    assert "3 of 3 jobs to run" in result.out and "never run" in result.out
    assert evidence_notes(base) == [] and not (tmp_path / ".claims-cache" / "runs" / "jobs").exists()


def test_changed_parameters_make_evidence_stale_then_superseded(tmp_path):
    base = project(tmp_path, {"exp.md": experiment()})
    assert claims(tmp_path, "run").code == 0
    (old,) = evidence_notes(base)
    (base / "exp.md").write_text(experiment(params={"effect": 0.6, "noise": 0.1}))
    stale = [f for f in lint_json(tmp_path) if f["rule"] == "stale-evidence"]
    assert len(stale) == 1 and "effect: 0.5 -> 0.6" in stale[0]["message"]
    plan = claims(tmp_path, "run", "--dry-run")
    assert "parameters changed (effect: 0.5 -> 0.6)" in plan.out
    assert claims(tmp_path, "run").code == 0
    notes = evidence_notes(base)
    assert len(notes) == 2
    new = next(p for p in notes if p != old)
    old_meta = frontmatter(old)
    assert old_meta["status"] == "superseded" and old_meta["superseded_by"] == f"[[{new.stem}]]"
    assert not [f for f in lint_json(tmp_path) if f["rule"] == "stale-evidence"]
    status = claims(tmp_path, "status", "-f", "json").json()
    assert status["status"]["supported"] == 1  # the superseded note no longer counts, the new one does


def test_code_changes_rerun_but_comments_do_not(tmp_path):
    (tmp_path / "myexp").mkdir()
    (tmp_path / "myexp" / "__init__.py").write_text("")
    (tmp_path / "myexp" / "helper.py").write_text("SHIFT = 0.0\n")
    (tmp_path / "myexp" / "job.py").write_text(
        "from claimbase.jobs.toy import effect\nfrom .helper import SHIFT\n\n\ndef run(ctx):\n"
        "    m = effect(ctx)\n    return {'delta': m['delta'] + SHIFT}\n")
    base = project(tmp_path, {"exp.md": experiment(run="myexp.job:run")})
    assert claims(tmp_path, "run").code == 0
    (tmp_path / "myexp" / "helper.py").write_text("# a comment changes nothing\nSHIFT = 0.0  # still zero\n")
    assert "ran 0 jobs" in claims(tmp_path, "run").out
    (tmp_path / "myexp" / "helper.py").write_text("SHIFT = 1.0\n")
    stale = [f for f in lint_json(tmp_path) if f["rule"] == "stale-evidence"]
    assert stale and "code of 'exp' changed" in stale[0]["message"]
    plan = claims(tmp_path, "run", "--dry-run")
    assert "code changed (myexp.helper)" in plan.out
    assert "ran 3 jobs" in claims(tmp_path, "run").out
    assert len(evidence_notes(base)) == 2


def test_downstream_jobs_read_upstream_outputs(tmp_path):
    base = project(tmp_path, {
        "up.md": experiment(),
        "down.md": experiment(run=f"{TOY}:downstream", needs=["up"], params={"offset": 10.0},
                              tests=[prediction("c", metric="total")]),
    })
    result = claims(tmp_path, "run", "down")
    assert result.code == 0, result.out + result.err
    down = next(frontmatter(p) for p in evidence_notes(base) if "down" in p.name)
    up = next(frontmatter(p) for p in evidence_notes(base) if "up" in p.name)
    totals = down["metrics"]["total"]["values"]
    deltas = up["metrics"]["delta"]["values"]
    assert len(totals) == 3 and all(abs(t - 10.0 - d) < 1e-3 for t, d in zip(totals, deltas))


def test_smoke_profile_counts_for_nothing(tmp_path):
    base = project(tmp_path, {"exp.md": experiment(profiles={"smoke": {"seeds": [0], "params": {"noise": 0.0}}})})
    result = claims(tmp_path, "run", "--profile", "smoke")
    assert result.code == 0, result.err
    assert "ran 1 job" in result.out
    (note,) = evidence_notes(base)
    meta = frontmatter(note)
    assert meta["smoke"] is True and meta["run"]["profile"] == "smoke"
    assert meta["verdicts"][0]["verdict"] == "inconclusive" and meta["verdicts"][0]["reason"] == "smoke run: not interpretable"
    assert claims(tmp_path, "status", "-f", "json").json()["status"]["unsupported"] == 1
    assert "last_evaluated" not in (base / "c.md").read_text()


def test_plots_are_copied_beside_the_note(tmp_path):
    base = project(tmp_path, {"exp.md": experiment(run=f"{TOY}:plots", seeds=[0, 1, 2])})
    assert claims(tmp_path, "run").code == 0
    (note,) = evidence_notes(base)
    folder = note.with_suffix("")
    assert sorted(p.name for p in folder.iterdir()) == [f"seed-{s}-delta.{x}" for s in range(3) for x in ("png", "svg")]
    assert f"![seed-0-delta.svg (seed 0)](<{folder.name}/seed-0-delta.svg>)" in note.read_text()
    assert (folder / "seed-0-delta.png").read_bytes().startswith(b"\x89PNG")


def test_claim_edits_keep_every_other_byte(tmp_path):
    original = (b"---\r\ntype: claim   # a comment\r\ndescription: 'The toy effect is positive.'\r\n"
                b"confidence: experimental\r\ntags: [a, \"b\"]\r\n---\r\nBody with [[exp]].\r\n")
    base = project(tmp_path, {"c.md": original, "exp.md": experiment()})
    assert claims(tmp_path, "run").code == 0
    edited = (base / "c.md").read_bytes()
    assert edited.startswith(original.split(b"---\r\nBody")[0])
    assert edited.endswith(b"---\r\nBody with [[exp]].\r\n")
    assert edited.count(b"last_evaluated: ") == 1 and b"last_evaluated" in edited.split(b"---\r\n")[1]
    assert edited.replace(edited[edited.index(b"last_evaluated"):edited.index(b"\r\n---\r\nBody") + 2], b"") == original


def test_missing_metric_is_inconclusive_not_a_crash(tmp_path):
    (tmp_path / "dyn.py").write_text("def run(ctx):\n    return {k: 1.0 for k in ('a', 'b')}\n")
    base = project(tmp_path, {"exp.md": experiment(run="dyn:run", tests=[prediction("c", metric="nope")])})
    result = claims(tmp_path, "run")
    assert result.code == 0, result.err
    verdict = frontmatter(evidence_notes(base)[0])["verdicts"][0]
    assert verdict["verdict"] == "inconclusive" and "did not report 'nope'" in verdict["reason"]
