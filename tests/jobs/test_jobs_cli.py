"""`claims run` options and settings: bad ones get one clear line, never a traceback."""

from __future__ import annotations

import pytest

from jobkit import claims, experiment, project


@pytest.mark.parametrize("args, settings, message", [
    (["--executor", "ray"], "", "unknown --executor 'ray'; choose local or dask"),
    (["--address", "tcp://127.0.0.1:1"], "", "--address needs --executor dask"),
    (["--jobs", "0"], "", "Invalid value for '--jobs'"),
    ([], "[tool.claims.run]\nworkers = 3\n", "unknown setting 'workers'"),
    ([], "[tool.claims.run]\njobs = \"many\"\n", "jobs should be a int, found 'many'"),
    ([], "evidence-dir = \"../outside\"\n", "evidence-dir '../outside' must be a folder inside the base"),
    (["fine", "--profile", "smoke", "--dry-run"], "", ""),
    (["fine", "--profile", "smok", "--dry-run"], "",
     "no selected experiment defines the profile 'smok' (defined: extended, smoke, standard)"),
])
def test_bad_options_and_settings(tmp_path, args, settings, message):
    project(tmp_path, {"fine.md": experiment()})
    if settings:
        text = (tmp_path / "pyproject.toml").read_text()
        if settings.startswith("[tool.claims.run]"):
            text += settings
        else:
            text = text.replace('base = "base"\n', 'base = "base"\n' + settings)
        (tmp_path / "pyproject.toml").write_text(text)
    result = claims(tmp_path, "run", *args)
    if not message:
        assert result.code == 0, result.err
        return
    assert result.code == 2, result.out
    assert message in result.err and "Traceback" not in result.err


def test_a_base_without_experiments(tmp_path):
    project(tmp_path, {})
    result = claims(tmp_path, "run")
    assert result.code == 0 and "no experiments in the base" in result.out


def test_naming_a_claim_is_refused(tmp_path):
    project(tmp_path, {"fine.md": experiment()})
    result = claims(tmp_path, "run", "c")
    assert result.code == 2 and "'c' is a claim, not an experiment" in result.err


def test_a_profile_of_the_notes_own_is_accepted(tmp_path):
    project(tmp_path, {"fine.md": experiment(profiles={"quick": {"seeds": [0]}})})
    result = claims(tmp_path, "run", "--profile", "quick", "--dry-run")
    assert result.code == 0, result.err
    assert "profile quick" in result.out
    assert claims(tmp_path, "run", "--profile", "quik", "--dry-run").code == 2
