"""Reusing a whole lint result when nothing it depends on has changed.

Re-running the graph analyses of a 10,000-note base costs about a second in Python; a warm
`claims lint` must answer in half that.  When every input is unchanged (each file's path, size and
modification time; the settings; the tool version; any extra file a rule read, such as an
experiment's code) the result is the one a fresh run would produce, so it is stored and reused.
Any change - one note touched - runs every analysis again on the (parse-cached) notes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import xxhash

from . import __version__, atomic
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config
    from .discover import Entry
from .findings import Finding, Fix, LintResult

FORMAT = 1


def fingerprint(entries: list[Entry], config: Config, extra: str = "") -> str:
    h = xxhash.xxh3_128()
    h.update(f"{FORMAT}\0{__version__}\0{config.base}\0".encode())
    settings = {
        "select": config.select, "extend": config.extend_select, "ignore": config.ignore,
        "pfi": config.per_file_ignores, "severity": config.severity, "exclude": config.exclude,
        "evidence": config.evidence_dir, "sections": config.sections, "extra": extra,
    }
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for e in entries:
        h.update(f"\0{e.rel}\1{e.size}\1{e.mtime_ns}\1{e.problem or ''}".encode())
    return h.hexdigest()


def _path(config: Config) -> Path | None:
    if config.cache_dir is None:
        return None
    tag = xxhash.xxh3_64_hexdigest(str(config.base).encode())
    return config.cache_dir / f"lint-{tag}.json"


def _stat_key(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def load(config: Config, key: str):
    """The stored LintResult for `key`, or None."""
    path = _path(config)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    for extra_path, stat in data.get("extra", []):
        if _stat_key(extra_path) != stat:
            return None
    findings = []
    for f in data["findings"]:
        fix_data = f.pop("fix", None)
        fix = Fix(**fix_data) if fix_data else None
        related = [tuple(r) for r in f.pop("related", [])]
        findings.append(Finding(**f, fix=fix, related=related))
    return LintResult(findings, [tuple(w) for w in data["wanted"]], data["files"])


def save(config: Config, key: str, result, extra_files: list[str]) -> None:
    path = _path(config)
    if path is None:
        return
    findings = [
        {
            "rule": f.rule, "code": f.code, "severity": f.severity, "path": f.path, "line": f.line, "col": f.col,
            "message": f.message, "end_col": f.end_col, "related": [list(r) for r in f.related],
            "fix": None if f.fix is None else {"line": f.fix.line, "col": f.fix.col, "old": f.fix.old, "new": f.fix.new, "description": f.fix.description},
        }
        for f in result.findings
    ]
    doc = {
        "key": key,
        "extra": [[p, _stat_key(p)] for p in sorted(set(extra_files))],
        "findings": findings,
        "wanted": [list(w) for w in result.wanted],
        "files": result.files,
    }
    try:
        atomic.write_text(path, json.dumps(doc, ensure_ascii=False))
    except OSError:
        pass
