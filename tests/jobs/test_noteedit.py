"""Byte-preserving frontmatter edits."""

from __future__ import annotations

import pytest
from claimbase.noteedit import EditError, set_fields

NOTE = (
    b"\xef\xbb\xbf---\r\n"
    b"type: evidence   # what it is\r\n"
    b"status: 'current'  # keep this comment\r\n"
    b"verdicts:\r\n"
    b"  - claim: \"[[x]]\"\r\n"
    b"    verdict: supports\r\n"
    b"# a comment line after the block\r\n"
    b"weird: \"a # not a comment\"  # a comment\r\n"
    b"---\r\n"
    b"# Body\r\n\r\nText with [[x]].\r\n"
)


def test_changes_only_the_value():
    out = set_fields(NOTE, {"status": "superseded"})
    assert out == NOTE.replace(b"status: 'current'  #", b"status: superseded  #")


def test_adds_a_key_before_the_closing_line_with_the_file_line_endings():
    out = set_fields(NOTE, {"superseded_by": "[[new note]]"})
    assert out == NOTE.replace(b"# a comment\r\n---\r\n", b"# a comment\r\nsuperseded_by: \"[[new note]]\"\r\n---\r\n")


def test_a_block_value_becomes_one_line_and_the_comment_after_it_stays():
    out = set_fields(NOTE, {"verdicts": [{"claim": "[[y]]", "verdict": "challenges"}]})
    assert b'verdicts: [{"claim": "[[y]]", "verdict": "challenges"}]\r\n# a comment line after the block\r\n' in out
    assert out.startswith(NOTE[:NOTE.index(b"verdicts:")]) and out.endswith(NOTE[NOTE.index(b"# a comment line"):])


def test_quoted_hash_is_not_taken_for_a_comment():
    out = set_fields(NOTE, {"weird": "plain"})
    assert b"weird: plain  # a comment\r\n" in out


def test_setting_the_same_value_changes_nothing():
    assert set_fields(NOTE, {"status": "current", "type": "evidence"}) == NOTE


def test_refuses_what_it_cannot_edit_safely():
    with pytest.raises(EditError, match="no frontmatter"):
        set_fields(b"# just a body\n", {"a": 1})
    with pytest.raises(EditError, match="never closed"):
        set_fields(b"---\na: 1\n", {"a": 2})
    with pytest.raises(EditError, match="not valid YAML"):
        set_fields(b"---\na: [1\nb: 2\n---\n", {"b": 3})
    with pytest.raises(EditError, match="UTF-8"):
        set_fields(b"---\na: \xff\n---\n", {"a": 2})


TRICKY = ["plain", "x", "yes", "null", "1.5", "2026-02-00", "a: b", "a #b", "[[link]]", "'quoted'", '"dq"', "-dash",
          "  ", "é ünïcode", "back\\slash", "tab\there", "{brace}", "*star", "&amp", "@at", "%pct", "!bang", "|pipe", ">gt"]


@pytest.mark.parametrize("value", TRICKY)
def test_any_string_value_reads_back_exactly(value):
    from claimbase.frontmatter import split

    out = set_fields(b"---\ntype: claim\nlast_evaluated: 2026-01-01\n---\nBody\n", {"status": value})
    assert split(out.decode()).meta["status"] == value
    assert out.startswith(b"---\ntype: claim\nlast_evaluated: 2026-01-01\n") and out.endswith(b"\n---\nBody\n")
