"""'Did you mean ...?' for links to names that are not in the base.

Candidates come from an index of the words in note names; they are ranked by similarity of their
word sequences (which tolerates a misspelt or missing word in a long proposition) or, for short
names, of their characters.  Names differing only in case, Unicode form, spacing or punctuation
are an exact match (and safe to fix automatically).

Only the words that occur in the broken targets are indexed, and the index is built with set
operations rather than a Python loop over every word of every name: a 10,000-note base has ~150,000
name words.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from itertools import chain

from . import names
from .model import Note

_MAX_POSTING = 400  # words shared by more notes than this say little about which note was meant
_THRESHOLD = 0.8
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(names.key(text))


class Suggester:
    def __init__(self, notes: list[Note], targets: list[str]):
        self.notes = notes
        self.words = [_words(note.name) for note in notes]
        self.loose: dict[str, list[int]] = {}
        for i, words in enumerate(self.words):
            self.loose.setdefault(" ".join(words), []).append(i)
        self.memo: dict[str, tuple[int | None, bool]] = {}

        frequency = Counter(chain.from_iterable(set(w) for w in self.words))
        by_prefix: dict[str, list[str]] = {}
        self.aliases: dict[str, list[str]] = {}  # a target word -> the name words it may stand for
        needed: set[str] = set()
        for target in set(targets):
            for word in _words(target.rsplit("/", 1)[-1]):
                if word in self.aliases:
                    continue
                if word in frequency:
                    matches = [word]
                elif len(word) >= 6:  # a misspelt word usually keeps its first letters
                    if not by_prefix:
                        for known in frequency:
                            if len(known) >= 6:
                                by_prefix.setdefault(known[:5], []).append(known)
                    matches = by_prefix.get(word[:5], [])
                else:
                    matches = []
                matches = [m for m in matches if len(m) >= 4 and frequency[m] <= _MAX_POSTING]
                self.aliases[word] = matches
                needed.update(matches)
        self.index: dict[str, list[int]] = {w: [] for w in needed}
        for i, words in enumerate(self.words):
            for word in needed.intersection(words):
                self.index[word].append(i)

    def suggest(self, target: str) -> tuple[int | None, bool]:
        """(note index, exact) for the note most likely meant, or (None, False)."""
        words = _words(target.rsplit("/", 1)[-1])
        lk = " ".join(words)
        if lk in self.memo:
            return self.memo[lk]
        answer: tuple[int | None, bool] = (None, False)
        hits = self.loose.get(lk)
        if hits and len(hits) == 1:
            answer = (hits[0], True)
        elif lk:
            answer = (self._closest(lk, words), False)
        self.memo[lk] = answer
        return answer

    def _closest(self, lk: str, words: list[str]) -> int | None:
        counts: Counter[int] = Counter()
        for word in set(words):
            for alias in self.aliases.get(word, ()):
                counts.update(self.index.get(alias, ()))
        best, best_ratio = None, _THRESHOLD
        short = len(words) <= 3
        for i, _ in counts.most_common(8):
            other = self.words[i]
            if short:
                ratio = SequenceMatcher(None, lk, " ".join(other), autojunk=False).ratio()
            else:
                if abs(len(other) - len(words)) > max(2, len(words) // 4):
                    continue
                ratio = SequenceMatcher(None, words, other, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
        return best
