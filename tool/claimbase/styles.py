"""Colours used for statuses wherever they are shown (rich styles)."""

STATUS_STYLE = {
    "supported": "green",
    "in": "green",
    "unsupported": "dim",
    "out": "dim",
    "undermined": "magenta",
    "circular": "magenta",
    "contradicted": "red",
    "contested": "yellow",
}
