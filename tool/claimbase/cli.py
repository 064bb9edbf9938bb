"""The `claims` command line.  Each subcommand lives in `commands/<name>.py`; heavy imports happen
inside the commands so that `claims --help` and a warm `claims lint` start fast."""

from __future__ import annotations

import gc
import os
import sys

import typer

from . import __version__

app = typer.Typer(
    name="claims",
    help="A research argument as software: lint a claim base, run its experiments, publish it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimbase {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """claimbase: a research argument as software."""


def _register() -> None:
    from .commands import register

    register(app)


def main() -> None:
    """Entry point: run the app; turn any unexpected error into a one-line message and exit 2."""
    # A short-lived command builds large acyclic structures; cyclic GC passes would only slow it
    # down (reference counting still frees memory).  Long-running commands re-enable it.
    gc.disable()
    _register()
    try:
        rc = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the user gets a message, never a traceback
        kinds = {cls.__name__ for cls in type(exc).__mro__}  # typer may vendor its own click
        if "Abort" in kinds:
            sys.stderr.write("aborted\n")
            sys.exit(130)
        if "ClickException" in kinds:
            exc.show()  # type: ignore[attr-defined]
            code = getattr(exc, "exit_code", 2)
            sys.exit(2 if code in (1, 2) else code)
        if os.environ.get("CLAIMS_DEBUG"):
            raise
        sys.stderr.write(f"claims: internal error: {type(exc).__name__}: {exc}\n(set CLAIMS_DEBUG=1 for the traceback)\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)
