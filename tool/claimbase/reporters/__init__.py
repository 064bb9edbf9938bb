"""Output formats of `claims lint`.  Each module renders a LintResult one way."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from ..base import ClaimBase
    from ..lint import LintResult

FORMATS = {
    "text": "text",
    "concise": "concise",
    "json": "jsonout",
    "sarif": "sarif",
    "github": "github",
}


def render(fmt: str, result: "LintResult", base: "ClaimBase", out: TextIO, *, color: bool = False, prefix: str = "") -> None:
    module = import_module(f".{FORMATS[fmt]}", __name__)
    module.render(result, base, out, color=color, prefix=prefix)
