"""Rendering a note body safely, URL sorting, slugs and output paths, SVG sanitising."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimbase.site import assets, urls
from claimbase.site.render import (
    LinkResolver,
    WikiLink,
    drop_title,
    heading_id,
    render_markdown,
    substitute_links,
)
from claimbase.site.slugs import OutDir, UnsafePath, file_name, note_slugs, slugify

NOTES = {"notes/other.md": "other.html"}


def resolver(files: dict[str, str] | None = None) -> LinkResolver:
    files = files or {}

    def note(path: str) -> str | None:
        return NOTES.get(path if path.endswith(".md") else path + ".md")

    def file(path: str, image: bool) -> str | None:
        return files.get(path)

    return LinkResolver(note, file)


def render(text: str, links: list[WikiLink] | None = None, files: dict[str, str] | None = None) -> str:
    return render_markdown(text, links or [], "notes", resolver(files)).html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "![x](data:image/svg+xml;base64,PHN2Zy8+)",
        "<svg><script>alert(1)</script></svg>",
        '<svg onload="alert(1)"></svg>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<iframe src="https://evil.example/"></iframe>',
        "<style>*{x:expression(alert(1))}</style>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<form action="https://evil.example/"><button>x</button></form>',
    ],
)
def test_active_content_is_neutralised(markdown: str) -> None:
    out = render(markdown + "\n")
    low = out.lower()
    for bad in ("<script", "javascript:", "vbscript:", "data:", "onerror", "onload", "<iframe", "<style",
                "<meta", "<form", "<svg", "style="):
        assert bad not in low, (markdown, out)


def test_external_images_become_links_and_are_never_loaded() -> None:
    out = render("![chart](https://evil.example/c.png)\n")
    assert "<img" not in out
    assert 'href="https://evil.example/c.png"' in out


def test_relative_references_resolve_to_pages_and_copied_files() -> None:
    out = render("[o](other.md#Some Heading) ![p](plot.svg) [gone](nope.md)\n".replace(" Heading", "%20Heading"),
                 files={"notes/plot.svg": "../files/x-plot.svg"})
    assert 'href="other.html#h-some-heading"' in out
    assert 'src="../files/x-plot.svg"' in out
    assert 'class="broken-link"' in out and "nope.md" in out
    assert "../../" not in render("[up](../../../etc/passwd)\n")


def test_wiki_links_become_links_or_visible_gaps() -> None:
    body = "See [[other|the other note]] and [[Missing claim]] and `[[code]]`.\n"
    spans = [(m.start(), m.end()) for m in re.finditer(r"\[\[[^\]]+\]\]", body)][:2]
    links = [
        WikiLink("other.html", "the other note", "wikilink", "other", "other|the other note"),
        WikiLink(None, "Missing claim", "wikilink missing", "no note named 'Missing claim'", "Missing claim"),
    ]
    out = render(substitute_links(body, spans), links)
    assert '<a class="wikilink" href="other.html" title="other">the other note</a>' in out
    assert '<span class="wikilink missing"' in out and ">Missing claim</span>" in out
    assert "<code>[[code]]</code>" in out


def test_link_text_and_placeholders_cannot_inject_markup() -> None:
    body = "[[x]] and ![alt [[y]]](p.png) and <abbr title=\"[[z]]\">a</abbr> and \ue0000\ue001 forged\n"
    spans = [(m.start(), m.end()) for m in re.finditer(r"\[\[[^\]]+\]\]", body)]
    evil = '"><img src=x onerror=alert(1)>'
    links = [WikiLink("a.html", evil, "wikilink", evil, "x")] * 3
    out = render(substitute_links(body, spans), links, files={"notes/p.png": "p.png"})
    assert "<img src=x" not in out and "onerror=alert" not in out.replace("onerror=alert(1)&gt;", "")
    assert "\ue000" not in out and "\ue001" not in out
    assert 'alt="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in out or "&quot;&gt;&lt;img" in out


def test_headings_get_the_ids_heading_links_use() -> None:
    out = render("## Why This Matters\n\n## Why this matters!\n")
    assert f'<h2 id="{heading_id("Why This Matters")}">' in out
    assert f'id="{heading_id("why this matters")}-2"' in out
    assert heading_id("Gödel's Ärger") == "h-godel-s-arger"
    assert heading_id("中文标题").startswith("h-")


def test_the_title_line_is_not_repeated() -> None:
    assert drop_title("\n# Title\n\nBody\n") == "\nBody\n"
    assert drop_title("Intro\n# Not first\n") == "Intro\n# Not first\n"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("https://example.org/a?b#c", "external"),
        ("mailto:x@example.org", "external"),
        ("//evil.example/x", "external"),
        ("\\\\evil.example\\x", "external"),
        ("#section", "fragment"),
        ("other.md", "relative"),
        ("  javascript:alert(1)", "unsafe"),
        ("java\tscript:alert(1)", "unsafe"),
        ("&#x6A;avascript:alert(1)", "unsafe"),
        ("data:text/html,x", "unsafe"),
        ("file:///etc/passwd", "unsafe"),
        ("../../etc/passwd", "unsafe"),
        ("/../x", "unsafe"),
        ("ftp://x", "unsafe"),
    ],
)
def test_urls_are_sorted_like_a_browser_reads_them(raw: str, kind: str) -> None:
    assert urls.classify(raw, "notes").kind == kind


def test_slugs_are_safe_unique_and_stable() -> None:
    paths = ["a/Same Name.md", "b/same-name.md", "c/../../etc.md", "d/<script>.md", "e/_map.md", "f/_map.md",
             "g/con.md", "h/!!!.md", "i/" + "x" * 300 + ".md", "j/Gödel.md"]
    slugs = note_slugs(paths)
    assert len(set(slugs)) == len(slugs)
    for s in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", s) and len(s) <= 100, s
    assert slugs[0] != "same-name" and slugs[0].startswith("same-name-")
    assert slugs[4].startswith("e-map") and slugs[6] == "con-" and slugs[7] == "note" and slugs[9] == "godel"
    assert note_slugs(paths) == slugs  # the same base gives the same names
    assert note_slugs(list(reversed(paths))) == list(reversed(slugs))  # and not by order
    assert slugify("Ångström café") == "angstrom-cafe"
    assert re.fullmatch(r"files/[0-9a-f]{12}-my-plot\.svg", file_name("evidence/run/My Plot.SVG"))


def test_output_paths_stay_inside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere")
    guard = OutDir(out)
    assert guard.path("notes/a.html") == out.resolve() / "notes" / "a.html"
    for rel in ("../x.html", "/etc/passwd", "a/../../x", "", "a//b", "link/x.html", "a\\..\\x", "nul\x00"):
        with pytest.raises(UnsafePath):
            guard.path(rel)


def test_svg_is_rebuilt_from_safe_parts() -> None:
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
      <script>alert(1)</script><foreignObject><div>x</div></foreignObject>
      <a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a>
      <use href="#ok"/><use href="https://evil.example/s.svg#x"/>
      <rect style="fill:url(https://evil.example/p)"/><rect style="fill:url(#grad)"/>
      <image href="data:image/png;base64,iVBORw0KGgo="/><image href="https://evil.example/i.png"/>
      <style>@import url(https://evil.example/x.css);</style><set attributeName="href" to="javascript:alert(1)"/>
      <text>1 &lt; 2</text></svg>"""
    out = assets.sanitise_svg(svg).decode()
    low = out.lower()
    for bad in ("script", "onload", "foreignobject", "javascript", "evil.example", "@import", "<set"):
        assert bad not in low, out
    assert 'href="#ok"' in out and "url(#grad)" in out and "data:image/png;base64" in out and "1 &lt; 2" in out
    for broken in (b"<svg", b"<html/>", b'<!DOCTYPE x [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'):
        with pytest.raises(assets.FileRejected):
            assets.sanitise_svg(broken)


def test_files_must_be_what_they_claim() -> None:
    with pytest.raises(assets.FileRejected):
        assets.prepare(b"<html><script>alert(1)</script></html>", "png")
    assert assets.prepare(b"\x89PNG\r\n\x1a\nrest", "png").startswith(b"\x89PNG")


def test_only_safe_kinds_inside_the_base_are_located(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "a.svg").write_text("<svg/>")
    (tmp_path / "base" / "page.html").write_text("<script>alert(1)</script>")
    (tmp_path / "base" / "data.csv").write_text("a,b\n")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "base" / "leak.png").symlink_to(tmp_path / "secret.png")
    root = str(tmp_path / "base")
    assert assets.locate(root, "a.svg", True) is not None
    assert assets.locate(root, "page.html", False) is None
    assert assets.locate(root, "data.csv", False) is not None and assets.locate(root, "data.csv", True) is None
    assert assets.locate(root, "leak.png", True) is None
    assert assets.locate(root, ".hidden/x.png", True) is None
