"""claimbase: a research argument as software.

The library's entry point is :func:`open_base`; the command line is ``claims``.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "open_base"]


def __getattr__(name: str):
    if name == "open_base":
        from .base import open_base

        return open_base
    raise AttributeError(name)
