from .base import Context, parse_problems, rule


@rule("F001", "unreadable-file", "error")
def check(ctx: Context):
    """A file in the base could not be read as a note.

    What it does
        Reports files that are binary, not valid UTF-8, too large to scan, unreadable on disk, or
        symbolic links that lead outside the base.

    Why it matters
        A file the linter cannot read is a note nobody can check: its links, confidence and
        evidence silently drop out of the argument.  Non-UTF-8 files are still read with the bad
        bytes replaced, so the rest of the note keeps counting.

    Example
        `notes/figure.md` that is really a PNG, or a note saved as Latin-1 with `é` as byte 0xE9.

    Fix
        Convert the file to UTF-8, move binary files out of the base, or exclude them with
        `exclude = ["attachments/**"]` in `[tool.claims]`.
    """
    return parse_problems(ctx, "unreadable-file")
