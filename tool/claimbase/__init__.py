"""claimbase: a research argument as software."""

__version__ = "0.1.0"
