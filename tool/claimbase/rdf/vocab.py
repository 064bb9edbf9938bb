"""Namespaces, the mapping of notes and edges onto published vocabularies, and note IRIs.

Published terms are used wherever one fits (see `schema/README.md` for the full mapping and the
reasons):

* Micropublications (`mp:`) for claims and the argument: `mp:Claim`, `mp:supports`,
  `mp:challenges`, and `mp:indirectlyChallenges` (MP defines it as the chain "directly challenges,
  then supports", which is exactly a challenge to a claim's premise or supporter);
* CiTO for citations (`cito:citesAsEvidence`);
* PROV-O for runs and revisions (`prov:Activity`, `prov:wasGeneratedBy`, `prov:used`,
  `prov:startedAtTime`, `prov:endedAtTime`, `prov:wasAssociatedWith`, `prov:wasRevisionOf`);
* SEPIO for evidence lines (`has_evidence_line`, `has_evidence_item`);
* DCMI terms for titles, descriptions, dates, references and requirements.

What no published vocabulary has - the computed status, the proof standard, a linked premise
argument, the experiment-to-claim test relation - is in the project's namespace `cb:`, described
in `schema/claimbase.ttl`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote

from ..model import CHALLENGES, CITES, DEPENDS_ON, GENERATED_BY, MENTIONS, NEEDS, REVISES, SUPPORTS, TESTS

MP = "http://purl.org/mp/"
CITO = "http://purl.org/spar/cito/"
PROV = "http://www.w3.org/ns/prov#"
OBO = "http://purl.obolibrary.org/obo/"
DCT = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CB = "https://claimbase.dev/ns#"

DEFAULT_BASE_IRI = "urn:claimbase:"

PREFIXES: dict[str, str] = {
    "cb": CB,
    "mp": MP,
    "cito": CITO,
    "prov": PROV,
    "obo": OBO,
    "dcterms": DCT,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
}

TYPE = RDF + "type"
LABEL = RDFS + "label"

# SEPIO terms (OBO identifiers): a claim has evidence lines, each with its evidence items.
HAS_EVIDENCE_LINE = OBO + "SEPIO_0000006"
HAS_EVIDENCE_ITEM = OBO + "SEPIO_0000084"

# Edge kind -> the predicate of a triple (source note, predicate, target note).
EDGE_PREDICATES: dict[str, str] = {
    DEPENDS_ON: CB + "dependsOn",
    SUPPORTS: MP + "supports",
    CHALLENGES: MP + "challenges",
    CITES: CITO + "citesAsEvidence",
    TESTS: CB + "tests",
    GENERATED_BY: CB + "fromExperiment",
    NEEDS: DCT + "requires",
    REVISES: PROV + "wasRevisionOf",
    MENTIONS: DCT + "references",
}
# An evidence verdict "inconclusive" is a mention in the graph, exported with its own predicate.
INCONCLUSIVE = CB + "inconclusiveAbout"
INDIRECTLY_CHALLENGES = MP + "indirectlyChallenges"

# Predicate -> edge kind, for reading an export back.
EDGE_KINDS_BY_PREDICATE: dict[str, str] = {p: k for k, p in EDGE_PREDICATES.items()}
EDGE_KINDS_BY_PREDICATE[INCONCLUSIVE] = MENTIONS

NOTE = CB + "Note"
CLAIM = MP + "Claim"
# Note type -> published classes besides cb:Note.
TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "claim": (CLAIM,),
    "position": (CLAIM,),
    "belief": (CLAIM,),
    "conviction": (CLAIM,),
    "source": (DCT + "BibliographicResource",),
    "evidence": (MP + "Data", PROV + "Entity"),
    "experiment": (MP + "Method", PROV + "Plan"),
}

STATUS_TERMS: dict[str, str] = {
    "supported": CB + "Supported",
    "unsupported": CB + "Unsupported",
    "undermined": CB + "Undermined",
    "circular": CB + "Circular",
    "contradicted": CB + "Contradicted",
    "contested": CB + "Contested",
    "in": CB + "In",
    "out": CB + "Out",
}
STATUS_BY_TERM = {v: k for k, v in STATUS_TERMS.items()}

CONFIDENCE_TERMS: dict[str, str] = {
    "speculative": CB + "Speculative",
    "experimental": CB + "Experimental",
    "likely": CB + "Likely",
    "proven": CB + "Proven",
}
# The proof standard each declared confidence is held to (Carneades; see semantics.py).
PROOF_STANDARDS: dict[str, str] = {
    "speculative": CB + "NoStandard",
    "experimental": CB + "Scintilla",
    "likely": CB + "Preponderance",
    "proven": CB + "DialecticalValidity",
}

PRO = CB + "Pro"
CON = CB + "Con"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def encode(text: str) -> str:
    """Percent-encode a name for use in an IRI: NFC first, then every byte outside the
    unreserved set (letters, digits, `-._~`) of its UTF-8 form."""
    return quote(nfc(text), safe="")


def decode(text: str) -> str:
    return unquote(text)


def name_iri(base_iri: str, name: str) -> str:
    """The IRI of the note called `name` (file name without `.md`)."""
    return f"{base_iri}note/{encode(name)}"


def path_iri(base_iri: str, path: str) -> str:
    """The IRI of a note identified by its base-relative path (used when its name is shared):
    each path segment is encoded, the slashes kept, `.md` dropped."""
    stem = path[:-3] if path.lower().endswith(".md") else path
    return f"{base_iri}path/" + "/".join(encode(part) for part in stem.split("/"))


def check_base_iri(base_iri: str) -> str | None:
    """Why `base_iri` cannot prefix note IRIs, or None if it can."""
    if not base_iri:
        return "the base IRI is empty"
    if any(c in base_iri for c in ' <>"{}|\\^`') or any(ord(c) < 0x21 for c in base_iri):
        return f"the base IRI {base_iri!r} contains a character not allowed in an IRI"
    scheme, colon, _ = base_iri.partition(":")
    if not colon or not scheme or not (scheme[0].isascii() and scheme[0].isalpha()):
        return f"the base IRI {base_iri!r} has no scheme (e.g. urn:claimbase: or https://example.org/claims/)"
    if not base_iri.endswith(("/", "#", ":")):
        return f"the base IRI {base_iri!r} should end with '/', '#' or ':' so that names can follow it"
    return None
