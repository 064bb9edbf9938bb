from .base import Context, Hit, rule


@rule("E005", "unknown-metric", "error")
def check(ctx: Context):
    """A prediction names a metric the experiment's job does not report.

    What it does
        Reads the entry point's `return` statements (without running it): when every one returns a
        dict with literal keys (`return {"delta": d, ...}`, or a dict built by literal keys), a
        prediction whose `metric` or `baseline` is not among them is reported.  When the keys are
        computed at run time the rule stays silent; the run then reports a missing metric as an
        inconclusive verdict.

    Why it matters
        A prediction on a metric that never arrives can never be decided: the experiment runs, and
        the claim it was meant to test is left exactly as unsupported as before.

    Example
        ```yaml
        tests:
          - claim: "[[consolidation protects values]]"
            prediction: {metric: value_drift, direction: less}   # the job returns "drift"
        ```

    Fix
        Use the metric's name as the job returns it, or make the job report it.
    """
    from ..jobs.checks import analyse

    analysis = analyse(ctx)
    for node, exp in sorted(analysis.experiments.items()):
        if exp.entry is None or node in analysis.entry_errors:
            continue
        reported = analysis.code.returned_metrics(exp.entry)
        if reported is None:
            continue
        for p in exp.predictions:
            for metric in (p.metric, p.baseline):
                if metric is not None and metric not in reported:
                    known = ", ".join(sorted(reported)) or "none"
                    yield Hit(node, p.line, 1, f"the prediction on '{p.claim}' uses metric '{metric}', which "
                                               f"{exp.entry} does not return (it returns: {known})")
