from .base import Context, Hit, rule


@rule("E002", "missing-entry-point", "error")
def check(ctx: Context):
    """An experiment's job names an entry point that does not exist.

    What it does
        For every experiment note, finds the module of `job.run` (`package.module:function`) on the
        search path (the project root, then the installed packages) and checks that it defines the
        function.  The code is read, never imported or run.

    Why it matters
        `claims run` cannot run the experiment, and `stale-evidence` cannot tell whether its
        evidence is current: a renamed module silently orphans every result it produced.

    Example
        ```yaml
        job:
          run: claimbase.lab.experiments.consolidate:main   # the function is called `run`
        ```

    Fix
        Point `run` at an existing module and function, e.g. `claimbase.lab.experiments.consolidate:run`.
    """
    from ..jobs.checks import analyse

    analysis = analyse(ctx)
    for node, message in sorted(analysis.entry_errors.items()):
        exp = analysis.experiments[node]
        yield Hit(node, exp.line, 1, message)
