from .base import Context, parse_problems, rule


@rule("F003", "missing-field", "error")
def check(ctx: Context):
    """A field that notes of this type must have is missing or empty.

    What it does
        Checks each note against the required fields of its type (see `schema/`): a claim needs
        `type`, `description` and `confidence`; a source needs `title`; an experiment needs `tests`
        and `job`; an evidence note needs `verdicts`.  A note without any `type` is reported too.

    Why it matters
        Without a confidence a claim cannot be held to a proof standard; without a type a note
        cannot take part in the argument at all.

    Example
        ```yaml
        ---
        type: claim
        description: Consolidation entangles values with capabilities.
        ---
        ```
        (no `confidence`)

    Fix
        Add the field.  The schemas in `schema/*.json` list every field with its meaning.
    """
    return parse_problems(ctx, "missing-field")
