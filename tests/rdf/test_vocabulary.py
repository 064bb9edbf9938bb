"""The project's own terms are declared in schema/claimbase.ttl and the mapping documented in
schema/README.md; nothing an export uses is undocumented."""

from __future__ import annotations

import rdflib
from rdflib import RDF

from claimbase import open_base
from claimbase.rdf import vocab
from claimbase.rdf.export import export, to_rdflib

from conftest import ROOT
from rdf_bases import RICH


def used_terms(graph: rdflib.Graph) -> set[str]:
    terms = set(graph.predicates())
    terms |= set(graph.objects(None, RDF.type))
    terms |= {o for o in graph.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(vocab.CB)}
    return {str(t) for t in terms}


def test_every_project_term_is_declared(base_dir):
    declared = rdflib.Graph().parse(ROOT / "schema" / "claimbase.ttl")
    subjects = {str(s) for s in declared.subjects()}
    used = set()
    for root in (ROOT / "claims", base_dir(RICH)):
        used |= used_terms(to_rdflib(export(open_base(root, use_cache=False))))
    own = {t for t in used if t.startswith(vocab.CB)}
    assert own, "the export uses no project terms?"
    assert own <= subjects, sorted(own - subjects)


def test_every_term_is_in_the_mapping_document(base_dir):
    readme = (ROOT / "schema" / "README.md").read_text()
    used = used_terms(to_rdflib(export(open_base(base_dir(RICH), use_cache=False))))
    prefixes = sorted(vocab.PREFIXES.items(), key=lambda kv: -len(kv[1]))
    missing = []
    for term in sorted(used):
        for prefix, ns in prefixes:
            if term.startswith(ns):
                if f"{prefix}:{term[len(ns):]}" not in readme:
                    missing.append(f"{prefix}:{term[len(ns):]}")
                break
    assert not missing, missing
