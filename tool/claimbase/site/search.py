"""Full-text search for a static host: a sharded inverted index the site's own script reads.

Pagefind indexed 10,000 pages in 15.8 s (DESIGN §7); the budget for the whole build is 10 s.  This
index is built from the note texts the build reads anyway, in the same processes that render the
pages, and is written as small JavaScript files (`search/t/<prefix>.js`) that register themselves
when loaded with a `<script>` element - which, unlike `fetch`, also works for a site opened from
disk.  The browser loads only the shards of the words typed.

* Words: lower-cased, accents removed, runs of letters and digits, 2 to 40 characters.  The
  script `site/static/search.js` splits a query the same way.
* Shards are keyed by a word's first two characters, so the last word of a query can be matched as
  a prefix (search as you type) from one shard.
* Postings are note ids, sorted and stored as gaps.  A word found in a note's name, title,
  description or aliases is posted under `t` (title); other words under `b` (body).
* Words found in more than half the notes of a large base (the, of, is ...) are not posted; they
  are listed in `search/meta.js` so that a query ignores them instead of finding nothing.
* Documents (name, page, type, status, description) are in `search/d/<n>.js`, `DOCS_PER_SHARD`
  per file.

Rebuilds are incremental: the full index is rebuilt only when many notes changed.  Otherwise the
notes that changed since the full index was built are indexed into `search/delta.js`, which the
script merges in (their entries in the full index are ignored).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

FORMAT = 1
DOCS_PER_SHARD = 256
STOP_SHARE = 0.5
STOP_MIN_DOCS = 200
DELTA_LIMIT_SHARE = 0.05
DELTA_LIMIT_MIN = 64

_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_SHARD_CHAR = re.compile(r"[a-z0-9]")
# bytes that are not a-z, 0-9 or part of a multi-byte character become spaces
_ASCII_TO_SPACE = bytes(b if (48 <= b <= 57 or 97 <= b <= 122 or b >= 128) else 32 for b in range(256))


def words(text: str) -> set[str]:
    """The distinct index words of `text`.

    ASCII punctuation is turned into spaces by one `bytes.translate` and the text split on
    whitespace (2.4 times faster than a regular expression over the whole text); only the few
    tokens with non-ASCII characters go through Unicode decomposition and the word pattern."""
    low = text.lower()
    spaced = low.encode("utf-8", "surrogatepass").translate(_ASCII_TO_SPACE).decode("utf-8", "replace")
    tokens = set(spaced.split())
    if low.isascii():
        return {t for t in tokens if 2 <= len(t) <= 40}
    import unicodedata

    found: set[str] = set()
    for token in tokens:
        if token.isascii():
            if 2 <= len(token) <= 40:
                found.add(token)
            continue
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", token))
        found.update(w for w in _WORD.findall(folded) if 2 <= len(w) <= 40)
    return found


def shard_key(word: str) -> str:
    """The shard a word is stored in: its first two characters when both are a-z/0-9, else a code
    of the first character (`u` + hex), so that every shard name is a safe file name."""
    a, b = word[0], word[1]
    if _SHARD_CHAR.match(a):
        return a + (b if _SHARD_CHAR.match(b) else "_")
    return f"u{ord(a):x}"


@dataclass(slots=True)
class DocWords:
    """The words of one note, split by where they occur."""

    doc: int
    title: set[str]
    body: set[str]


def doc_words(doc: int, title_text: str, body_text: str) -> DocWords:
    title = words(title_text)
    return DocWords(doc, title, words(body_text) - title)


@dataclass
class Postings:
    """word -> note ids, for title and body words."""

    title: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    body: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, dw: DocWords) -> None:
        doc = dw.doc
        title, body = self.title, self.body
        for w in dw.title:
            title[w].append(doc)
        for w in dw.body:
            body[w].append(doc)

    def merge(self, other: "Postings") -> None:
        """Append `other` (whose ids all follow ours) to these postings."""
        for mine, theirs in ((self.title, other.title), (self.body, other.body)):
            for w, ids in theirs.items():
                got = mine.get(w)
                if got is None:
                    mine[w] = ids
                else:
                    got.extend(ids)


def stop_words(postings: Postings, n_docs: int) -> list[str]:
    if n_docs < STOP_MIN_DOCS:
        return []
    limit = n_docs * STOP_SHARE
    counts: dict[str, int] = {}
    for table in (postings.title, postings.body):
        for w, ids in table.items():
            counts[w] = counts.get(w, 0) + len(ids)
    return sorted(w for w, c in counts.items() if c > limit)


def _gaps(ids: list[int]) -> list[int]:
    ids = sorted(set(ids))
    return [ids[0]] + [b - a for a, b in zip(ids, ids[1:])] if ids else []


def shards(postings: Postings, stop: Iterable[str]) -> dict[str, dict[str, dict[str, list[int]]]]:
    """shard key -> {"t": {word: gaps}, "b": {word: gaps}}."""
    skip = set(stop)
    out: dict[str, dict[str, dict[str, list[int]]]] = {}
    for part, table in (("t", postings.title), ("b", postings.body)):
        for w in sorted(table):
            if w in skip:
                continue
            out.setdefault(shard_key(w), {"t": {}, "b": {}})[part][w] = _gaps(table[w])
    return out


def script(call: str, *args: object) -> bytes:
    """A data file: one call of the search script's registration function with JSON arguments."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    # U+2028/2029 are legal in JSON strings and in modern JS, but escape them for older parsers
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"CB_SEARCH.{call}({body});\n".encode("utf-8")


def doc_entry(name: str, href: str, note_type: str, status: str, description: str) -> list[str]:
    return [name, href, note_type, status, description[:200]]
