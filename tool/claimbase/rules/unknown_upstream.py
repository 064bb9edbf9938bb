from .base import Context, Hit, rule


@rule("E003", "unknown-upstream", "error")
def check(ctx: Context):
    """An experiment `needs` something that is not an experiment of the base.

    What it does
        Checks every entry of `job.needs`: it must link to an experiment note.  A link to a note
        that does not exist, or to a claim, source or other note, is reported.

    Why it matters
        A job receives the outputs of the experiments it needs (`ctx.inputs`); an upstream that
        is not an experiment has no outputs, so the run cannot be planned.

    Example
        ```yaml
        job:
          run: claimbase.jobs.toy:downstream
          needs: ["[[train the policy]]"]     # no experiment note has this name
        ```

    Fix
        Link the experiment whose outputs the job reads, by its note name, or remove the entry.
    """
    from ..jobs.checks import analyse

    notes = ctx.base.notes
    for node, exp in sorted(analyse(ctx).experiments.items()):
        for target, line in exp.unresolved_needs:
            yield Hit(node, line, 1, f"needs '{target}', which is not a note in the base")
        for dst, line in exp.needs:
            if notes[dst].type != "experiment":
                kind = notes[dst].type or "note without a type"
                yield Hit(node, line, 1, f"needs '{notes[dst].name}', which is a {kind}, not an experiment")
