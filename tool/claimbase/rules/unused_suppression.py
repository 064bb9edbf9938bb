from .base import Context, rule


@rule("S001", "unused-suppression", "warning")
def check(ctx: Context):
    """A suppression comment or setting silences nothing.

    What it does
        Reports `<!-- claims: ignore RULE -->` comments and frontmatter `lint: {ignore: [...]}`
        entries that match no finding, or that name a rule that does not exist.

    Why it matters
        Stale suppressions hide the next real finding at that place and mislead readers about what
        is wrong with the note.

    Example
        `<!-- claims: ignore broken-link -->` above a link that has since been fixed.

    Fix
        Delete the suppression, or correct the rule name (`claims rules` lists them).
    """
    return ()  # computed by the linter itself, after all other rules have run
