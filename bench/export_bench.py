"""Benchmark of the linked-data export: a 10,000-note base to Turtle, and the documented
"contradicted claims with their evidence" SPARQL query on it.

The base is a synthetic one from `synth.py` (clean of planted defects unless asked), to which this
script adds experiments and evidence notes through synth's `extra_notes` hook: about 1 % of the
notes are experiments and 9 % evidence notes with `experiment:`, `verdicts:`, `run:` and
`metrics:`, so that the export carries PROV runs and the query finds contradicted claims with
experimental evidence.  The total is exactly `--notes` files.

Figures (each the median of `--repeat` runs, in this process, base already parsed):

* open   - `open_base` with a warm parse cache (what every command pays first);
* export - labelled graph -> triples (`rdf.export.export`);
* turtle - triples -> Turtle text (`rdf.turtle.to_turtle`);
* export+turtle - the figure held to the 5 s target;
* cli    - `claims export BASE -o FILE` end to end in a fresh process (warm cache), once;
* load   - triples -> rdflib in-memory Graph (not part of the 1 s query target);
* query  - the contradicted-claims query on the loaded graph: first run (parses the query) and
  the median of repeats; the 1 s target is on the first run.

With `--oxigraph`, the same query is also run on a pyoxigraph store loaded from N-Triples (if
pyoxigraph is importable), for the comparison reported in docs/linked-data.md.

    PYTHONPATH=tool python bench/export_bench.py [--notes 10000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tool"))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

QUERY_FILE = ROOT / "queries" / "contradicted-claims.rq"
EXPERIMENT_SHARE = 0.01
EVIDENCE_SHARE = 0.09


def evidence_notes(n_experiments: int, n_evidence: int) -> Callable:
    """An `extra_notes` hook writing experiments and the evidence their runs produced."""

    def make(catalog: "synth.Catalog", rng: random.Random) -> Iterable[tuple[str, bytes]]:
        claims = catalog.claims
        experiments = []
        for k in range(n_experiments):
            tested = rng.sample(claims, k=min(3, len(claims)))
            name = f"exp-{k:04d} measures {tested[0].name[:60]}".strip()
            experiments.append((name, tested))
            lines = ["---", "type: experiment", f"description: {json.dumps('Tests ' + tested[0].name)}", "tests:"]
            for claim in tested:
                lines += [f"  - claim: {json.dumps('[[' + claim.name + ']]')}",
                          "    prediction: {metric: effect, direction: greater, sesoi: 0.1, statistic: mean}"]
            lines += ["job: {run: 'lab.bench:run', seeds: [0, 1, 2]}", "---", "An experiment.", ""]
            yield f"experiments/{name}.md", "\n".join(lines).encode("utf-8")
        for k in range(n_evidence):
            name, tested = experiments[k % len(experiments)]
            claim = rng.choice(tested)
            verdict = rng.choices(("supports", "challenges", "inconclusive"), weights=(5, 4, 1))[0]
            effect = round(rng.uniform(-0.5, 0.8), 3)
            day = 1 + k % 28
            lines = [
                "---",
                "type: evidence",
                f"experiment: {json.dumps('[[' + name + ']]')}",
                "verdicts:",
                f"  - claim: {json.dumps('[[' + claim.name + ']]')}",
                f"    verdict: {verdict}",
                f"run: {{key: run-{k:05d}, profile: standard, started: '2026-11-{day:02d}T10:00:00+00:00',"
                f" ended: '2026-11-{day:02d}T10:07:30+00:00', host: bench, executor: local, seeds: [0, 1, 2],"
                f" inputs: {{code: '{k * 7919 % 10**8:032x}'}}}}",
                f"metrics: {{effect: {{mean: {effect}, low: {effect - 0.1:.3f}, high: {effect + 0.1:.3f}}}}}",
                "created: 2026-11-22",
                "---",
                f"Run {k} of [[{name}]].",
                "",
            ]
            yield f"evidence/ev-{k:05d}.md", "\n".join(lines).encode("utf-8")

    return make


def make_base(out: Path, n_notes: int, seed: int, defect_rate: float) -> Path:
    marker = out / ".bench-done"
    tag = f"{synth.GENERATOR_VERSION}/{n_notes}/{seed}/{defect_rate}/evidence-1"
    if marker.exists() and marker.read_text() == tag:
        return out
    if out.exists():
        import shutil

        shutil.rmtree(out)
    n_exp = max(1, int(n_notes * EXPERIMENT_SHARE))
    n_ev = max(1, int(n_notes * EVIDENCE_SHARE))
    synth.generate(out, n_notes - n_exp - n_ev, seed=seed, defect_rate=defect_rate,
                   extra_notes=evidence_notes(n_exp, n_ev))
    marker.write_text(tag)
    return out


def timed(fn: Callable, repeat: int) -> tuple[list[float], object]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark claims export (Turtle) and a SPARQL query.")
    parser.add_argument("--notes", type=int, default=10_000, help="size of the synthetic base (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect-rate", type=float, default=0.0, help="share of files with planted defects (default 0)")
    parser.add_argument("--repeat", type=int, default=3, help="repeats per figure; the median is reported")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out", help="where bases and outputs go")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--oxigraph", action="store_true", help="also time the query on a pyoxigraph store")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end `claims export` run")
    args = parser.parse_args(argv)

    from claimbase.base import open_base
    from claimbase.rdf.export import export, to_rdflib
    from claimbase.rdf.query import run
    from claimbase.rdf.turtle import to_ntriples, to_turtle

    gc.disable()  # as the CLI does
    base_dir = make_base(args.out / f"export-{args.notes}-seed{args.seed}", args.notes, args.seed, args.defect_rate)
    open_base(base_dir)  # fill the parse cache
    t_open, base = timed(lambda: open_base(base_dir), args.repeat)
    t_export, data = timed(lambda: export(base), args.repeat)
    t_turtle, text = timed(lambda: to_turtle(data), args.repeat)
    t_both, _ = timed(lambda: to_turtle(export(base)), args.repeat)
    figures: dict[str, object] = {
        "notes": len(base.notes),
        "edges": len(base.graph.edges),
        "triples": len(data),
        "turtle_mb": round(len(text.encode("utf-8")) / 1e6, 1),
        "contradicted": base.labels.counts(base.notes)["contradicted"],
        "open_warm_s": statistics.median(t_open),
        "export_s": statistics.median(t_export),
        "turtle_s": statistics.median(t_turtle),
        "export_turtle_s": statistics.median(t_both),
    }
    if not args.no_cli:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "tool")}
        target = args.out / "export-bench.ttl"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "claimbase", "export", str(base_dir), "-o", str(target)],
                       check=True, env=env, capture_output=True)
        figures["cli_export_s"] = time.perf_counter() - started
    t_load, graph = timed(lambda: to_rdflib(data), 1)
    figures["rdflib_load_s"] = t_load[0]
    query = QUERY_FILE.read_text(encoding="utf-8")
    t_query, answer = timed(lambda: run(graph, query), args.repeat + 1)
    figures["query_first_s"] = t_query[0]
    figures["query_median_s"] = statistics.median(t_query[1:])
    figures["query_rows"] = len(answer.rows)  # type: ignore[attr-defined]
    if args.oxigraph:
        figures.update(_oxigraph(to_ntriples(data), query, args.repeat))
    figures["load_average"] = os.getloadavg()[0]

    print(f"base: {figures['notes']:,} notes, {figures['edges']:,} edges, {figures['contradicted']} contradicted claims")
    print(f"export: {figures['triples']:,} triples, {figures['turtle_mb']} MB of Turtle")
    print(f"  open (warm cache)       {figures['open_warm_s']:.2f} s")
    print(f"  graph -> triples        {figures['export_s']:.2f} s")
    print(f"  triples -> Turtle       {figures['turtle_s']:.2f} s")
    print(f"  export to Turtle        {figures['export_turtle_s']:.2f} s   (target <= 5 s)")
    if "cli_export_s" in figures:
        print(f"  claims export -o FILE   {figures['cli_export_s']:.2f} s   (fresh process, warm cache)")
    print(f"query: {figures['query_rows']} rows")
    print(f"  load into rdflib        {figures['rdflib_load_s']:.2f} s")
    print(f"  query, first run        {figures['query_first_s']:.3f} s   (target <= 1 s after load)")
    print(f"  query, median of rest   {figures['query_median_s']:.3f} s")
    if "oxigraph_load_s" in figures:
        print(f"  pyoxigraph: load {figures['oxigraph_load_s']:.2f} s, query first {figures['oxigraph_query_first_s']:.3f} s,"
              f" median {figures['oxigraph_query_median_s']:.3f} s, {figures['oxigraph_rows']} rows")
    print(f"load average: {figures['load_average']:.2f} ({os.cpu_count()} CPUs); medians of {args.repeat}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def _oxigraph(ntriples: str, query: str, repeat: int) -> dict[str, object]:
    try:
        import pyoxigraph
    except ImportError:
        print("pyoxigraph is not installed; skipping the comparison", file=sys.stderr)
        return {}
    from claimbase.rdf.query import namespaces

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in namespaces("urn:claimbase:").items())
    started = time.perf_counter()
    store = pyoxigraph.Store()
    store.bulk_load(ntriples.encode("utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    load = time.perf_counter() - started
    times, rows = timed(lambda: list(store.query(prologue + query)), repeat + 1)
    return {
        "oxigraph_load_s": load,
        "oxigraph_query_first_s": times[0],
        "oxigraph_query_median_s": statistics.median(times[1:]),
        "oxigraph_rows": len(rows),  # type: ignore[arg-type]
    }


if __name__ == "__main__":
    sys.exit(main())
