"""`claims impact`: the cascade, checked against relabelling the whole base, and the linter's count."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from claimbase import names
from claimbase.base import ClaimBase, LoadStats
from claimbase.graph import build
from claimbase.impact import impact
from claimbase.model import CHALLENGES, CITES, DEPENDS_ON, SUPPORTS, Link, Note
from claimbase.semantics import IN, OUT, label

from conftest import claim, evidence, run_cli, source
from rdf_bases import RICH, SMALL


def test_tree_of_what_falls_with_a_claim(base_dir):
    result = run_cli("impact", "a", "-b", str(base_dir(SMALL)))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("a supported")
    assert any("b  supported -> undermined" in line for line in lines)
    assert any("c  supported -> unsupported" in line for line in lines)
    assert "2 claims stand or fall with it (it stands today; 2 notes downstream)." in result.out


def test_what_a_contradicted_claim_takes_down(base_dir):
    root = base_dir(RICH)
    result = run_cli("impact", "x", "-b", str(root), "-f", "json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["status"] == "contradicted" and doc["scenario"] == "stands"
    changes = {c["name"]: (c["if_it_stands"], c["if_it_falls"], c["via"]) for c in doc["changes"]}
    assert changes == {"y": ("supported", "undermined", "x"), "z": ("supported", "contradicted", "y")}


def test_evidence_and_sources_have_impact_too(base_dir):
    root = base_dir(RICH)
    doc = run_cli("impact", "e1", "-b", str(root), "-f", "json").json()
    assert {c["name"] for c in doc["changes"]} == {"x", "y", "z"}
    tree = run_cli("impact", "paper", "-b", str(root))
    assert tree.code == 0 and "b  supported -> undermined" in tree.out


def test_nothing_hinges(base_dir):
    result = run_cli("impact", "z", "-b", str(base_dir(RICH)))
    assert result.code == 0 and "no claim's status hinges on it" in result.out


def test_unknown_note_and_format(base_dir):
    root = base_dir(SMALL)
    result = run_cli("impact", "nonexistent claim", "-b", str(root))
    assert result.code == 2 and "no note named 'nonexistent claim'" in result.err
    assert "unknown format" in run_cli("impact", "a", "-b", str(root), "-f", "xml").err


def test_linter_says_how_many_claims_a_contradicted_claim_undermines(base_dir):
    root = base_dir(RICH)
    result = run_cli("lint", str(root), "--select", "contradicted-claim", "--format", "json", "--no-cache")
    messages = {f["path"]: f["message"] for f in result.json()["findings"]} if isinstance(result.json(), dict) else {
        f["path"]: f["message"] for f in result.json()}
    assert messages["x.md"].endswith("; it undermines 2 other claims (see `claims impact`)")
    assert "undermines" not in messages["z.md"]


# -- the cone computation agrees with relabelling the whole base -------------------------------------
N_CLAIMS = 7
NAMES = [f"c{i}" for i in range(N_CLAIMS)]


def _link(target: str, kind: str, field: str) -> Link:
    return Link(target=target, key=names.key(target), line=1, col=1, kind=kind, field=field)


def random_base(rng: random.Random) -> ClaimBase:
    """Seven claims with random premises, supports and challenges among them (cycles included),
    a source some of them cite, and two evidence notes (current or retracted)."""
    notes = []
    for name in NAMES:
        links = [
            _link(other, kind, kind)
            for other in NAMES
            if other != name and (kind := rng.choice(["", "", "", "", DEPENDS_ON, SUPPORTS, CHALLENGES]))
        ]
        if rng.random() < 0.5:
            links.append(_link("paper", CITES, "sources"))
        notes.append(Note(path=f"{name}.md", name=name, type="claim", meta={"type": "claim"}, links=links))
    notes.append(Note(path="paper.md", name="paper", type="source", meta={"type": "source"}))
    for k in range(2):
        verdicts = [_link(t, rng.choice([SUPPORTS, CHALLENGES]), "verdicts") for t in rng.sample(NAMES, rng.randint(0, 3))]
        meta = {"type": "evidence", "status": rng.choice(["current", "retracted"])}
        notes.append(Note(path=f"e{k}.md", name=f"e{k}", type="evidence", meta=meta, links=verdicts))
    graph = build(notes)
    return ClaimBase(Path("."), notes, graph, label(graph), LoadStats())


@pytest.mark.parametrize("seed", range(40))
def test_cone_agrees_with_full_relabel(seed):
    rng = random.Random(seed)
    base = random_base(rng)
    labels = base.labels
    for root in range(len(base.notes)):
        stands = labels if labels.state[root] == IN else label(base.graph, {root: (IN, 1.0)})
        falls = labels if labels.state[root] == OUT else label(base.graph, {root: (OUT, 0.0)})
        expected = {v for v in range(len(base.notes)) if v != root and stands.status[v] != falls.status[v]}
        result = impact(base, root)
        assert {c.node for c in result.changed} == expected, (seed, base.notes[root].name)
        for c in result.changes:
            assert (c.stands, c.falls) == (stands.status[c.node], falls.status[c.node])


def test_claims_a_note_holds_down(base_dir):
    root = base_dir({
        "p.md": claim(),
        "e.md": evidence({"p": "supports"}),
        "q.md": claim(sources=["paper"], challenged_by=["p"]),
        "paper.md": source(),
    })
    result = run_cli("impact", "p", "-b", str(root))
    assert result.code == 0, result.err
    assert "q  contradicted -> supported" in result.out
    assert "1 claim it challenges stands only while it is out (it stands today" in result.out
