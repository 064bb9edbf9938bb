"""Every rule: a fixture that triggers it and one that does not; every rule documented."""

from __future__ import annotations

import json

import pytest

from claimbase import open_base
from claimbase.config import Config
from claimbase.lint import lint
from claimbase.rules import all_rules
from claimbase.rules.base import DOC_SECTIONS

from conftest import claim, evidence, source

def _experiment(run: str = "claimbase.jobs.toy:effect", needs: str | None = None, metric: str = "delta") -> str:
    needs_line = f"\n  needs: [{json.dumps(needs)}]" if needs else ""
    return (f"---\ntype: experiment\ndescription: An experiment.\njob:\n  run: {run}{needs_line}\n"
            f"tests:\n  - claim: \"[[c]]\"\n    prediction: {{metric: {metric}, direction: greater}}\n---\n")


GOOD = {
    "a.md": claim(confidence="likely", sources=["paper"], body="See [[b]]."),
    "b.md": claim(confidence="experimental", depends_on=["a"]),
    "paper.md": source(year=2020),
}

CASES = {
    "unreadable-file": {"x.md": b"\x00\x01\x02 binary"},
    "invalid-frontmatter": {"x.md": "---\ntype: claim\ndescription: 'unclosed\nconfidence: likely\n---\n"},
    "missing-field": {"x.md": "---\ntype: claim\ndescription: no confidence here\n---\n"},
    "invalid-field": {"x.md": claim(confidence="speculative", created="2026-02-00")},
    "broken-link": {"x.md": claim(body="Links to [[nowhere at all]].")},
    "ambiguous-link": {
        "one/same.md": claim(),
        "two/same.md": claim(description="another"),
        "x.md": claim(body="[[same]]"),
    },
    "unsupported-claim": {"x.md": claim()},
    "overconfident-claim": {"x.md": claim(confidence="proven", sources=["paper"]), "paper.md": source()},
    "circular-support": {"x.md": claim(depends_on=["y"]), "y.md": claim(depends_on=["x"])},
    "contradicted-claim": {"x.md": claim(sources=["paper"]), "paper.md": source(), "e.md": evidence({"x": "challenges"})},
    "contested-claim": {"x.md": claim(), "e1.md": evidence({"x": "supports"}), "e2.md": evidence({"x": "challenges"})},
    "weakened-premise": {"x.md": claim(depends_on=["y"]), "y.md": claim()},
    "duplicate-claim": {"one/the same claim.md": claim(), "two/The Same Claim.md": claim(description="other")},
    "missing-entry-point": {"x.md": _experiment("claimbase.jobs.toy:no_such_function")},
    "unknown-upstream": {"x.md": _experiment(needs="[[a claim, not an experiment]]"), "a claim, not an experiment.md": claim()},
    "needs-cycle": {"x.md": _experiment(needs="[[y]]"), "y.md": _experiment(needs="[[x]]")},
    "unknown-metric": {"x.md": _experiment(metric="no_such_metric")},
    "stale-evidence": {
        "x.md": _experiment(),
        "e.md": evidence({"c": "supports"}, experiment="[[x]]", run={"key": "0" * 20, "versions": {"python": "3.11"}}),
    },
    "unused-suppression": {"x.md": claim(sources=["paper"], body="<!-- claims: ignore broken-link -->\nNo links here."), "paper.md": source()},
}


def run(root, select=None):
    config = Config(base=root, select=[select] if select else ["ALL"])
    return lint(open_base(root, config, use_cache=False), config).findings


def test_every_rule_has_a_case():
    assert {r.slug for r in all_rules()} <= set(CASES)


@pytest.mark.parametrize("slug", sorted(CASES))
def test_rule_triggers(base_dir, slug):
    root = base_dir(CASES[slug])
    found = [f for f in run(root, slug)]
    assert found, f"{slug} did not fire"
    assert all(f.rule == slug for f in found)
    assert all(f.line >= 1 and f.col >= 1 and f.message for f in found)


@pytest.mark.parametrize("slug", sorted(CASES))
def test_rule_quiet_on_good_base(base_dir, slug):
    root = base_dir(GOOD)
    assert [f for f in run(root, slug)] == []


def test_good_base_is_clean(base_dir):
    assert run(base_dir(GOOD)) == []


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.slug)
def test_rule_is_documented(rule):
    sections = rule.sections()
    for section in DOC_SECTIONS:
        assert sections.get(section), f"{rule.slug} lacks a '{section}' section"
    assert rule.code[0].isalpha() and rule.code[1:].isdigit()


def test_codes_and_slugs_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.slug for r in rules}) == len(rules)


def test_did_you_mean(base_dir):
    root = base_dir({"the alignment tax is negative.md": claim(), "x.md": claim(body="[[the alignment tax is negativ]] and [[The-Alignment-Tax-Is-Negative]]")})
    messages = [f.message for f in run(root, "broken-link")]
    assert len(messages) == 2  # a typo and a hyphenated variant; case alone would have resolved
    assert all("did you mean 'the alignment tax is negative'" in m for m in messages)


def test_hyphen_variant_is_fixable(base_dir):
    root = base_dir({"the alignment tax is negative.md": claim(), "x.md": claim(body="See [[the-alignment-tax-is-negative]].")})
    found = run(root, "broken-link")
    assert found and found[0].fix is not None


def test_confidence_above_weakest_premise(base_dir):
    root = base_dir({"p.md": claim(confidence="speculative", sources=["s"]), "s.md": source(), "c.md": claim(confidence="likely", depends_on=["p"])})
    messages = [f.message for f in run(root, "overconfident-claim")]
    assert any("weakest premise 'p'" in m for m in messages)


def test_heading_links_checked(base_dir):
    root = base_dir({"t.md": claim(body="## Evidence\n"), "x.md": claim(body="[[t#Evidence]] [[t#Nope]]")})
    messages = [f.message for f in run(root, "broken-link")]
    assert messages == ["'t' has no heading 'Nope'"]
