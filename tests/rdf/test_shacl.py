"""The SHACL shapes in schema/shapes.ttl hold for real exports, and fail on broken ones."""

from __future__ import annotations

import pyshacl
import pytest
import rdflib
from rdflib import Literal, URIRef

from claimbase import open_base
from claimbase.rdf import vocab
from claimbase.rdf.export import export
from claimbase.rdf.turtle import to_turtle

from conftest import ROOT
from rdf_bases import RICH

CB = rdflib.Namespace(vocab.CB)


@pytest.fixture(scope="module")
def shapes():
    return rdflib.Graph().parse(ROOT / "schema" / "shapes.ttl")


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    return conforms, text


def exported(root) -> rdflib.Graph:
    base = open_base(root, use_cache=False)
    return rdflib.Graph().parse(data=to_turtle(export(base)), format="turtle")


def test_the_project_base_conforms(shapes):
    conforms, text = validate(exported(ROOT / "claims"), shapes)
    assert conforms, text


def test_a_base_with_runs_conforms(shapes, base_dir):
    conforms, text = validate(exported(base_dir(RICH)), shapes)
    assert conforms, text


def claim_iri(name: str) -> URIRef:
    return URIRef(vocab.name_iri(vocab.DEFAULT_BASE_IRI, name))


@pytest.mark.parametrize(
    "breakage,expected",
    [
        ("second-status", "exactly one computed status"),
        ("weights-disagree", "contradicted claim's weight against must exceed"),
        ("no-path", "exactly one path"),
        ("bad-argument", "Argument"),
    ],
)
def test_broken_exports_fail(shapes, base_dir, breakage, expected):
    g = exported(base_dir(RICH))
    x = claim_iri("x")
    if breakage == "second-status":
        g.add((x, CB.status, CB.Supported))
    elif breakage == "weights-disagree":
        g.set((x, CB.proWeight, Literal("2.0", datatype=rdflib.XSD.decimal)))
    elif breakage == "no-path":
        g.remove((x, CB.path, None))
    elif breakage == "bad-argument":
        line = next(g.objects(x, URIRef(vocab.HAS_EVIDENCE_LINE)))
        g.set((line, CB.direction, CB.Sideways))
    conforms, text = validate(g, shapes)
    assert not conforms
    assert expected in text
