"""One line per finding: `path:line:col: CODE [slug] message`."""

from __future__ import annotations


def line_of(f, prefix: str = "") -> str:
    return f"{prefix}{f.path}:{f.line}:{f.col}: {f.code} [{f.rule}] {f.severity}: {f.message}"


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    for f in result.findings:
        out.write(line_of(f, prefix) + "\n")
