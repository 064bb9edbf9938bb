from .base import Context, parse_problems, rule


@rule("F004", "invalid-field", "error")
def check(ctx: Context):
    """A frontmatter field holds a value its schema does not allow.

    What it does
        Checks values against the note type's schema: `confidence` outside proven / likely /
        experimental / speculative, impossible dates such as `2026-02-00`, a link field that is not
        a list of links, malformed verdicts, predictions or jobs, and template placeholders such as
        `{{title}}` left in a value.

    Why it matters
        A value outside the schema is read as no value: `confidence: high` holds the claim to no
        standard at all, and an impossible date breaks every tool that sorts by date.

    Example
        ```yaml
        confidence: moderate
        created: 2026-02-00
        ```

    Fix
        Use a value from the schema; the message suggests the closest one where there is one.
    """
    return parse_problems(ctx, "invalid-field")
