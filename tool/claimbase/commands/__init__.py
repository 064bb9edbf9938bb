"""Subcommands of `claims`; each module has a `register(app)`."""

from __future__ import annotations

import inspect
import re
from importlib import import_module

MODULES = ("lint", "rules", "why", "status", "schema", "export", "query", "impact", "run", "evidence", "site")


def register(app) -> None:
    for name in MODULES:
        import_module(f".{name}", __name__).register(app)
    _reflow_help(app)


_LIST_LINE = re.compile(r"\s|[-*•]\s|\d+[.)]\s|\x08")


def reflow(doc: str) -> str:
    """A docstring with the line breaks inside each prose paragraph removed.  Typer's rich help
    keeps a docstring's hard line breaks, which the terminal then wraps a second time; lists and
    indented blocks keep theirs."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p if any(_LIST_LINE.match(line) for line in p.splitlines()) else " ".join(p.split("\n"))
        for p in paragraphs
    )


def _reflow_help(app) -> None:
    for command in app.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = reflow(command.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _reflow_help(group.typer_instance)
