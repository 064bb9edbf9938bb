"""A JSON array of findings: code, rule, severity, path (relative to the base), line, column,
message, and the fix where there is one.  One finding per line: readable, and each line goes
through the C encoder (`json.dump` with `indent` falls back to a pure-Python one, 10x slower)."""

from __future__ import annotations

import json


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    if not result.findings:
        out.write("[]\n")
        return
    out.write("[\n")
    out.write(",\n".join("  " + json.dumps(f.as_dict(), ensure_ascii=False) for f in result.findings))
    out.write("\n]\n")
