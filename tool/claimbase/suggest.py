"""'Did you mean ...?' for links to names that are not in the base.

Candidates come from an index of the words in note names; they are ranked by similarity of their
word sequences (which tolerates a misspelt or missing word in a long proposition) or, for short
names, of their characters.  Names differing only in case, Unicode form, spacing or punctuation
are an exact match (and safe to fix automatically).
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from . import names
from .model import Note

_MAX_POSTING = 400  # words shared by more notes than this say little about which note was meant
_THRESHOLD = 0.8
_WORD = re.compile(r"[^\W_]+")


class Suggester:
    def __init__(self, notes: list[Note]):
        self.notes = notes
        self.loose: dict[str, list[int]] = {}
        self.words: list[list[str]] = []
        self.index: dict[str, list[int]] = {}
        self.memo: dict[str, tuple[int | None, bool]] = {}
        for i, note in enumerate(notes):
            words = _WORD.findall(names.key(note.name))
            self.loose.setdefault(" ".join(words), []).append(i)
            self.words.append(words)
            for word in set(words):
                if len(word) >= 4:
                    self.index.setdefault(word, []).append(i)
                if len(word) >= 6:  # a misspelt word usually keeps its first letters
                    self.index.setdefault("^" + word[:5], []).append(i)

    def suggest(self, target: str) -> tuple[int | None, bool]:
        """(note index, exact) for the note most likely meant, or (None, False)."""
        lk = names.loose_key(target.rsplit("/", 1)[-1])
        if lk in self.memo:
            return self.memo[lk]
        answer: tuple[int | None, bool] = (None, False)
        hits = self.loose.get(lk)
        if hits and len(hits) == 1:
            answer = (hits[0], True)
        elif lk:
            answer = (self._closest(lk), False)
        self.memo[lk] = answer
        return answer

    def _closest(self, lk: str) -> int | None:
        words = lk.split()
        counts: Counter[int] = Counter()
        for word in set(words):
            posting = self.index.get(word)
            if posting is None and len(word) >= 6:
                posting = self.index.get("^" + word[:5])
            if posting and len(posting) <= _MAX_POSTING:
                counts.update(posting)
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
