from .. import names
from .base import Context, Hit, claim_line, rule


@rule("A007", "duplicate-claim", "warning")
def check(ctx: Context):
    """The same claim is written more than once.

    What it does
        Reports claims whose names are the same once case, Unicode form, spacing and punctuation
        are ignored, and claims with the same `description` word for word.

    Why it matters
        Two copies of a claim split its support and its challenges between them: each looks weaker
        (or stronger) than the claim is, and links to the name become ambiguous.

    Example
        `domains/ai/alignment is a coordination problem.md` and
        `domains/governance/Alignment is a coordination problem.md`.

    Fix
        Merge the notes into one and link the other name to it as an alias (`aliases:`).
    """
    notes = ctx.base.notes
    by_name: dict[str, list[int]] = {}
    by_desc: dict[str, list[int]] = {}
    for i, note in enumerate(notes):
        if not note.arguable:
            continue
        by_name.setdefault(names.loose_key(note.name), []).append(i)
        desc = note.meta.get("description")
        if isinstance(desc, str) and len(desc.strip()) > 20:
            by_desc.setdefault(" ".join(desc.casefold().split()), []).append(i)
    seen: set[tuple[int, int]] = set()
    for groups, what in ((by_name, "name"), (by_desc, "description")):
        for group in groups.values():
            if len(group) < 2:
                continue
            for i in group:
                others = [j for j in group[:11] if j != i][:10]
                pair = (i, others[0])
                if pair in seen:
                    continue
                seen.add(pair)
                shown = ", ".join(notes[j].path for j in others[:3])
                more = f" and {len(group) - 4} more" if len(group) > 4 else ""
                yield Hit(i, claim_line(notes[i]), 1, f"same {what} as {shown}{more}", related=[(notes[j].path, 1) for j in others])
