"""Small claim bases shared by the linked-data tests."""

from __future__ import annotations

from conftest import claim, evidence, source

# A base with every edge kind, a contradicted claim with a dependant, a run with provenance,
# superseded evidence, an alias, a name shared by two notes, and an accented name.
RICH = {
    "a.md": claim(confidence="likely", sources=["paper"], body="Mentions [[b]]."),
    "b.md": claim(confidence="experimental", depends_on=["a"]),
    "x.md": claim(sources=["paper"]),
    "y.md": claim(depends_on=["x"]),
    "z.md": claim(supported_by=["y"], challenged_by=["a"]),
    "Café au lait is a claim.md": claim(body="See [[a]]."),
    "renamed claim.md": "---\ntype: claim\ndescription: \"Was called 'old claim name'.\"\nconfidence: speculative\n"
    "aliases: [old claim name]\n---\nBody.\n",
    "paper.md": source(title="A paper", year=2020, authors=["A. Author"], url="https://example.org/paper", doi="10.1/xyz"),
    "one/_map.md": "---\ntype: map\n---\n[[a]]\n",
    "two/_map.md": "---\ntype: map\n---\n[[b]]\n",
    "experiments/exp.md": "---\ntype: experiment\ndescription: Tests x.\ntests:\n  - claim: \"[[x]]\"\n"
    "    prediction: {metric: effect, direction: greater}\njob: {run: 'lab.demo:run', needs: ['[[exp0]]']}\n---\nBody.\n",
    "experiments/exp0.md": "---\ntype: experiment\ndescription: Upstream.\ntests:\n  - claim: \"[[a]]\"\n"
    "    prediction: {metric: m, direction: less}\njob: {run: 'lab.demo:run0'}\n---\nBody.\n",
    "evidence/e1.md": "---\ntype: evidence\nexperiment: \"[[exp]]\"\nverdicts:\n  - claim: \"[[x]]\"\n    verdict: challenges\n"
    "  - claim: \"[[a]]\"\n    verdict: inconclusive\n"
    "run: {key: abc123, profile: standard, started: '2026-11-20T10:00:00+00:00', ended: '2026-11-20T10:05:00+00:00',"
    " host: box, executor: local, seeds: [0, 1], inputs: {params: 'f00d'}}\n"
    "metrics: {effect: {mean: -0.2, low: -0.3, high: -0.1}}\n---\nA result.\n",
    "evidence/e0.md": evidence({"x": "supports"}, status="superseded", superseded_by="[[e1]]"),
}

SMALL = {
    "a.md": claim(confidence="likely", sources=["paper"]),
    "b.md": claim(depends_on=["a"]),
    "c.md": claim(supported_by=["a"]),
    "paper.md": source(),
}
