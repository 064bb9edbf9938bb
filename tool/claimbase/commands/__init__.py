"""Subcommands of `claims`; each module has a `register(app)`."""

from __future__ import annotations

from importlib import import_module

MODULES = ("lint", "rules", "why", "status", "schema", "export", "query", "impact", "run", "evidence", "site")


def register(app) -> None:
    for name in MODULES:
        import_module(f".{name}", __name__).register(app)
