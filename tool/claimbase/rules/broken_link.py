from ..findings import Fix
from ..suggest import Suggester
from .base import Context, Hit, rule


@rule("L001", "broken-link", "warning", fixable=True)
def check(ctx: Context):
    """A link names a note that is not in the base.

    What it does
        Reports wiki-links (in the body or in frontmatter fields) whose target matches no note by
        name or base-relative path, links that climb out of the base (`[[../../x]]`), and
        `[[note#heading]]` links to a heading the note does not have.  When a note with a very
        similar name exists, the message says "did you mean ...".  The summary lists the missing
        notes linked from the most places: the claims most worth writing next.

    Why it matters
        A premise, source or challenge that is not in the base carries no weight: a claim that
        depends on it is undermined.  Most broken links are claims not yet written; some are typos.

    Example
        `depends_on: ["[[the alignment tax is negativ]]"]`

    Fix
        Correct the name, write the missing note, or (for a typo that differs only in spacing,
        punctuation or case) run `claims lint --fix`.
    """
    notes = ctx.base.notes
    suggester = None
    for u in ctx.base.graph.unresolved:
        link = u.link
        where = f" in '{link.field}'" if link.field else ""
        if u.reason == "outside":
            yield Hit(u.owner, link.line, link.col, f"link{where} to '{link.target}' points outside the base", end_col=link.end_col)
        elif u.reason == "heading":
            target = notes[u.candidates[0]]
            yield Hit(u.owner, link.line, link.col, f"'{target.name}' has no heading '{link.heading}'", end_col=link.end_col)
        elif u.reason == "missing":
            if suggester is None:
                missing = [x.link.target for x in ctx.base.graph.unresolved if x.reason == "missing"]
                key = (tuple(n.name for n in notes), frozenset(missing))
                kept = ctx.reuse.get("suggester")
                if kept is not None and kept[0] == key:
                    suggester = kept[1]
                else:
                    suggester = Suggester(notes, missing)
                    ctx.reuse["suggester"] = (key, suggester)
            idx, exact = suggester.suggest(link.target)
            message = f"link{where} to '{link.target}', which is not in the base"
            fix = None
            if idx is not None:
                name = notes[idx].name
                message += f"; did you mean '{name}'?"
                if exact and link.col > 1 and "/" not in link.target:
                    fix = Fix(link.line, link.col, "[[" + link.target, "[[" + name, f"link to '{name}'")
            yield Hit(u.owner, link.line, link.col, message, fix, link.end_col)
