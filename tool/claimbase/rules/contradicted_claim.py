from ..impact import argument_feeds, undermined_by
from ..semantics import CON, CONTRADICTED, PRO
from .base import Context, Hit, claim_line, describe_source, fmt, rule, strongest


@rule("A004", "contradicted-claim", "error")
def check(ctx: Context):
    """The arguments against a claim outweigh the arguments for it.

    What it does
        Reports claims whose status is *contradicted*: the strongest con argument (K) weighs more
        than the strongest pro argument (P), e.g. an experiment's evidence challenges the claim and
        nothing of equal weight supports it.  The message names both arguments and says how many
        other claims the contradicted claim undermines (those that would stand if it stood;
        `claims impact` shows them as a tree).

    Why it matters
        A contradicted claim still asserted is the argument's most serious defect; every claim that
        depends on it is undermined.

    Example
        A claim citing one paper (weight 0.5) and challenged by an evidence note from a failed
        prediction (weight 1).

    Fix
        Answer the challenge (with evidence or a counter-argument that challenges the challenger),
        weaken or revise the claim, or retract it.
    """
    labels = ctx.base.labels
    notes = ctx.base.notes
    feeds = None
    for i, note in enumerate(notes):
        if not note.arguable or labels.status[i] != CONTRADICTED:
            continue
        con = strongest(ctx, i, CON)
        pro = strongest(ctx, i, PRO)
        message = f"contradicted: the case against ({describe_source(ctx, con)}, weight {fmt(labels.con[i])})"
        if pro is not None:
            message += f" outweighs the case for ({describe_source(ctx, pro)}, weight {fmt(labels.pro[i])})"
        else:
            message += " meets no argument for it"
        if feeds is None:
            feeds = argument_feeds(labels)
        undermined = undermined_by(ctx.base, i, feeds)
        if undermined:
            message += f"; it undermines {undermined} other claim{'s' if undermined != 1 else ''} (see `claims impact`)"
        yield Hit(i, claim_line(note), 1, message)
