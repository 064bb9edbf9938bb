"""Applying safe fixes to note files, changing nothing but the fixed text.

The file is re-read as bytes; each fix is located by (line, column) in the original text (with its
own line endings and byte-order mark) and applied only if the expected text is still there.  The
result is written atomically with the file's permissions kept.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from . import atomic
from .findings import Finding


def apply(root: Path, findings: list[Finding]) -> tuple[int, list[str]]:
    """Apply the fixes of `findings`; returns (number applied, messages about skipped fixes)."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.fix is not None:
            by_path[f.path].append(f)
    applied = 0
    skipped: list[str] = []
    for rel, items in by_path.items():
        path = root / rel
        try:
            data = path.read_bytes()
        except OSError as err:
            skipped.append(f"{rel}: cannot read ({err.strerror})")
            continue
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
        except UnicodeDecodeError:
            skipped.append(f"{rel}: not UTF-8; left unchanged")
            continue
        if "\r" in text.replace("\r\n", ""):
            skipped.append(f"{rel}: old Mac line endings; left unchanged")
            continue
        lines = text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        edits = []
        for f in items:
            fix = f.fix
            assert fix is not None
            if not 0 < fix.line <= len(lines):
                skipped.append(f"{rel}:{fix.line}: line no longer exists")
                continue
            offset = starts[fix.line - 1] + fix.col - 1
            if text[offset : offset + len(fix.old)] != fix.old:
                skipped.append(f"{rel}:{fix.line}: text changed since lint; fix skipped")
                continue
            edits.append((offset, fix))
        edits.sort(key=lambda e: e[0], reverse=True)
        last = None
        for offset, fix in edits:
            if last is not None and offset + len(fix.old) > last:
                continue  # overlapping edits: keep the later one only
            text = text[:offset] + fix.new + text[offset + len(fix.old) :]
            last = offset
            applied += 1
        if edits:
            atomic.write_bytes(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return applied, skipped
