"""What lint makes of experiments and evidence: the experiment rules, evidence edited into nonsense,
and the lint result cache noticing edited experiment code."""

from __future__ import annotations

from jobkit import claims, experiment, lint_json, prediction, project


def test_experiment_rules_name_the_line(tmp_path):
    project(tmp_path, {
        "nowhere.md": experiment(run="no.such.module:run"),
        "needs missing.md": experiment(needs=["not written"]),
        "a.md": experiment(needs=["b"]),
        "b.md": experiment(needs=["a"]),
        "metric.md": experiment(tests=[prediction("c", metric="dleta")]),
    })
    found = {(f["path"], f["rule"]): f for f in lint_json(tmp_path)}
    assert "module 'no.such.module'" in found[("nowhere.md", "missing-entry-point")]["message"]
    assert found[("nowhere.md", "missing-entry-point")]["line"] == 4
    assert "needs 'not written'" in found[("needs missing.md", "unknown-upstream")]["message"]
    assert "cycle in `needs`: a -> b -> a" in found[("a.md", "needs-cycle")]["message"]
    assert ("b.md", "needs-cycle") in found
    assert "uses metric 'dleta'" in found[("metric.md", "unknown-metric")]["message"]
    assert "baseline, delta, method" in found[("metric.md", "unknown-metric")]["message"]
    result = claims(tmp_path, "run", "a")
    assert result.code == 2 and "cycle in `needs`" in result.err and "base/a.md:" in result.err
    result = claims(tmp_path, "run", "nowhere")
    assert result.code == 2 and "base/nowhere.md:4: module 'no.such.module'" in result.err
    assert claims(tmp_path, "run", "nothing like it").err.strip() == "claims: 'nothing like it' names no note"


NONSENSE = [
    "---\ntype: evidence\nexperiment: \"[[exp]]\"\nverdicts: []\nrun: 7\nmetrics: [1, 2]\n---\n",
    "---\ntype: evidence\nexperiment: \"[[exp]]\"\nverdicts: [{claim: \"[[c]]\", verdict: maybe}]\nrun: {key: 12, versions: nope}\n---\n",
    "---\ntype: evidence\nexperiment: \"[[exp]]\"\nverdicts: [{claim: \"[[c]]\", verdict: supports}]\nrun: {key: abc, profile: [x], versions: {python: [1]}, params: 3}\n---\n",
    "---\ntype: evidence\nexperiment: [[[exp]]\nverdicts: {\n---\n",
]


def test_evidence_edited_into_nonsense_gets_findings_not_a_crash(tmp_path):
    project(tmp_path, {"exp.md": experiment(), **{f"e{i}.md": text for i, text in enumerate(NONSENSE)}})
    findings = lint_json(tmp_path)
    by_file = {}
    for f in findings:
        by_file.setdefault(f["path"], set()).add(f["rule"])
    assert "invalid-field" in by_file["e0.md"] and "invalid-field" in by_file["e1.md"]
    assert "stale-evidence" in by_file["e2.md"] or "invalid-field" in by_file["e2.md"]
    assert "invalid-frontmatter" in by_file["e3.md"]
    result = claims(tmp_path, "run")
    assert result.code == 0, result.out + result.err


def test_editing_experiment_code_invalidates_the_cached_lint_result(tmp_path):
    (tmp_path / "myjob.py").write_text("def run(ctx):\n    return {'delta': 1.0}\n")
    project(tmp_path, {"exp.md": experiment(run="myjob:run")})
    assert claims(tmp_path, "run").code == 0
    assert not [f for f in lint_json(tmp_path) if f["rule"] == "stale-evidence"]
    (tmp_path / "myjob.py").write_text("def run(ctx):\n    return {'delta': 2.0}\n")
    assert [f for f in lint_json(tmp_path) if f["rule"] == "stale-evidence"]
    (tmp_path / "myjob.py").write_text("def run(ctx):\n    return {'dleta': 2.0}\n")
    assert [f for f in lint_json(tmp_path) if f["rule"] == "unknown-metric"]


def test_lint_never_imports_experiment_code(tmp_path):
    (tmp_path / "loud.py").write_text("open(__file__ + '.imported', 'w').close()\n\ndef run(ctx):\n    return {'delta': 1.0}\n")
    project(tmp_path, {"exp.md": experiment(run="loud:run")})
    lint_json(tmp_path)
    claims(tmp_path, "run", "--dry-run")
    assert not (tmp_path / "loud.py.imported").exists()


def test_schema_checks_for_jobs_and_predictions(tmp_path):
    project(tmp_path, {
        "x.md": experiment(timeout=-1),
        "y.md": experiment(profiles={"smoke": {"seeds": "all"}}),
        "z.md": experiment(tests=[{"claim": "[[c]]", "prediction": {"metric": "delta", "direction": "greater", "statistic": "vibes"}}]),
    })
    messages = {f["path"]: f["message"] for f in lint_json(tmp_path) if f["rule"] == "invalid-field"}
    assert "'timeout' should be a positive number" in messages["x.md"]
    assert "profile 'smoke': 'seeds' should be a non-empty list of integers" in messages["y.md"]
    assert "'statistic' is 'vibes'" in messages["z.md"]
