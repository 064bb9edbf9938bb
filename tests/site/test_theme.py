"""Both themes keep text readable: every text colour on its background meets WCAG AA (4.5:1)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

CSS = (ROOT / "site" / "static" / "site.css").read_text(encoding="utf-8")
PAIRS = [
    ("fg", "bg"), ("muted", "bg"), ("link", "bg"), ("muted", "panel"), ("link", "panel"), ("fg", "panel"),
    ("ok-fg", "ok-bg"), ("grey-fg", "grey-bg"), ("purple-fg", "purple-bg"), ("pink-fg", "pink-bg"),
    ("red-fg", "red-bg"), ("amber-fg", "amber-bg"), ("red-fg", "bg"), ("amber-fg", "bg"), ("ok-fg", "bg"),
]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _theme(start: str, end: str) -> dict[str, str]:
    block = CSS[CSS.index(start):CSS.index(end)]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


@pytest.mark.parametrize(("start", "end"), [(":root {", "@media (prefers-color-scheme: dark)"),
                                            (':root[data-theme="dark"]', "* { box-sizing")])
def test_text_colours_meet_aa_contrast(start: str, end: str) -> None:
    colours = _theme(start, end)
    low = {f"{a} on {b}": round(_contrast(colours[a], colours[b]), 2) for a, b in PAIRS if _contrast(colours[a], colours[b]) < 4.5}
    assert low == {}
