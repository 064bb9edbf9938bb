"""The fast frontmatter reader agrees with PyYAML wherever it answers."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

from claimbase.frontmatter import _fast_load, _Loader

ROOT = Path(__file__).resolve().parents[1]

TOKENS = [
    "claim", "likely", "yes", "No", "on", "OFF", "true", "False", "null", "~", "Null", "0", "7", "-3", "+4",
    "012", "0x1F", "1_000", "1.5", ".inf", "1e3", "2026-02-00", "2026-11-22", "2026-11-22T10:00:00",
    "http://x.org/a?b=c", "a: b", "a #b", "a#b", "#x", "-", "- x", "-x", "?", "? x", ":x", "x:", "&a",
    "*a", "!tag", "|", ">", "%", "@", "`x`", "[[x]]", "{a}", "[a, b]", "caf\u00e9", "\u00e9t\u00e9",
    "'single'", "'it''s'", '"double"', '"with \\" escape"', '"a\\nb"', "  padded  ", "tab\there", "x\u0085y",
]


def _agree(text: str) -> bool:
    fast = _fast_load(text)
    if fast is None:
        return True
    try:
        slow = yaml.load(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError:
        return False  # the fast path must never accept what YAML rejects
    return fast == slow and [type(v) for v in fast.values()] == [type(v) for v in (slow or {}).values()]


def _frontmatters(folder: Path):
    for path in sorted(folder.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        if text.startswith("---\n") and "\n---" in text[3:]:
            yield path, text[4 : text.index("\n---", 3) + 1]


def test_project_and_synthetic_bases(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import generate
    finally:
        sys.path.pop(0)
    generate(tmp_path / "base", 400, seed=3, defect_rate=0.1)
    answered = 0
    for folder in (ROOT / "claims", tmp_path / "base"):
        for path, text in _frontmatters(folder):
            assert _agree(text), path
            answered += _fast_load(text) is not None
    assert answered > 300  # the fast path really is the common path


def test_generated_edge_cases():
    rng = random.Random(11)
    for _ in range(20_000):
        lines = []
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(["type", "yes", "null", "x_y", "a-b", "1", "Key"])
            token = rng.choice(TOKENS)
            form = rng.random()
            if form < 0.5:
                value = token
            elif form < 0.7:
                value = '"' + token.replace('"', "") + '"'
            elif form < 0.8:
                value = "'" + token.replace("'", "''") + "'"
            elif form < 0.9:
                value = "[" + ", ".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 3))) + rng.choice(["]", ",]", " ]"])
            else:
                value = "[" + ", ".join('"' + rng.choice(TOKENS).replace('"', "") + '"' for _ in range(rng.randint(0, 3))) + "]"
            lines.append(f"{key}:{rng.choice([' ', '  ', chr(9), ''])}{value}{rng.choice(['', ' ', '  # c'])}")
        text = "\n".join(lines) + "\n"
        assert _agree(text), repr(text)
