from ..semantics import NO_SOURCE, confidence_rank
from .base import Context, Hit, claim_line, fmt, rule

_STANDARD = {
    "experimental": "a scintilla of support (some argument for it that stands)",
    "likely": "a preponderance (the case for outweighs the case against)",
    "proven": "dialectical validity (a full-strength argument for it and none against)",
}


@rule("A002", "overconfident-claim", "error")
def check(ctx: Context):
    """A claim's declared confidence is more than its arguments carry.

    What it does
        Holds each claim's `confidence` to a proof standard on the strongest pro (P) and con (K)
        arguments: `speculative` needs nothing; `experimental` a scintilla (P > 0); `likely` a
        preponderance (P > K); `proven` dialectical validity with a full-strength argument (P >= 1
        and K = 0; a citation alone weighs 0.5).  It also reports a claim more confident than its
        weakest `depends_on` premise.

    Why it matters
        Overclaiming is how a research argument misleads: "likely" on a contested claim, "proven" on
        a single citation.  A conclusion is never more certain than the premises it rests on.

    Example
        ```yaml
        confidence: proven
        sources: ["[[one blog post]]"]
        ```

    Fix
        Lower the confidence to what the arguments carry, or add the evidence that would carry it.
    """
    labels = ctx.base.labels
    notes = ctx.base.notes
    premises_of: dict[int, list[int]] = {}
    for arg in labels.arguments:
        if arg.kind == "depends_on":
            premises_of.setdefault(arg.target, []).extend(s for s in arg.sources if s != NO_SOURCE)
    for i, note in enumerate(notes):
        confidence = note.confidence
        if not note.arguable or confidence is None or confidence == "speculative":
            continue
        line = claim_line(note)
        if not labels.meets_standard(i, confidence):
            yield Hit(
                i,
                line,
                1,
                f"confidence '{confidence}' needs {_STANDARD[confidence]}, but this claim is "
                f"{labels.status[i]} (for {fmt(labels.pro[i])}, against {fmt(labels.con[i])})",
            )
        rank = confidence_rank(confidence)
        weakest = None
        for p in premises_of.get(i, ()):
            pc = notes[p].confidence
            if notes[p].arguable and pc is not None and confidence_rank(pc) < rank:
                if weakest is None or confidence_rank(pc) < confidence_rank(notes[weakest].confidence):
                    weakest = p
        if weakest is not None:
            yield Hit(
                i,
                line,
                1,
                f"confidence '{confidence}' exceeds that of its weakest premise "
                f"'{notes[weakest].name}' ({notes[weakest].confidence})",
            )
