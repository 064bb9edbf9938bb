"""Helpers for the job tests: a project folder with a claim base, tiny experiment notes, the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from conftest import claim, run_cli, write_base

TOY = "claimbase.jobs.toy"


def experiment(run: str = f"{TOY}:effect", params: dict | None = None, seeds: list[int] | None = None,
               tests: list[dict] | None = None, needs: list[str] | None = None, timeout: float | None = None,
               profiles: dict | None = None, body: str = "An experiment.") -> str:
    """An experiment note; by default it tests claim 'c' on metric delta > 0.1 over seeds 0-2."""
    job: dict[str, Any] = {"run": run, "params": params or {"effect": 0.5, "noise": 0.1}, "seeds": seeds or [0, 1, 2]}
    if needs:
        job["needs"] = [f"[[{n}]]" for n in needs]
    if timeout is not None:
        job["timeout"] = timeout
    meta: dict[str, Any] = {"type": "experiment", "description": "An experiment.", "job": job}
    if profiles:
        meta["profiles"] = profiles
    meta["tests"] = tests if tests is not None else [prediction("c")]
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, default_flow_style=None) + "---\n" + body + "\n"


def prediction(target: str, metric: str = "delta", direction: str = "greater", sesoi: float = 0.1) -> dict:
    return {"claim": f"[[{target}]]", "prediction": {"metric": metric, "direction": direction, "sesoi": sesoi}}


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    """A project at `root`: pyproject.toml naming the base `base/`, the files written into it.
    Returns the base folder.  Job outputs are cached in `root/.claims-cache`."""
    (root / "pyproject.toml").write_text('[tool.claims]\nbase = "base"\n', encoding="utf-8")
    base = root / "base"
    base.mkdir(exist_ok=True)
    files = {"c.md": claim(description="The toy effect is positive.", confidence="experimental"), **files}
    return write_base(base, files)


def claims(root: Path, *args: str, timeout: float = 120, env: dict | None = None):
    """`claims ARGS` run in the project folder (with the project on PYTHONPATH, as a user has it)."""
    extra = {"PYTHONPATH": os.pathsep.join([str(root), str(Path(__file__).resolve().parents[2] / "tool"), os.environ.get("PYTHONPATH", "")])}
    return run_cli(*args, cwd=root, env={**extra, **(env or {})}, timeout=timeout)


def evidence_notes(base: Path) -> list[Path]:
    folder = base / "evidence"
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def frontmatter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def lint_json(root: Path) -> list[dict]:
    result = claims(root, "lint", "-f", "json", "--exit-zero")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    return data["findings"] if isinstance(data, dict) else data


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
