from .base import Context, Hit, rule


@rule("E004", "needs-cycle", "error")
def check(ctx: Context):
    """Experiments need each other's outputs in a cycle.

    What it does
        Follows the `job.needs` links between experiments and reports every experiment that lies
        on a cycle, naming the cycle.

    Why it matters
        A job runs after the jobs whose outputs it reads; in a cycle none of them can start, so
        none of their predictions can ever be decided.

    Example
        `A` has `needs: ["[[B]]"]` and `B` has `needs: ["[[A]]"]`.

    Fix
        Break the cycle: usually one of the two reads something the other only writes as a
        side product; split that part into an experiment of its own.
    """
    from ..jobs.checks import analyse
    from ..jobs.plan import find_cycle

    experiments = analyse(ctx).experiments
    reported: set[int] = set()
    for start in sorted(experiments):
        if start in reported:
            continue
        cycle = find_cycle(experiments, [start])
        if not cycle:
            continue
        names = " -> ".join(experiments[n].name for n in [*cycle, cycle[0]])
        for node in cycle:
            if node not in reported:
                reported.add(node)
                line = next((ln for dst, ln in experiments[node].needs if dst in cycle), experiments[node].line)
                yield Hit(node, line, 1, f"cycle in `needs`: {names}")
