"""Why a note has its status: the arguments around it as a tree, down to evidence and sources."""

from __future__ import annotations

from rich.markup import escape
from rich.tree import Tree

from .base import ClaimBase
from .semantics import IN, NO_SOURCE, PRO, UNDECIDED
from .styles import STATUS_STYLE

_KIND = {"supports": "supported by", "challenges": "challenged by", "cites": "cites", "depends_on": "depends on"}


def _label(base: ClaimBase, node: int) -> str:
    note = base.notes[node]
    status = base.labels.status[node]
    style = STATUS_STYLE.get(status, "")
    head = f"[bold]{escape(note.name)}[/bold] [{style}]{status}[/{style}]"
    if note.arguable:
        head += f" [dim](for {base.labels.pro[node]:g}, against {base.labels.con[node]:g}"
        head += f"; confidence {note.confidence})[/dim]" if note.confidence else ")[/dim]"
    else:
        head += f" [dim]{note.type or 'note'}[/dim]"
    return head + f" [dim]{escape(note.path)}[/dim]"


def argument_tree(base: ClaimBase, node: int, depth: int = 4) -> Tree:
    tree = Tree(_label(base, node))
    _grow(base, node, tree, depth, {node})
    return tree


def _grow(base: ClaimBase, node: int, tree: Tree, depth: int, path: set[int]) -> None:
    labels = base.labels
    args = sorted((labels.arguments[a] for a in labels.by_target[node]), key=lambda a: (a.sign != PRO, -(a.value or 0)))
    if not args and base.notes[node].arguable:
        tree.add("[dim]no arguments for or against[/dim]")
    for arg in args:
        side = "[green]for[/green]" if arg.sign == PRO else "[red]against[/red]"
        value = "undecided" if arg.value is None else f"weight {arg.value:g}"
        extra = " [magenta](circular)[/magenta]" if arg.circular else ""
        sources = [s for s in arg.sources if s != NO_SOURCE]
        if arg.kind == "cites" and not sources:
            text = base.notes[node].meta.get("source", "")
            tree.add(f"{side} {_KIND['cites']} free-text source [dim]({value})[/dim]: {escape(str(text)[:120])}")
            continue
        branch = tree.add(f"{side} {_KIND.get(arg.kind, arg.kind)} [dim]({value})[/dim]{extra}")
        if NO_SOURCE in arg.sources:
            branch.add("[red]a premise that is not in the base[/red]")
        for s in sources:
            if s in path:
                branch.add(_label(base, s) + " [magenta](cycle: already above)[/magenta]")
                continue
            child = branch.add(_label(base, s))
            if depth > 1 and base.notes[s].arguable:
                _grow(base, s, child, depth - 1, path | {s})
            elif base.notes[s].arguable and (labels.by_target[s]):
                child.add("[dim]...[/dim]")


def summary_line(base: ClaimBase, node: int) -> str:
    labels = base.labels
    state = {IN: "in", UNDECIDED: "undecided"}.get(labels.state[node], "out")
    return f"{base.notes[node].name}: {labels.status[node]} ({state}; for {labels.pro[node]:g}, against {labels.con[node]:g})"
