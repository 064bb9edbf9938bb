"""A JSON array of findings: code, rule, severity, path (relative to the base), line, column,
message, and the fix where there is one."""

from __future__ import annotations

import json


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    json.dump([f.as_dict() for f in result.findings], out, indent=2, ensure_ascii=False)
    out.write("\n")
