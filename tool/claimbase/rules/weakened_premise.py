from ..model import DEPENDS_ON
from ..semantics import IN, SUPPORTED, UNDERMINED
from .base import Context, Hit, rule


@rule("A006", "weakened-premise", "warning")
def check(ctx: Context):
    """A claim depends on a premise that does not stand.

    What it does
        For each `depends_on` premise that is contradicted, contested, unsupported, circular or
        missing from the base, reports the premise link.  If the claim has no other support it is
        *undermined* and the message says so; if it still stands on other arguments, the message
        says that instead.  (Evidence against a claim never flows back to its premises: only the
        premise's own status matters.)

    Why it matters
        A linked argument is as strong as its weakest premise: one fallen premise and the whole
        argument stops counting.

    Example
        Claim C `depends_on: [A, B]`, and A is contradicted by an experiment.

    Fix
        Repair the premise (support it, or answer its challenge), replace it, or find support for the
        claim that does not pass through it.
    """
    labels = ctx.base.labels
    notes = ctx.base.notes
    for i, note in enumerate(notes):
        if not note.arguable:
            continue
        bad_links = []
        for link in note.links:
            if link.kind != DEPENDS_ON:
                continue
            hits = ctx.base.graph.find(link.target)
            if len(hits) != 1:
                bad_links.append((link, "is not in the base" if not hits else "is ambiguous"))
                continue
            p = hits[0]
            if notes[p].arguable and labels.state[p] != IN:
                bad_links.append((link, f"is {labels.status[p]}"))
        if not bad_links:
            continue
        if labels.status[i] == UNDERMINED:
            consequence = "this claim is undermined"
        elif labels.status[i] == SUPPORTED:
            consequence = "this claim still stands on other support"
        else:
            consequence = f"this claim is {labels.status[i]}"
        for link, why in bad_links:
            yield Hit(i, link.line, link.col, f"premise '{link.target}' {why}; {consequence}", end_col=link.end_col)
