from .base import Context, Hit, rule


@rule("L002", "ambiguous-link", "error")
def check(ctx: Context):
    """A link names several notes at once.

    What it does
        Reports links whose name matches more than one note (notes with the same file name in
        different folders, compared without case and Unicode-form differences).  The link is not
        resolved: the linter never guesses which note was meant.

    Why it matters
        An ambiguous premise or source may be counted for the wrong note; worse, which one "wins"
        would depend on file order.

    Example
        `[[_map]]` when both `domains/ai/_map.md` and `domains/bio/_map.md` exist.

    Fix
        Link by path relative to the base: `[[domains/ai/_map]]`, or rename one of the notes.
    """
    notes = ctx.base.notes
    for u in ctx.base.graph.unresolved:
        if u.reason != "ambiguous":
            continue
        paths = [notes[i].path for i in u.candidates]
        shown = ", ".join(paths[:4]) + (", ..." if len(paths) > 4 else "")
        example = paths[0][:-3] if paths[0].endswith(".md") else paths[0]
        yield Hit(
            u.owner,
            u.link.line,
            u.link.col,
            f"'{u.link.target}' names {len(paths)} notes ({shown}); link by path, e.g. [[{example}]]",
            end_col=u.link.end_col,
            related=[(p, 1) for p in paths[:10]],
        )
