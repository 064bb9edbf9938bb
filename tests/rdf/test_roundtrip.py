"""Round trip: export to Turtle (and N-Triples, JSON-LD), read it back, get the same graph -
the same notes with the same statuses and weights, the same typed edges."""

from __future__ import annotations

import pytest

from claimbase import open_base
from claimbase.rdf.export import export
from claimbase.rdf.load import LoadError, read_rdf, summary, summary_of_rdf
from claimbase.rdf.turtle import to_jsonld, to_ntriples, to_turtle

from conftest import ROOT
from rdf_bases import RICH

WRITERS = {".ttl": to_turtle, ".nt": to_ntriples, ".jsonld": to_jsonld}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_round_trip_of_a_rich_base(base_dir, tmp_path, suffix):
    base = open_base(base_dir(RICH), use_cache=False)
    path = tmp_path / f"export{suffix}"
    path.write_text(WRITERS[suffix](export(base)), encoding="utf-8")
    expected = summary(base)
    found = summary_of_rdf(read_rdf(path))
    assert found.notes == expected.notes
    assert found.edges == expected.edges
    kinds = {kind for _, _, kind in expected.edges}
    assert kinds == {"mentions", "cites", "depends_on", "revises", "supports", "generated_by", "challenges", "tests", "needs"}


def test_round_trip_of_the_project_base(tmp_path):
    base = open_base(ROOT / "claims", use_cache=False)
    path = tmp_path / "claims.ttl"
    path.write_text(to_turtle(export(base, "https://example.org/claims/")), encoding="utf-8")
    expected = summary(base)
    found = summary_of_rdf(read_rdf(path))
    assert len(found.notes) == len(base.notes) >= 127  # the seed claims, plus experiments and evidence
    assert found.notes == expected.notes
    assert found.edges == expected.edges


def test_unreadable_rdf_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(LoadError, match="bad.ttl: not valid turtle"):
        read_rdf(bad)
    with pytest.raises(LoadError, match="cannot tell the RDF format"):
        read_rdf(tmp_path / "x.txt")
    with pytest.raises(LoadError, match="no such file"):
        read_rdf(tmp_path / "missing.ttl")
