from ..semantics import UNSUPPORTED
from .base import Context, Hit, claim_line, rule


@rule("A001", "unsupported-claim", "warning")
def check(ctx: Context):
    """A claim has nothing arguing for it.

    What it does
        Reports claims whose status is *unsupported*: no source cited (not even a free-text
        `source:`), no evidence, no supporting note and no premises, so that the strongest argument
        for it weighs 0.  Claims that are unsupported because a premise fell are reported by
        `weakened-premise`, and those whose only support is circular by `circular-support`.

    Why it matters
        An unsupported claim is an assertion.  Anything that depends on it inherits nothing: its
        dependants are undermined too.

    Example
        ```yaml
        type: claim
        description: Swarms of aligned agents fail together.
        confidence: speculative
        ```
        (no `source`, `sources`, `supported_by`, `depends_on` or evidence)

    Fix
        Cite a source (`sources: ["[[...]]"]`), add premises (`depends_on`), attach evidence
        (`claims evidence attach`) or run the experiment that tests it.
    """
    labels = ctx.base.labels
    for i, note in enumerate(ctx.base.notes):
        if note.arguable and labels.status[i] == UNSUPPORTED:
            yield Hit(i, claim_line(note), 1, "nothing argues for this claim: no source, evidence, supporting note or premise")
