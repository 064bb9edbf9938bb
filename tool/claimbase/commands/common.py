"""What the commands share: opening a base with clear errors, the console."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

BASE_ARG_HELP = "The claim base: a folder of Markdown notes (default: \\[tool.claims] base, or the current folder)."


def fail(message: str, code: int = 2) -> typer.Exit:
    sys.stderr.write(f"claims: {message}\n")
    return typer.Exit(code)


def load_config(path: Path | None):
    from ..config import ConfigError, load

    if path is not None and not path.exists():
        raise fail(f"{path}: no such folder")
    if path is not None and not path.is_dir():
        raise fail(f"{path}: not a folder (give the folder that holds the notes)")
    try:
        return load(path)
    except ConfigError as err:
        raise fail(str(err)) from None


def open_base(path: Path | None, cache_dir: Path | None = None, no_cache: bool = False, config=None, entries=None, background_save=False):
    """Open the base at `path` (or the configured one); exits 2 with a message on bad input."""
    if config is None:
        config = load_config(path)
        if cache_dir is not None:
            config.cache_dir = cache_dir.resolve()
    if not config.base.is_dir():
        raise fail(f"{config.base}: no such folder")
    from ..base import open_base as _open

    with parse_progress() as progress:
        base = _open(config.base, config, use_cache=not no_cache, entries=entries, progress=progress, background_save=background_save)
    return base, config


class parse_progress:
    """A progress bar on stderr while notes are parsed, only when stderr is a terminal and the
    parse is large enough to be worth watching."""

    def __enter__(self):
        self.bar = None
        self.task = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 2000:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("parsing notes"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True, console=console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task("parse", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def display_prefix(base_root: Path) -> str:
    """The base's path relative to the cwd, as a prefix for paths shown to the user."""
    try:
        rel = os.path.relpath(base_root, Path.cwd())
    except ValueError:
        return str(base_root) + "/"
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def find_note(base, name: str) -> int:
    from ..base import NoteNotFound

    try:
        return base.index(name)
    except NoteNotFound as err:
        if not err.matches:
            from ..suggest import Suggester

            idx, _ = Suggester(base.notes, [name]).suggest(name)
            hint = f"; did you mean '{base.notes[idx].name}'?" if idx is not None else ""
            raise fail(f"no note named '{name}' in {base.root}{hint}") from None
        raise fail(str(err)) from None


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
