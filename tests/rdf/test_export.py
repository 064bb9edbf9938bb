"""`claims export`: every format readable by its standard reader, IRIs, statuses, provenance."""

from __future__ import annotations

import json
import unicodedata

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, PROV

from claimbase import open_base
from claimbase.rdf import vocab
from claimbase.rdf.export import export, note_iris, to_rdflib
from claimbase.rdf.turtle import to_ntriples, to_turtle

from conftest import ROOT, claim, run_cli
from rdf_bases import RICH, SMALL

CB = rdflib.Namespace(vocab.CB)
MP = rdflib.Namespace(vocab.MP)


def note(name: str, base_iri: str = vocab.DEFAULT_BASE_IRI) -> URIRef:
    return URIRef(vocab.name_iri(base_iri, name))


@pytest.fixture
def rich_graph(base_dir):
    base = open_base(base_dir(RICH), use_cache=False)
    return base, rdflib.Graph().parse(data=to_turtle(export(base)), format="turtle")


@pytest.mark.parametrize(
    "fmt,reader",
    [
        ("turtle", lambda text: rdflib.Graph().parse(data=text, format="turtle")),
        ("nt", lambda text: rdflib.Graph().parse(data=text, format="nt")),
        ("jsonld", lambda text: rdflib.Graph().parse(data=text, format="json-ld")),
    ],
)
def test_rdf_formats_parse_and_agree(base_dir, tmp_path, fmt, reader):
    root = base_dir(RICH)
    out = tmp_path / f"out.{fmt}"
    result = run_cli("export", str(root), "--format", fmt, "--out", str(out))
    assert result.code == 0, result.err
    assert "wrote" in result.err
    graph = reader(out.read_text(encoding="utf-8"))
    expected = to_rdflib(export(open_base(root, use_cache=False)))
    assert isomorphic(graph, expected)


def test_stdout_is_the_default_and_output_is_deterministic(base_dir):
    root = base_dir(SMALL)
    first = run_cli("export", str(root))
    second = run_cli("export", str(root))
    assert first.code == 0 and first.out == second.out
    assert first.out.startswith("@prefix cb: <https://claimbase.dev/ns#> .")


def test_graphml_and_json(base_dir, tmp_path):
    root = base_dir(RICH)
    gml = tmp_path / "g.graphml"
    assert run_cli("export", str(root), "-f", "graphml", "-o", str(gml)).code == 0
    g = nx.read_graphml(gml)
    assert g.nodes["x.md"]["status"] == "contradicted"
    assert g.nodes["x.md"]["iri"] == vocab.name_iri(vocab.DEFAULT_BASE_IRI, "x")
    assert {d["kind"] for _, _, d in g.edges(data=True)} >= {"depends_on", "challenges", "cites", "tests", "needs", "revises"}
    result = run_cli("export", str(root), "-f", "json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["format"] == "claimbase-graph"
    by_path = {n["path"]: n for n in doc["notes"]}
    assert by_path["x.md"]["status"] == "contradicted" and by_path["x.md"]["con"] == 1.0
    assert by_path["evidence/e1.md"]["frontmatter"]["run"]["key"] == "abc123"
    assert any(a["direction"] == "con" and a["kind"] == "challenges" for a in doc["arguments"])


def test_computed_statuses_are_exported(rich_graph):
    _, g = rich_graph
    x, y, a = note("x"), note("y"), note("a")
    assert g.value(x, CB.status) == CB.Contradicted
    assert g.value(y, CB.status) == CB.Undermined
    assert g.value(a, CB.status) == CB.Supported
    assert g.value(x, CB.conWeight).toPython() == 1 and g.value(x, CB.proWeight).toPython() == 0.5
    assert g.value(a, CB.confidence) == CB.Likely and g.value(a, CB.proofStandard) == CB.Preponderance
    assert g.value(a, CB.meetsProofStandard).toPython() is True
    assert (a, RDF.type, MP.Claim) in g
    assert g.value(note("e0"), CB.status) == CB.Out


def test_edges_use_published_vocabularies(rich_graph):
    _, g = rich_graph
    cito = rdflib.Namespace(vocab.CITO)
    assert (note("a"), cito.citesAsEvidence, note("paper")) in g
    assert (note("b"), CB.dependsOn, note("a")) in g
    assert (note("e1"), MP.challenges, note("x")) in g
    assert (note("e1"), CB.inconclusiveAbout, note("a")) in g
    assert (note("e1"), PROV.wasRevisionOf, note("e0")) in g
    assert (note("exp"), DCTERMS.requires, note("exp0")) in g
    assert (note("exp"), CB.tests, note("x")) in g
    # e1 challenges x, on which y depends: an indirect challenge in MP's sense
    assert (note("e1"), MP.indirectlyChallenges, note("y")) in g


def test_run_provenance(rich_graph):
    _, g = rich_graph
    e1 = note("e1")
    run = g.value(e1, PROV.wasGeneratedBy)
    assert run == URIRef("urn:claimbase:run/abc123")
    assert (run, RDF.type, PROV.Activity) in g
    assert str(g.value(run, PROV.startedAtTime)) == "2026-11-20T10:00:00+00:00"
    assert g.value(run, PROV.startedAtTime).datatype == rdflib.XSD.dateTime
    agent = g.value(run, PROV.wasAssociatedWith)
    assert (agent, RDF.type, PROV.SoftwareAgent) in g
    association = g.value(run, PROV.qualifiedAssociation)
    assert g.value(association, PROV.hadPlan) == note("exp")
    used = list(g.objects(run, PROV.used))
    assert [str(g.value(u, CB.digest)) for u in used] == ["f00d"]
    assert {int(s) for s in g.objects(run, CB.seed)} == {0, 1}
    metric = g.value(e1, CB.metric)
    assert float(g.value(metric, PROV.value)) == -0.2 and float(g.value(metric, CB.low)) == -0.3


def test_iris_are_percent_encoded_nfc_and_paths_for_shared_names(base_dir):
    nfd = unicodedata.normalize("NFD", "Café au lait is a claim")
    root = base_dir({f"{nfd}.md": claim(), "one/_map.md": "---\ntype: map\n---\n", "two/_map.md": "---\ntype: map\n---\n"})
    base = open_base(root, use_cache=False)
    iris = dict(zip((n.path for n in base.notes), note_iris(base, "https://example.org/kb/")))
    assert iris[f"{nfd}.md"] == "https://example.org/kb/note/Caf%C3%A9%20au%20lait%20is%20a%20claim"
    assert iris["one/_map.md"] == "https://example.org/kb/path/one/_map"
    assert iris["two/_map.md"] == "https://example.org/kb/path/two/_map"


def test_a_rename_changes_the_iri_and_a_declared_alias_says_so(rich_graph):
    _, g = rich_graph
    renamed = note("renamed claim")
    assert (renamed, DCTERMS.replaces, note("old claim name")) in g
    assert (note("old claim name"), None, None) not in g  # the old IRI is not silently reused


def test_base_iri_option_and_setting(base_dir, tmp_path):
    root = base_dir(SMALL)
    result = run_cli("export", str(root), "-f", "nt", "--base-iri", "https://example.org/kb/")
    assert result.code == 0 and "<https://example.org/kb/note/a>" in result.out
    (root / "pyproject.toml").write_text('[tool.claims.rdf]\nbase-iri = "https://example.net/c/"\n')
    result = run_cli("export", str(root), "-f", "nt")
    assert result.code == 0 and "<https://example.net/c/note/a>" in result.out
    bad = run_cli("export", str(root), "--base-iri", "no scheme here")
    assert bad.code == 2 and "base IRI" in bad.err and "Traceback" not in bad.err


def test_bad_arguments_are_one_line_errors(base_dir, tmp_path):
    root = base_dir(SMALL)
    result = run_cli("export", str(root), "--format", "rdfxml")
    assert result.code == 2 and "unknown format 'rdfxml'" in result.err
    result = run_cli("export", str(tmp_path / "nowhere"))
    assert result.code == 2 and "no such folder" in result.err
    result = run_cli("export", str(root), "-o", str(tmp_path))
    assert result.code == 2 and "is a folder" in result.err


def test_failed_write_leaves_no_partial_file(base_dir, tmp_path):
    root = base_dir(SMALL)
    target = tmp_path / "out.ttl"
    target.write_text("previous content\n")
    blocker = tmp_path / "dir-not-writable"
    blocker.write_text("a file, not a folder")
    result = run_cli("export", str(root), "-o", str(blocker / "x.ttl"))
    assert result.code == 2 and "cannot write" in result.err
    assert run_cli("export", str(root), "-o", str(target)).code == 0
    assert target.read_text().startswith("@prefix")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_arguments_option_drops_evidence_lines(base_dir):
    base = open_base(base_dir(SMALL), use_cache=False)
    full = to_ntriples(export(base))
    slim = to_ntriples(export(base, arguments=False))
    assert vocab.HAS_EVIDENCE_LINE in full and vocab.HAS_EVIDENCE_LINE not in slim


def test_strings_are_escaped(base_dir):
    tricky = 'He said "no"\\ and\nleft\ttab \u0007 bell'
    root = base_dir({"q.md": claim(description=tricky)})
    base = open_base(root, use_cache=False)
    for text, fmt in ((to_turtle(export(base)), "turtle"), (to_ntriples(export(base)), "nt")):
        g = rdflib.Graph().parse(data=text, format=fmt)
        assert str(g.value(note("q"), DCTERMS.description)) == tricky


def test_own_base_exports(tmp_path):
    base = open_base(ROOT / "claims", use_cache=False)
    g = rdflib.Graph().parse(data=to_turtle(export(base)), format="turtle")
    claims = set(g.subjects(RDF.type, MP.Claim))
    assert len(claims) == sum(1 for n in base.notes if n.arguable)
    assert json.loads(run_cli("status", str(ROOT / "claims"), "--format", "json", "--cache-dir", str(tmp_path)).out)["claims"] == len(claims)
