"""Time the argument semantics alone on large synthetic argument graphs.

    PYTHONPATH=tool python bench/semantics_bench.py [--claims 100000] [--repeat 3]

Builds, in memory, a graph of N claims with a realistic mix of arguments (sources cited, evidence
for and against, depends_on chains, challenges between claims, a few support and attack cycles), then
times `semantics.label` only (the target: 100,000 claims in <= 1 s on a 2-core machine).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from claimbase.graph import build
from claimbase.model import CHALLENGES, CITES, DEPENDS_ON, SUPPORTS, Link, Note
from claimbase.semantics import label


def _link(target: str, kind: str) -> Link:
    return Link(target=target, key=target, line=1, col=1, kind=kind)


def synthetic(n_claims: int, seed: int = 1) -> list[Note]:
    rng = random.Random(seed)
    n_sources = n_claims // 10
    n_evidence = n_claims // 5
    notes: list[Note] = []
    for i in range(n_claims):
        links = []
        r = rng.random()
        if r < 0.6:
            links.append(_link(f"s{rng.randrange(n_sources)}", CITES))
        if i > 10 and rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                links.append(_link(f"c{rng.randrange(i)}", DEPENDS_ON))  # premises are earlier claims
        if rng.random() < 0.08:
            links.append(_link(f"c{rng.randrange(n_claims)}", CHALLENGES))  # attacks may form cycles
        if rng.random() < 0.02:
            links.append(_link(f"c{rng.randrange(n_claims)}", SUPPORTS))  # so may support
        notes.append(Note(path=f"c{i}.md", name=f"c{i}", type="claim", links=links))
    notes += [Note(path=f"s{i}.md", name=f"s{i}", type="source") for i in range(n_sources)]
    for i in range(n_evidence):
        kind = SUPPORTS if rng.random() < 0.7 else CHALLENGES
        notes.append(Note(path=f"e{i}.md", name=f"e{i}", type="evidence", links=[_link(f"c{rng.randrange(n_claims)}", kind)]))
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    notes = synthetic(args.claims)
    graph = build(notes)
    print(f"{args.claims:,} claims, {len(notes):,} notes, {len(graph.edges):,} edges")
    times = []
    for _ in range(args.repeat):
        gc.disable()
        started = time.perf_counter()
        labels = label(graph)
        times.append(time.perf_counter() - started)
        gc.enable()
    counts = labels.counts(notes)
    print("statuses: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"semantics: median {statistics.median(times):.3f} s over {args.repeat} runs (target <= 1 s)")


if __name__ == "__main__":
    main()
