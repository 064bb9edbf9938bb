"""`claims query`: SPARQL over the exported graph, three output formats, clear errors."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ROOT, run_cli
from rdf_bases import RICH

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
CONTRADICTED = str(ROOT / "queries" / "contradicted-claims.rq")


def test_table_csv_and_json(base_dir):
    root = base_dir(RICH)
    q = "SELECT ?c ?s WHERE { ?c a mp:Claim ; cb:status ?s } ORDER BY ?c"
    table = run_cli("query", q, "-b", str(root))
    assert table.code == 0, table.err
    assert "[[x]]" in table.out and "cb:Contradicted" in table.out
    rows = list(csv.reader(io.StringIO(run_cli("query", q, "-b", str(root), "-f", "csv").out)))
    assert rows[0] == ["c", "s"]
    assert ["urn:claimbase:note/x", "https://claimbase.dev/ns#Contradicted"] in rows
    doc = run_cli("query", q, "-b", str(root), "-f", "json").json()
    assert doc["head"]["vars"] == ["c", "s"]
    first = doc["results"]["bindings"][0]
    assert first["c"]["type"] == "uri" and first["s"]["type"] == "uri"


def test_contradicted_claims_query(base_dir):
    result = run_cli("query", "--file", CONTRADICTED, "-b", str(base_dir(RICH)), "-f", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    by_claim = {(r["claim"], r["challenger"]) : r for r in rows}
    e1 = by_claim[("urn:claimbase:note/x", "urn:claimbase:note/e1")]
    assert e1["type"] == "evidence" and e1["experiment"] == "urn:claimbase:note/exp" and e1["against"] == "1.0"
    assert ("urn:claimbase:note/z", "urn:claimbase:note/a") in by_claim


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_every_example_query_runs_on_the_project_base(path, tmp_path):
    result = run_cli("query", "--file", str(path), "-b", str(ROOT / "claims"), "-f", "json")
    assert result.code == 0, result.err
    assert "results" in result.json()
    text = path.read_text()
    assert text.startswith("# ") and "claims query --file queries/" in text  # documented


def test_bind_a_note_by_name(base_dir):
    root = base_dir(RICH)
    result = run_cli("query", "--file", str(ROOT / "queries" / "evidence-chain.rq"), "-b", str(root),
                     "--bind", "claim=y", "-f", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    steps = {(r["note"].rsplit("/", 1)[1], r["ground"].rsplit("/", 1)[1]) for r in rows}
    # e0 is superseded: its argument is in the chain, with weight 0
    assert steps == {("y", "x"), ("x", "paper"), ("x", "e1"), ("x", "e0")}
    missing = run_cli("query", "SELECT * WHERE { ?s ?p ?o }", "-b", str(root), "--bind", "claim=nothing like it")
    assert missing.code == 2 and "no note named" in missing.err


def test_ask_and_construct(base_dir):
    root = base_dir(RICH)
    ask = run_cli("query", "ASK { note:x cb:status cb:Contradicted }", "-b", str(root), "-f", "json")
    assert ask.code == 0 and ask.json()["boolean"] is True
    graph = run_cli("query", "CONSTRUCT { ?c cb:status ?s } WHERE { ?c cb:status ?s }", "-b", str(root))
    assert graph.code == 0 and "Contradicted" in graph.out


def test_syntax_error_names_line_and_column(base_dir, tmp_path):
    root = base_dir(RICH)
    q = tmp_path / "bad.rq"
    q.write_text("SELECT ?c\nWHERE { ?c a mp:Claim . ?c }\n")
    result = run_cli("query", "--file", str(q), "-b", str(root))
    assert result.code == 2
    assert result.err.startswith(f"claims: {q}: SPARQL syntax error at line 2, column 25")
    assert "Traceback" not in result.err
    q.write_text("SELECT ?c\nWHERE { ?c a mp:Claim\n")
    result = run_cli("query", "--file", str(q), "-b", str(root))
    assert result.code == 2 and "the query ends too early (line 3, column 1)" in result.err
    unknown = run_cli("query", "SELECT ?c WHERE {\n  ?c a foo:Bar }", "-b", str(root))
    assert unknown.code == 2 and "unknown prefix 'foo:' at line 2, column 8" in unknown.err


def test_usage_errors(base_dir, tmp_path):
    root = base_dir(RICH)
    assert "no query" in run_cli("query", "-b", str(root)).err
    assert "not both" in run_cli("query", "ASK {}", "--file", "x.rq", "-b", str(root)).err
    assert "no such file" in run_cli("query", "--file", str(tmp_path / "none.rq"), "-b", str(root)).err
    assert "unknown format" in run_cli("query", "ASK {}", "-f", "xml", "-b", str(root)).err


def test_query_an_exported_file(base_dir, tmp_path):
    root = base_dir(RICH)
    out = tmp_path / "kb.nt"
    assert run_cli("export", str(root), "-f", "nt", "-o", str(out)).code == 0
    result = run_cli("query", "SELECT ?c WHERE { ?c cb:status cb:Undermined }", "--data", str(out), "-f", "csv")
    assert result.code == 0, result.err
    assert result.out.split() == ["c", "urn:claimbase:note/y"]
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle")
    result = run_cli("query", "ASK {}", "--data", str(broken))
    assert result.code == 2 and "broken.ttl: not valid turtle" in result.err
