"""Shared helpers: write a small claim base into a temporary folder, run the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def write_base(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def claim(description: str = "A claim.", confidence: str = "speculative", body: str = "", **fields) -> str:
    """Frontmatter + body of a claim note; list fields become flow lists of wiki-links."""
    lines = ["---", "type: claim", f"description: {json.dumps(description)}", f"confidence: {confidence}"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(json.dumps('[[' + v + ']]') for v in value)}]")
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    lines += ["---", body or "Body.", ""]
    return "\n".join(lines)


def evidence(verdicts: dict[str, str], **fields) -> str:
    lines = ["---", "type: evidence", "verdicts:"]
    for target, verdict in verdicts.items():
        lines += [f"  - claim: {json.dumps('[[' + target + ']]')}", f"    verdict: {verdict}"]
    for key, value in fields.items():
        lines.append(f"{key}: {json.dumps(value)}")
    lines += ["---", "A result.", ""]
    return "\n".join(lines)


def source(title: str = "A paper", **fields) -> str:
    lines = ["---", "type: source", f"title: {json.dumps(title)}"]
    lines += [f"{k}: {json.dumps(v)}" for k, v in fields.items()]
    lines += ["---", ""]
    return "\n".join(lines)



class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> CliResult:
    """Run `claims ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "tool") + os.pathsep + os.environ.get("PYTHONPATH", ""), "COLUMNS": "200"}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "claimbase", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )
    return CliResult(proc)


@pytest.fixture
def base_dir(tmp_path: Path):
    """A function writing files into a fresh base folder and returning its path."""
    root = tmp_path / "base"
    root.mkdir()

    def make(files: dict[str, str | bytes]) -> Path:
        return write_base(root, files)

    return make


@pytest.fixture(autouse=True, scope="module")
def lab_one_thread(request):
    """The lab's tiny models gain nothing from intra-op threads, and on a loaded 2-core machine
    waiting at the threads' barriers can make many small steps a hundred times slower."""
    if "lab" not in request.path.parts:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
