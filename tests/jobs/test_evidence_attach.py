"""`claims evidence attach`: evidence by hand, with provenance, and clear refusals."""

from __future__ import annotations

import hashlib
import json

import pytest

from jobkit import claims, evidence_notes, frontmatter, project

from conftest import source


def test_attach_writes_a_note_with_provenance_that_counts(tmp_path):
    base = project(tmp_path, {"paper.md": source("A replication")})
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps({"metrics": {"accuracy": 0.91, "n": 400}}))
    result = claims(tmp_path, "evidence", "attach", "c", "--verdict", "supports", "--source", "[[paper]], table 2",
                    "--file", str(result_file), "--metric", "effect=0.3")
    assert result.code == 0, result.err
    (note,) = evidence_notes(base)
    assert result.out.strip() == f"wrote base/evidence/{note.name}"
    meta = frontmatter(note)
    assert meta["verdicts"] == [{"claim": "[[c]]", "verdict": "supports", "reason": "attached by hand with `claims evidence attach`"}]
    assert meta["metrics"] == {"accuracy": 0.91, "n": 400.0, "effect": 0.3}
    prov = meta["provenance"]
    assert prov["file"]["sha256"] == hashlib.sha256(result_file.read_bytes()).hexdigest()
    assert (note.parent / prov["file"]["kept"]).read_bytes() == result_file.read_bytes()
    assert {"attached_by", "attached_at", "host", "tool"} <= set(prov)
    status = claims(tmp_path, "status", "-f", "json").json()
    assert status["status"]["supported"] == 1
    lint = claims(tmp_path, "lint")
    assert lint.code == 0, lint.out


@pytest.mark.parametrize("args, message", [
    (["no such claim", "--verdict", "supports", "--source", "x"], "no note named 'no such claim'"),
    (["c", "--verdict", "maybe", "--source", "x"], "--verdict must be supports or challenges, got 'maybe'"),
    (["c", "--verdict", "supports", "--source", "  "], "--source must say where the result comes from"),
    (["c", "--verdict", "supports", "--source", "x", "--metric", "acc"], "--metric expects NAME=NUMBER, got 'acc'"),
    (["c", "--verdict", "supports", "--source", "x", "--metric", "acc=nan"], "--metric expects NAME=NUMBER"),
    (["c", "--verdict", "supports", "--source", "x", "--file", "missing.json"], "missing.json: cannot be read"),
    (["c", "--verdict", "supports", "--source", "x", "--file", "bad.json"], "bad.json: not a JSON document"),
    (["c", "--verdict", "supports", "--source", "x", "--file", "list.json"], "expected a JSON object of metrics, found list"),
    (["c", "--verdict", "supports", "--source", "x", "--file", "text.json"], "metric 'acc' is 'high'; metrics must be finite numbers"),
    (["paper", "--verdict", "supports", "--source", "x"], "'paper' is a source, not a claim"),
])
def test_attach_refuses_bad_input(tmp_path, args, message):
    base = project(tmp_path, {"paper.md": source("A paper")})
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "text.json").write_text('{"metrics": {"acc": "high"}}')
    result = claims(tmp_path, "evidence", "attach", *args)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert evidence_notes(base) == []
