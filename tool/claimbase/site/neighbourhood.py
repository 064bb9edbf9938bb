"""The small diagram of the argument around one note, laid out on the server.

The note sits in the middle.  On its left is what it rests on or is argued from (premises,
supporting and challenging notes, sources, the experiment that produced it); on its right is what
rests on it (notes that depend on it, claims it supports, challenges or tests, notes citing it).
Each column shows a bounded number of boxes and says how many more there are; the full lists are
on the page as text.  Lines are coloured by the kind of edge, boxes by the status of the note.
Positions are computed here and drawn by a template as plain SVG, so the diagram needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import CHALLENGES, CITES, DEPENDS_ON, GENERATED_BY, NEEDS, REVISES, SUPPORTS, TESTS

if TYPE_CHECKING:  # pragma: no cover
    from .pages import Ref

PER_COLUMN = 9
WIDTH = 760
BOX_W = 230
BOX_H = 26
ROW = 34
MAX_CHARS = 34

# (kind, direction) -> (column, label), in the order boxes are listed
LEFT = (
    ((DEPENDS_ON, "out"), "premise"),
    ((SUPPORTS, "in"), "supports it"),
    ((CHALLENGES, "in"), "challenges it"),
    ((CITES, "out"), "cited source"),
    ((GENERATED_BY, "out"), "produced by"),
    ((NEEDS, "out"), "needs"),
    ((REVISES, "in"), "superseded by"),
)
RIGHT = (
    ((DEPENDS_ON, "in"), "depends on it"),
    ((SUPPORTS, "out"), "it supports"),
    ((CHALLENGES, "out"), "it challenges"),
    ((TESTS, "out"), "it tests"),
    ((TESTS, "in"), "tests it"),
    ((GENERATED_BY, "in"), "evidence produced"),
    ((NEEDS, "in"), "needed by"),
    ((CITES, "in"), "cites it"),
    ((REVISES, "out"), "supersedes"),
)


@dataclass(slots=True)
class Box:
    x: int
    y: int
    text: str
    name: str
    href: str | None
    status: str
    kind: str  # the edge kind, used for the line's colour
    label: str  # what the box is to the note, e.g. "premise"


@dataclass(slots=True)
class Neighbourhood:
    width: int
    height: int
    centre: Box
    boxes: list[Box] = field(default_factory=list)
    more_left: int = 0
    more_right: int = 0
    box_w: int = BOX_W
    box_h: int = BOX_H

    @property
    def empty(self) -> bool:
        return not self.boxes


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"


def _column(groups: dict[tuple[str, str], list["Ref"]], spec) -> tuple[list[tuple[str, str, "Ref"]], int]:
    items: list[tuple[str, str, "Ref"]] = []
    total = 0
    for key, label in spec:
        refs = groups.get(key, ())
        total += len(refs)
        for ref in refs:
            if len(items) < PER_COLUMN:
                items.append((key[0], label, ref))
    return items, total - len(items)


def neighbourhood(centre: "Ref", groups: dict[tuple[str, str], list["Ref"]]) -> Neighbourhood:
    """Lay out the note `centre` and its neighbours grouped by (edge kind, direction), each group
    already in the order to show."""
    left, more_left = _column(groups, LEFT)
    right, more_right = _column(groups, RIGHT)
    rows = max(len(left) + (1 if more_left else 0), len(right) + (1 if more_right else 0), 1)
    height = rows * ROW + 16
    mid = height // 2 - BOX_H // 2
    hood = Neighbourhood(
        WIDTH, height,
        Box((WIDTH - BOX_W) // 2, mid, _short(centre.name), centre.name, centre.href, centre.status, "", "this note"),
        more_left=more_left, more_right=more_right,
    )
    for column, x in ((left, 0), (right, WIDTH - BOX_W)):
        top = (height - len(column) * ROW) // 2 + (ROW - BOX_H) // 2
        for k, (kind, label, ref) in enumerate(column):
            hood.boxes.append(Box(x, top + k * ROW, _short(ref.name), ref.name, ref.href, ref.status, kind, label))
    return hood
