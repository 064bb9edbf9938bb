from .base import Context, parse_problems, rule


@rule("F002", "invalid-frontmatter", "error")
def check(ctx: Context):
    """The YAML frontmatter cannot be read, or part of it cannot.

    What it does
        Reports YAML syntax errors (unclosed quotes, bad indentation, undefined aliases), alias
        bombs, frontmatter that is not a mapping, an opening `---` never closed, and keys given
        twice.  The linter re-reads the frontmatter one key at a time, so every other field of the
        note still counts.

    Why it matters
        A field that cannot be read is a field the argument loses: a confidence, a premise list, a
        verdict.  Other YAML tools may reject the whole file.

    Example
        ```yaml
        ---
        type: claim
        description: "an unclosed quote
        confidence: likely
        ---
        ```

    Fix
        Correct the YAML at the line shown; quote values that contain `: `, `#`, `*` or `&`.
    """
    return parse_problems(ctx, "invalid-frontmatter")
