from .base import Context, Hit, rule


@rule("E001", "stale-evidence", "warning")
def check(ctx: Context):
    """An evidence note's run key no longer matches what its experiment would compute now.

    What it does
        For every current evidence note written by `claims run`, recomputes the run key of its
        experiment - the parameters and seeds of the recorded profile, the code of the entry point
        and the project modules it imports, the upstream experiments, the predictions - with the
        library versions the note records, and compares it with the note's `run.key`.  The message
        says what changed.  Experiment code is parsed and hashed, never imported or run.

    Why it matters
        The evidence says what the experiment showed as it was when it ran.  After its parameters or
        code change, the verdicts may no longer hold, yet they still count in the argument.

    Example
        An evidence note recorded with `params: {effect: 0.5}` while the experiment now has
        `params: {effect: 0.6}`.

    Fix
        Run the experiment again (`claims run "NAME"`): the new evidence supersedes the old note,
        which stays as history and stops counting.
    """
    from ..jobs.checks import analyse
    from ..jobs.evidence import env_of, run_meta
    from ..jobs.plan import PlanError, compute_keys, order
    from ..model import GENERATED_BY
    from ..semantics import OUT_EVIDENCE_STATUS

    base = ctx.base
    notes, graph = base.notes, base.graph
    evidence = [i for i, n in enumerate(notes) if n.type == "evidence"]
    if not evidence:
        return
    analysis = analyse(ctx)
    for i in evidence:
        note = notes[i]
        status = note.meta.get("status")
        if isinstance(status, str) and status in OUT_EVIDENCE_STATUS:
            continue  # history: it no longer counts
        made_by = [graph.edges[e].dst for e in graph.out_edges[i] if graph.edges[e].kind == GENERATED_BY]
        node = next((n for n in made_by if n in analysis.experiments), None)
        if node is None:
            continue  # attached by hand, or its experiment is gone (broken-link says so)
        name = notes[node].name
        run = run_meta(note)
        line = note.line_of("run") if "run" in note.key_lines else note.line_of("experiment")
        recorded = run.get("key")
        if not isinstance(recorded, str) or not recorded:
            yield Hit(i, line, 1, f"records no run key (`run.key`), so it cannot be checked against '{name}'")
            continue
        env = env_of(run)
        if env is None:
            yield Hit(i, line, 1, f"records no library versions (`run.versions`), so its key cannot be recomputed for '{name}'")
            continue
        profile = run.get("profile") if isinstance(run.get("profile"), str) else "standard"
        experiments = analysis.for_profile(base, profile)
        try:
            ordered = order(experiments, [node], base)
            _, run_keys, records = compute_keys(experiments, ordered, analysis.code, env)
        except PlanError:
            continue  # the experiment cannot be planned; the experiment rules say why
        if run_keys[node] == recorded:
            continue
        reason = _what_changed(run, experiments[node], records)
        yield Hit(i, line, 1, f"stale: {reason} since this run; run `claims run \"{name}\"` to bring the evidence up to date")


def _what_changed(run: dict, exp, records) -> str:
    """A short account of why the recorded run key differs from the one computed now."""
    params = run.get("params")
    if params != exp.params:
        old = params if isinstance(params, dict) else {}
        changed = [k for k in sorted(set(old) | set(exp.params), key=str) if old.get(k) != exp.params.get(k)]
        shown = ", ".join(f"{k}: {old.get(k, 'unset')!r} -> {exp.params.get(k, 'unset')!r}" for k in changed[:3])
        return f"the parameters of '{exp.name}' changed ({shown})"
    if run.get("seeds") != exp.seeds:
        return f"the seeds of '{exp.name}' changed ({run.get('seeds')} -> {exp.seeds})"
    if run.get("entry") != exp.entry:
        return f"the entry point of '{exp.name}' changed ({run.get('entry')} -> {exp.entry})"
    first = records.get((exp.node, exp.seeds[0])) if exp.seeds else None
    if first is not None and run.get("code_version") != first["code_version"]:
        return f"the code of '{exp.name}' changed ({first['entry'].partition(':')[0]} or a project module it imports)"
    jobs = run.get("jobs")
    if isinstance(jobs, dict) and any(jobs.get(s) != records[(exp.node, s)]["key"] for s in exp.seeds if (exp.node, s) in records):
        return "an upstream experiment changed"
    return f"the predictions of '{exp.name}' changed"
