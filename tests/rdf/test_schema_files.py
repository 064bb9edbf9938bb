"""schema/: the JSON Schema files are what `claims schema --write` generates, and they accept the
frontmatter of the project's own notes."""

from __future__ import annotations

import json

import jsonschema
import pytest

from claimbase import open_base
from claimbase.schema import REQUIRED

from conftest import ROOT, run_cli

SCHEMA_DIR = ROOT / "schema"


def test_schema_files_match_the_checker(tmp_path):
    result = run_cli("schema", "--write", str(tmp_path))
    assert result.code == 0, result.err
    written = sorted(p.name for p in tmp_path.glob("*.schema.json"))
    assert written == sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json"))
    assert written == sorted(f"{t}.schema.json" for t in REQUIRED)
    for name in written:
        assert (SCHEMA_DIR / name).read_text() == (tmp_path / name).read_text(), (
            f"schema/{name} is stale: run `claims schema --write schema/`"
        )


@pytest.fixture(scope="module")
def project_notes():
    return open_base(ROOT / "claims", use_cache=False).notes


@pytest.mark.parametrize("note_type", sorted(REQUIRED))
def test_schemas_are_valid_json_schema(note_type):
    schema = json.loads((SCHEMA_DIR / f"{note_type}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)


def test_project_notes_validate(project_notes):
    validators = {
        t: jsonschema.Draft202012Validator(
            json.loads((SCHEMA_DIR / f"{t}.schema.json").read_text()),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for t in REQUIRED
    }
    checked = 0
    for note in project_notes:
        validator = validators.get(note.type or "")
        if validator is None:
            continue
        errors = [f"{note.path}: {e.json_path}: {e.message}" for e in validator.iter_errors(note.meta)]
        assert not errors, "\n".join(errors)
        checked += 1
    assert checked == len(project_notes) >= 127  # the seed claims, plus experiments and evidence


def test_schemas_reject_what_the_linter_rejects():
    claim_schema = json.loads((SCHEMA_DIR / "claim.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(claim_schema)
    good = {"type": "claim", "description": "d", "confidence": "likely", "created": "2026-11-22"}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({**good, "confidence": "moderate"}))
    assert list(validator.iter_errors({**good, "created": "22 Nov 2026"}))
    assert list(validator.iter_errors({"type": "claim", "description": "no confidence"}))
