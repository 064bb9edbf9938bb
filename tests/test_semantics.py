"""The argument semantics on small graphs whose labels were worked out by hand."""

from __future__ import annotations

import time

import pytest

from claimbase import open_base
from claimbase.graph import build
from claimbase.model import CHALLENGES, DEPENDS_ON, SUPPORTS, Link, Note
from claimbase.semantics import label

from conftest import claim, evidence, source


def statuses(base_dir, files):
    base = open_base(base_dir(files), use_cache=False)
    return {n.name: base.labels.status[i] for i, n in enumerate(base.notes) if n.arguable}, base


def test_evidence_supports_and_unsupported(base_dir):
    s, _ = statuses(base_dir, {"a.md": claim(), "b.md": claim(), "e.md": evidence({"a": "supports"})})
    assert s == {"a": "supported", "b": "unsupported"}


def test_tie_is_contested(base_dir):
    s, base = statuses(
        base_dir,
        {"a.md": claim(), "e1.md": evidence({"a": "supports"}), "e2.md": evidence({"a": "challenges"})},
    )
    assert s["a"] == "contested"
    i = base.index("a")
    assert base.labels.pro[i] == base.labels.con[i] == 1


def test_stronger_con_contradicts(base_dir):
    s, _ = statuses(base_dir, {"a.md": claim(sources=["p"]), "p.md": source(), "e.md": evidence({"a": "challenges"})})
    assert s["a"] == "contradicted"  # a citation (0.5) against a failed prediction (1)


def test_mutual_attack_is_contested(base_dir):
    s, _ = statuses(
        base_dir,
        {
            "a.md": claim(challenged_by=["b"]),
            "b.md": claim(challenged_by=["a"]),
            "ea.md": evidence({"a": "supports"}),
            "eb.md": evidence({"b": "supports"}),
        },
    )
    assert s == {"a": "contested", "b": "contested"}  # grounded semantics leaves both undecided


def test_odd_attack_cycle_is_contested(base_dir):
    files = {
        "a.md": claim(challenged_by=["c"]),
        "b.md": claim(challenged_by=["a"]),
        "c.md": claim(challenged_by=["b"]),
        "e.md": evidence({"a": "supports", "b": "supports", "c": "supports"}),
        "d.md": claim(depends_on=["a"]),
    }
    s, _ = statuses(base_dir, files)
    assert s == {"a": "contested", "b": "contested", "c": "contested", "d": "contested"}


def test_unattacked_attacker_defeats(base_dir):
    # b attacks a; b is supported and unattacked: a (weight-1 support) ties b's weight 1 -> contested
    # c attacks b with an evidence-backed argument, which defeats b; then a stands.
    files = {
        "a.md": claim(challenged_by=["b"]),
        "b.md": claim(challenged_by=["c"]),
        "c.md": claim(),
        "e.md": evidence({"a": "supports", "b": "supports", "c": "supports"}),
        "e2.md": evidence({"c": "supports"}),
    }
    s, _ = statuses(base_dir, files)
    assert s["c"] == "supported"
    assert s["b"] == "contested"  # tie: evidence for b (1) vs c (1)
    assert s["a"] == "supported"  # b is Out, so its attack weighs 0


def test_support_cycle_is_circular(base_dir):
    s, _ = statuses(base_dir, {"a.md": claim(supported_by=["b"]), "b.md": claim(supported_by=["a"])})
    assert s == {"a": "circular", "b": "circular"}


def test_depends_on_cycle_is_circular(base_dir):
    s, _ = statuses(base_dir, {"a.md": claim(depends_on=["b"]), "b.md": claim(depends_on=["a"]), "c.md": claim(supported_by=["a"])})
    assert s == {"a": "circular", "b": "circular", "c": "circular"}


def test_support_cycle_with_outside_support_is_well_founded(base_dir):
    files = {
        "a.md": claim(supported_by=["b"]),
        "b.md": claim(supported_by=["a"]),
        "e.md": evidence({"a": "supports"}),
    }
    s, base = statuses(base_dir, files)
    assert s == {"a": "supported", "b": "supported"}  # b rests on a, which rests on the evidence
    assert base.labels.strength[base.index("b")] == 1


def test_defeated_premise_without_other_support_undermines(base_dir):
    files = {
        "p.md": claim(),
        "e.md": evidence({"p": "challenges"}),
        "c.md": claim(depends_on=["p"]),
    }
    s, _ = statuses(base_dir, files)
    assert s == {"p": "contradicted", "c": "undermined"}


def test_defeated_premise_with_independent_support(base_dir):
    files = {
        "p.md": claim(),
        "e.md": evidence({"p": "challenges"}),
        "c.md": claim(depends_on=["p"]),
        "e2.md": evidence({"c": "supports"}),
    }
    s, _ = statuses(base_dir, files)
    assert s == {"p": "contradicted", "c": "supported"}


def test_missing_premise_undermines(base_dir):
    s, _ = statuses(base_dir, {"c.md": claim(depends_on=["never written"])})
    assert s == {"c": "undermined"}


def test_retracted_and_superseded_evidence_do_not_count(base_dir):
    files = {
        "a.md": claim(),
        "b.md": claim(),
        "c.md": claim(),
        "e1.md": evidence({"a": "supports"}, status="retracted"),
        "e2.md": evidence({"b": "supports"}, superseded_by="[[e3]]"),
        "e3.md": evidence({"b": "challenges"}),
        "e4.md": evidence({"c": "supports"}, smoke=True),
    }
    s, _ = statuses(base_dir, files)
    assert s == {"a": "unsupported", "b": "contradicted", "c": "unsupported"}


def test_weakest_link_caps_a_linked_argument(base_dir):
    files = {
        "p.md": claim(sources=["s"]),
        "s.md": source(),
        "q.md": claim(),
        "eq.md": evidence({"q": "supports"}),
        "c.md": claim(depends_on=["p", "q"]),
    }
    _, base = statuses(base_dir, files)
    c = base.index("c")
    assert base.labels.status[c] == "supported"
    assert base.labels.pro[c] == 0.5  # no stronger than its weakest premise p (a citation)


def test_evidence_against_a_claim_does_not_reach_its_premises(base_dir):
    files = {"p.md": claim(), "ep.md": evidence({"p": "supports"}), "c.md": claim(depends_on=["p"]), "e.md": evidence({"c": "challenges"})}
    s, _ = statuses(base_dir, files)
    assert s == {"p": "supported", "c": "contested"}


@pytest.mark.parametrize(
    "confidence,files,ok",
    [
        ("speculative", {}, True),
        ("experimental", {}, False),
        ("experimental", {"s.md": source()}, True),
        ("likely", {"s.md": source()}, True),
        ("proven", {"s.md": source()}, False),  # a citation alone is not proof
        ("proven", {"s.md": source(), "e.md": evidence({"a": "supports"})}, True),
        ("proven", {"s.md": source(), "e.md": evidence({"a": "supports"}), "f.md": evidence({"a": "challenges"})}, False),
    ],
)
def test_proof_standards(base_dir, confidence, files, ok):
    sources = ["s"] if "s.md" in files else None
    a = claim(confidence=confidence, **({"sources": sources} if sources else {}))
    _, base = statuses(base_dir, {"a.md": a, **files})
    i = base.index("a")
    assert base.labels.meets_standard(i, confidence) is ok


def _note(name: str, links: list[tuple[str, str]] = (), type_: str = "claim") -> Note:
    note = Note(path=f"{name}.md", name=name, type=type_)
    note.links = [Link(target=t, key=t, line=1, col=1, kind=k) for k, t in links]
    return note


def test_long_depends_on_chain_no_recursion_limit():
    n = 100_000
    notes = [_note(f"c{i}", [(DEPENDS_ON, f"c{i + 1}")]) for i in range(n - 1)]
    notes.append(_note(f"c{n - 1}", [(SUPPORTS, "e")]))
    notes[-1].links = []
    notes.append(_note("e", [(SUPPORTS, f"c{n - 1}")], type_="evidence"))
    labels = label(build(notes))
    assert labels.status[0] == "supported"
    assert labels.status[n - 1] == "supported"


def test_long_support_cycle_and_attack_chain_are_fast():
    n = 100_000
    notes = [_note(f"c{i}", [(SUPPORTS, f"c{(i + 1) % n}")]) for i in range(n)]
    notes += [_note(f"d{i}", [(CHALLENGES, f"d{i + 1}")] if i + 1 < n else []) for i in range(n)]
    started = time.perf_counter()
    labels = label(build(notes))
    assert time.perf_counter() - started < 20  # generous: the benchmark measures the real figure
    assert labels.status[0] == "circular"
    assert labels.status[n] == "unsupported"


def test_deterministic(base_dir):
    files = {"a.md": claim(challenged_by=["b"]), "b.md": claim(challenged_by=["a"]), "e.md": evidence({"a": "supports"})}
    first = statuses(base_dir, files)[0]
    assert all(statuses(base_dir, files)[0] == first for _ in range(3))
