"""GitHub Actions workflow commands: findings appear as annotations on the pull request."""

from __future__ import annotations

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    for f in result.findings:
        level = _LEVEL.get(f.severity, "warning")
        props = f"file={_escape_prop(prefix + f.path)},line={f.line},col={f.col},title={_escape_prop(f.code + ' ' + f.rule)}"
        out.write(f"::{level} {props}::{_escape_data(f.message)}\n")
