from ..semantics import CON, CONTESTED, PRO, UNDECIDED
from .base import Context, Hit, claim_line, describe_source, fmt, rule, strongest


@rule("A005", "contested-claim", "warning")
def check(ctx: Context):
    """The arguments for and against a claim are balanced, or caught in a cycle of attacks.

    What it does
        Reports claims whose status is *contested*: the strongest pro and con arguments weigh the
        same (a tie), or the claim cannot be decided because it sits in a cycle of challenges (two
        claims attacking each other, an odd attack cycle) or rests on a claim that does.

    Why it matters
        A contested claim is an open question in the argument.  Asserting it at `likely` or above
        overclaims; building on it spreads the doubt.

    Example
        Claim A challenged by B and B challenged by A, each with one source.

    Fix
        Decide the question: add evidence, or weaken one side's confidence or argument.
    """
    labels = ctx.base.labels
    notes = ctx.base.notes
    for i, note in enumerate(notes):
        if not note.arguable or labels.status[i] != CONTESTED:
            continue
        if labels.state[i] == UNDECIDED:
            attackers = [
                notes[s].name
                for a in labels.by_target[i]
                if labels.arguments[a].value is None
                for s in labels.arguments[a].sources
                if s >= 0 and labels.state[s] == UNDECIDED
            ]
            shown = ", ".join(f"'{n}'" for n in attackers[:3]) or "claims that are themselves undecided"
            message = f"contested: caught in a cycle of challenges or resting on a contested claim ({shown})"
        else:
            pro, con = strongest(ctx, i, PRO), strongest(ctx, i, CON)
            message = (
                f"contested: the case for ({describe_source(ctx, pro)}) and against ({describe_source(ctx, con)}) "
                f"weigh the same ({fmt(labels.pro[i])})"
            )
        yield Hit(i, claim_line(note), 1, message)
