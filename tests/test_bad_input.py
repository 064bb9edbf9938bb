"""Hostile and broken input: each case yields findings on the bad file only, never a traceback."""

from __future__ import annotations

import time
import unicodedata

import pytest

from conftest import claim, run_cli, source, write_base

GOOD = {
    "good.md": claim(confidence="likely", sources=["paper"], body="Fine. [[paper]]"),
    "paper.md": source(year=2021),
}

ALIAS_BOMB = """---
type: claim
description: bomb
confidence: speculative
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""

CASES: dict[str, tuple[dict[str, str | bytes], set[str]]] = {
    "unclosed-quote": ({"bad.md": "---\ntype: claim\ndescription: \"never closed\nconfidence: likely\n---\nbody\n"}, {"invalid-frontmatter"}),
    "undefined-alias": ({"bad.md": "---\ntype: claim\ndescription: *nothing\nconfidence: likely\n---\n"}, {"invalid-frontmatter"}),
    "alias-bomb": ({"bad.md": ALIAS_BOMB}, {"invalid-frontmatter"}),
    "recursive-alias": ({"bad.md": "---\ntype: claim\ndescription: x\nconfidence: speculative\nloop: &l [*l]\n---\n"}, {"invalid-frontmatter"}),
    "impossible-date": ({"bad.md": claim(created="2026-02-00")}, {"invalid-field"}),
    "enum-outside-schema": ({"bad.md": claim(confidence="moderate")}, {"invalid-field"}),
    "placeholder": ({"bad.md": claim(description="{{title}}")}, {"invalid-field"}),
    "unquoted-placeholder": ({"bad.md": "---\ntype: claim\ndescription: {{title}}\nconfidence: likely\n---\n"}, {"invalid-frontmatter"}),
    "binary": ({"bad.md": bytes(range(256)) * 8}, {"unreadable-file"}),
    "non-utf8": ({"bad.md": "---\ntype: claim\ndescription: caf\u00e9\nconfidence: speculative\n---\n".encode("latin-1")}, {"unreadable-file"}),
    "deep-nesting": ({"bad.md": "---\ntype: claim\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"}, {"invalid-frontmatter"}),
    "not-a-mapping": ({"bad.md": "---\n- just\n- a list\n---\nbody\n"}, {"invalid-frontmatter", "missing-field"}),
    "unclosed-frontmatter": ({"bad.md": "---\ntype: claim\ndescription: x\n"}, {"invalid-frontmatter", "missing-field"}),
    "self-link": ({"bad.md": claim(depends_on=["bad"], body="I link to [[bad]].")}, {"circular-support"}),
    "path-trick": ({"bad.md": claim(body="[[../../etc/passwd]] and [[/etc/passwd]]")}, {"broken-link"}),
    "tabs-and-nul-in-yaml": ({"bad.md": "---\ntype: claim\n\tdescription: tab\n---\n"}, {"invalid-frontmatter"}),
}


def _findings(root, *extra):
    result = run_cli("lint", str(root), "-f", "json", "--no-cache", *extra)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    return result.json()


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_only(tmp_path, case):
    files, expected = CASES[case]
    root = write_base(tmp_path / "base", {**GOOD, **files})
    started = time.perf_counter()
    found = _findings(root)
    assert time.perf_counter() - started < 30
    paths = {f["path"] for f in found}
    assert paths == {"bad.md"}, found
    assert expected <= {f["rule"] for f in found}, found


def test_type_survives_impossible_date(base_dir):
    from claimbase import open_base

    root = base_dir({"bad.md": claim(created="2026-02-00", confidence="likely")})
    note = open_base(root, use_cache=False).notes[0]
    assert note.type == "claim" and note.meta["confidence"] == "likely"


def test_type_survives_broken_field(base_dir):
    from claimbase import open_base

    root = base_dir({"bad.md": "---\ntype: claim\ndescription: \"open\nconfidence: likely\ndepends_on: [\"[[x]]\"]\n---\n", "x.md": claim()})
    note = next(n for n in open_base(root, use_cache=False).notes if n.name == "bad")
    assert note.type == "claim" and note.meta["confidence"] == "likely" and note.links[0].target == "x"


def test_bom_and_crlf(tmp_path):
    text = claim(confidence="likely", sources=["paper"], body="Line one [[paper]].\n\nLine three [[missing one]].")
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    root = write_base(tmp_path / "base", {**GOOD, "crlf.md": data})
    found = _findings(root)
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in found] == [("crlf.md", "broken-link", 9, 12)]


def test_links_in_code_are_not_links(base_dir):
    body = "\n".join(
        [
            "Inline `[[no1]]` and ``[[no2]] `x` `` here.",
            "",
            "```",
            "[[no3]]",
            "```",
            "",
            "~~~python",
            "[[no4]]",
            "~~~",
            "",
            "    [[no5]] indented code",
            "",
            "<!-- [[no6]] -->",
            "- list item",
            "    [[yes1]] is a list continuation, not code",
            "",
            "Real [[yes2]].",
        ]
    )
    root = base_dir({"x.md": claim(body=body)})
    found = _findings(root, "--select", "broken-link")
    assert sorted(f["message"].split("'")[1] for f in found) == ["yes1", "yes2"]


def test_nfd_and_nfc_names_resolve(base_dir):
    nfd = unicodedata.normalize("NFD", "caf\u00e9 culture")
    root = base_dir({f"{nfd}.md": claim(sources=["paper"]), "paper.md": source(), "x.md": claim(body="[[caf\u00e9 culture]] and [[CAF\u00c9 CULTURE]]")})
    assert _findings(root, "--select", "broken-link") == []


def test_duplicate_names_in_folders(base_dir):
    root = base_dir({"a/same.md": claim(sources=["paper"]), "b/same.md": claim(description="b", sources=["paper"]), "paper.md": source(), "x.md": claim(body="[[same]] [[a/same]]")})
    found = _findings(root)
    rules = {(f["path"], f["rule"]) for f in found}
    assert ("x.md", "ambiguous-link") in rules
    assert ("a/same.md", "duplicate-claim") in rules and ("b/same.md", "duplicate-claim") in rules
    assert not any(f["path"] == "x.md" and f["rule"] == "broken-link" for f in found)


def test_depends_on_cycle(base_dir):
    root = base_dir({"a.md": claim(depends_on=["b"]), "b.md": claim(depends_on=["c"]), "c.md": claim(depends_on=["a"])})
    found = [f for f in _findings(root) if f["rule"] == "circular-support"]
    assert {f["path"] for f in found} == {"a.md", "b.md", "c.md"}
    assert "'a' -> 'b' -> 'c' -> 'a'" in next(f["message"] for f in found if f["path"] == "a.md")


def test_twenty_megabyte_file(tmp_path):
    paragraph = ("Lorem ipsum [[good]] dolor sit amet, `[[code]]` consectetur. " * 20 + "\n\n").encode()
    big = claim(body="start").encode() + paragraph * (20_000_000 // len(paragraph))
    root = write_base(tmp_path / "base", {**GOOD, "big.md": big + b"[[nowhere]]\n"})
    started = time.perf_counter()
    found = _findings(root)
    assert time.perf_counter() - started < 60
    assert {f["path"] for f in found} == {"big.md"}


def test_symlink_out_of_base(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(claim())
    root = write_base(tmp_path / "base", dict(GOOD))
    (root / "link.md").symlink_to(outside)
    (root / "loop").symlink_to(root)
    found = _findings(root)
    assert [(f["path"], f["rule"]) for f in found] == [("link.md", "unreadable-file")]


def test_missing_base_is_usage_error(tmp_path):
    result = run_cli("lint", str(tmp_path / "nope"))
    assert result.code == 2 and "no such folder" in result.err and "Traceback" not in result.err


def test_bad_config_is_usage_error(tmp_path):
    root = write_base(tmp_path / "proj", {"claims/a.md": claim(), "pyproject.toml": "[tool.claims]\nseverity = {broken-link = 'fatal'}\n"})
    result = run_cli("lint", str(root / "claims"))
    assert result.code == 2 and "fatal" in result.err and "Traceback" not in result.err
