"""The `claims` command line: formats, exit codes, settings, suppressions, fixes, the other commands."""

from __future__ import annotations

import json

from conftest import claim, evidence, run_cli, source, write_base

BASE = {
    "a.md": claim(confidence="likely", sources=["paper"], body="See [[b]] and [[nowhere]]."),
    "b.md": claim(confidence="proven", sources=["paper"]),
    "paper.md": source(year=2020),
}


def test_help_explains_every_command():
    result = run_cli("--help")
    assert result.code == 0
    for command in ("lint", "rules", "rule", "why", "status", "schema"):
        assert command in result.out
        sub = run_cli(command, "--help")
        assert sub.code == 0 and "Usage" in sub.out and len(sub.out) > 200


def test_exit_codes(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    assert run_cli("lint", str(root), "--no-cache").code == 1  # overconfident 'proven' is an error
    assert run_cli("lint", str(root), "--no-cache", "--exit-zero").code == 0
    assert run_cli("lint", str(root), "--no-cache", "--ignore", "overconfident-claim").code == 0
    assert run_cli("lint", str(root), "--format", "yaml").code == 2
    assert run_cli("lint", str(root), "--select", "no-such-rule").code == 2
    assert run_cli("lint", str(root), "--bogus-option").code == 2


def test_json_fields(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    found = run_cli("lint", str(root), "-f", "json", "--no-cache").json()
    keys = {"code", "rule", "severity", "path", "line", "column", "message"}
    assert found and all(keys <= set(f) for f in found)
    broken = next(f for f in found if f["rule"] == "broken-link")
    assert (broken["path"], broken["line"], broken["column"], broken["code"]) == ("a.md", 7, 15, "L001")


def test_text_shows_line_and_summary(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    out = run_cli("lint", str(root), "--no-cache").out
    assert "a.md:7:15: L001 [broken-link]" in out
    assert "See [[b]] and [[nowhere]]." in out and "^^^^^^^^^^^" in out
    assert "Most-wanted missing claims" in out and "nowhere" in out


def test_sarif_and_github(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    sarif = run_cli("lint", str(root), "-f", "sarif", "--no-cache").json()
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert {r["name"] for r in run["tool"]["driver"]["rules"]} >= {"broken-link", "overconfident-claim"}
    assert any(r["ruleId"] == "L001" and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 7 for r in run["results"])
    github = run_cli("lint", str(root), "-f", "github", "--no-cache").out
    assert "::warning file=" in github and ",line=7,col=15," in github and "::error" in github


def test_statistics(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    rows = run_cli("lint", str(root), "--statistics", "-f", "json", "--no-cache").json()
    assert {r["rule"]: r["count"] for r in rows} == {"broken-link": 1, "overconfident-claim": 1}
    assert "broken-link" in run_cli("lint", str(root), "--statistics", "--no-cache").out


def test_pyproject_settings(tmp_path):
    files = {f"claims/{k}": v for k, v in BASE.items()}
    files["pyproject.toml"] = (
        '[tool.claims]\nbase = "claims"\nignore = ["overconfident-claim"]\n'
        'severity = { broken-link = "error" }\nper-file-ignores = { "b.md" = ["ALL"] }\n'
    )
    root = write_base(tmp_path / "proj", files)
    result = run_cli("lint", "-f", "json", "--no-cache", cwd=root)
    found = result.json()
    assert result.code == 1
    assert [(f["rule"], f["severity"]) for f in found] == [("broken-link", "error")]
    assert run_cli("lint", "--severity", "broken-link=info", "--no-cache", cwd=root).code == 0


def test_inline_suppressions(tmp_path):
    files = dict(BASE)
    files["a.md"] = claim(confidence="likely", sources=["paper"], body="<!-- claims: ignore broken-link -->\nSee [[nowhere]].\n\nAnd [[elsewhere]]. <!-- claims: ignore L001 -->\n\n<!-- claims: ignore duplicate-claim -->\nNothing.")
    files["b.md"] = "---\ntype: claim\ndescription: b\nconfidence: proven\nsources: ['[[paper]]']\nlint: {ignore: [overconfident-claim, no-such-rule]}\n---\n"
    root = write_base(tmp_path / "b", files)
    found = run_cli("lint", str(root), "-f", "json", "--no-cache").json()
    assert sorted((f["path"], f["rule"], f["line"]) for f in found) == [
        ("a.md", "unused-suppression", 12),
        ("b.md", "unused-suppression", 6),
    ]
    assert "no-such-rule" in next(f["message"] for f in found if f["path"] == "b.md")


def test_fix_changes_only_the_link(tmp_path):
    original = (
        "---\r\ntype: claim   # a comment\r\ndescription: 'kept'\r\nconfidence: speculative\r\n---\r\n"
        "Tabs\there, [[The-Target-Claim]] and [[other|alias]].\r\nTrailing spaces   \r\n"
    ).encode()
    root = write_base(tmp_path / "b", {"a.md": b"\xef\xbb\xbf" + original, "the target claim.md": claim(), "other.md": claim()})
    before = run_cli("lint", str(root), "-f", "json", "--no-cache", "--select", "broken-link").json()
    assert before and before[0]["fix"]["replacement"] == "[[the target claim"
    result = run_cli("lint", str(root), "--fix", "--no-cache", "--select", "broken-link")
    assert result.code == 0 and "applied 1 fix" in result.err
    after = (root / "a.md").read_bytes()
    assert after == b"\xef\xbb\xbf" + original.replace(b"[[The-Target-Claim]]", b"[[the target claim]]")


def test_result_cache_matches_fresh_run(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    cache = tmp_path / "cache"
    first = run_cli("lint", str(root), "-f", "json", "--cache-dir", str(cache))
    second = run_cli("lint", str(root), "-f", "json", "--cache-dir", str(cache))
    assert first.out == second.out and first.code == second.code
    (root / "b.md").write_text(claim(confidence="likely", sources=["paper"]))
    third = run_cli("lint", str(root), "-f", "json", "--cache-dir", str(cache))
    fresh = run_cli("lint", str(root), "-f", "json", "--no-cache")
    assert third.out == fresh.out and "overconfident" not in third.out


def test_corrupt_cache_is_ignored(tmp_path):
    root = write_base(tmp_path / "b", BASE)
    cache = tmp_path / "cache"
    run_cli("lint", str(root), "--cache-dir", str(cache))
    for f in cache.iterdir():
        f.write_bytes(b"\x00garbage")
    result = run_cli("lint", str(root), "-f", "json", "--cache-dir", str(cache))
    assert result.code == 1 and len(result.json()) == 2


def test_rules_and_rule():
    listing = run_cli("rules", "-f", "json").json()
    slugs = {r["rule"] for r in listing}
    assert {"broken-link", "unsupported-claim", "contradicted-claim", "circular-support"} <= slugs
    doc = run_cli("rule", "broken-link")
    assert doc.code == 0 and "What it does" in doc.out and "Fix" in doc.out
    assert run_cli("rule", "L001").code == 0
    bad = run_cli("rule", "brokn-link")
    assert bad.code == 2 and "did you mean 'broken-link'" in bad.err


def test_why_tree(tmp_path):
    root = write_base(tmp_path / "b", {**BASE, "e.md": evidence({"a": "challenges"}), "c.md": claim(depends_on=["a"])})
    out = run_cli("why", "c", "--base", str(root)).out
    assert "undermined" in out and "depends on" in out and "contradicted" in out and "challenged by" in out
    missing = run_cli("why", "nope", "--base", str(root))
    assert missing.code == 2 and "no note named 'nope'" in missing.err


def test_status_counts(tmp_path):
    root = write_base(tmp_path / "b", {**BASE, "e.md": evidence({"a": "challenges"})})
    data = run_cli("status", str(root), "-f", "json", "--list", "contradicted").json()
    assert data["status"]["contradicted"] == 1 and data["claims"] == 2
    assert [x["name"] for x in data["listed"]] == ["a"]
    assert "contradicted" in run_cli("status", str(root)).out


def test_schema_command(tmp_path):
    out = run_cli("schema", "claim").json()
    assert out["properties"]["confidence"]["enum"] == ["speculative", "experimental", "likely", "proven"]
    assert run_cli("schema", "--write", str(tmp_path / "s")).code == 0
    assert json.loads((tmp_path / "s" / "evidence.schema.json").read_text())["required"] == ["type", "verdicts"]


def test_project_base_errors_are_only_experimental_results():
    """The project's own base lints clean except for what its experiments found: claims whose
    predictions failed are contradicted by the evidence of a run (README, "The project's own base")."""
    from conftest import ROOT

    result = run_cli("lint", str(ROOT / "claims"), "-f", "json", "--no-cache")
    errors = [f for f in result.json() if f["severity"] == "error"]
    assert all(f["rule"] == "contradicted-claim" and " - run " in f["message"] for f in errors), errors
    assert result.code == (1 if errors else 0)


def test_help_text_is_reflowed_not_broken_at_the_docstrings_line_ends():
    from claimbase.commands import reflow

    doc = """Summary line.

    A paragraph written
    over two lines.

    - a list
    - stays a list
    """
    assert reflow(doc) == "Summary line.\n\nA paragraph written over two lines.\n\n- a list\n- stays a list"
    result = run_cli("run", "--help", env={"COLUMNS": "200"})
    assert "upstream outputs, library versions" in result.out
