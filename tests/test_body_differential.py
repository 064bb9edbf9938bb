"""The linter's fast body scanner finds exactly the wiki-links a real CommonMark parser would.

The linter does not build a Markdown syntax tree (too slow for 10,000 notes).  This test holds it to
markdown-it-py (CommonMark, with a small wiki-link inline rule) on the project's own claim base and
on a synthetic base with code spans, fences, indented code, lists and HTML comments.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from claimbase.body import scan_body
from claimbase.frontmatter import split
from claimbase.names import split_target

ROOT = Path(__file__).resolve().parents[1]


def _wikilink_rule(state, silent):
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    inner = src[pos + 2 : end] if end >= 0 else ""
    if end < 0 or not inner or "\n" in inner or "[" in inner or "]" in inner:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = inner
    state.pos = end + 2
    return True


def _reference_links(body: str) -> list[str]:
    md = MarkdownIt("commonmark", {"html": True})
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    found = []
    for block in md.parse(body):
        for token in block.children or ():
            if token.type == "wikilink":
                target, heading, _ = split_target(token.content)
                if target or heading:
                    found.append(target)
    return found


def _reference_headings(body: str) -> list[tuple[int, str]]:
    md = MarkdownIt("commonmark", {"html": True})
    tokens = md.parse(body)
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.markup.startswith("#"):
            found.append((int(token.tag[1]), tokens[i + 1].content))
    return found


def _bodies(folder: Path):
    for path in sorted(folder.rglob("*.md")):
        data = path.read_bytes()
        if b"\x00" in data[:8192]:
            continue
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").lstrip("\ufeff")
        yield path, split(text).body


def _compare(folder: Path) -> int:
    checked = 0
    for path, body in _bodies(folder):
        scan = scan_body(body)
        assert [link.target for link in scan.links] == _reference_links(body), path
        assert [(h.level, h.text) for h in scan.headings] == _reference_headings(body), path
        checked += 1
    return checked


def test_project_base_agrees_with_commonmark():
    assert _compare(ROOT / "claims") > 100


def test_synthetic_base_agrees_with_commonmark(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import generate
    finally:
        sys.path.pop(0)
    generate(tmp_path / "base", 300, seed=7, defect_rate=0.05)
    assert _compare(tmp_path / "base") > 250


@pytest.mark.parametrize(
    "body",
    [
        "a `[[x]]` b [[y]]",
        "``[[x]] ` [[y]]`` [[z]]",
        "```\n[[x]]\n```\n[[y]]",
        "~~~~\n```\n[[x]]\n~~~~\n[[y]]",
        "para\n\n    [[x]] code\n\n[[y]]",
        "- item\n\n    [[x]] continuation\n",
        "<!-- [[x]] -->\n[[y]]",
        "inline <!-- [[x]] --> [[y]]",
        "> quote [[x]]\n> ```\n> [[y]]\n> ```",
        "[[a|alias]] [[b#head]] [[c#h|al]]",
        "\\[[not]] [[yes]]",
        "[[unclosed and [[closed]]",
        "* [[a]]\n\n  ```\n  [[b]]\n  ```\n",
        "# Title ##\n## Evidence#\n### x (challenge) ###   \n#no heading\n####### seven\n  ## indented",
        "```\n# not a heading\n```\n# heading",
    ],
)
def test_tricky_bodies(body):
    assert [(h.level, h.text) for h in scan_body(body).headings] == _reference_headings(body)
    assert [link.target for link in scan_body(body).links] == _reference_links(body)
