"""'Did you mean ...?' for links to names that are not in the base."""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from . import names
from .model import Note

_MAX_POSTING = 400  # tokens shared by more notes than this say little about which note was meant


class Suggester:
    def __init__(self, notes: list[Note]):
        self.notes = notes
        self.loose: dict[str, list[int]] = {}
        self.tokens: dict[str, list[int]] = {}
        self.memo: dict[str, tuple[int | None, bool]] = {}
        for i, note in enumerate(notes):
            lk = names.loose_key(note.name)
            self.loose.setdefault(lk, []).append(i)
            for token in set(lk.split()):
                if len(token) >= 4:
                    self.tokens.setdefault(token, []).append(i)

    def suggest(self, target: str) -> tuple[int | None, bool]:
        """(note index, exact) for the note most likely meant; exact when only punctuation,
        spacing, case or Unicode form differ."""
        lk = names.loose_key(target.rsplit("/", 1)[-1])
        if lk in self.memo:
            return self.memo[lk]
        answer: tuple[int | None, bool] = (None, False)
        hits = self.loose.get(lk)
        if hits and len(hits) == 1:
            answer = (hits[0], True)
        elif lk:
            counts: Counter[int] = Counter()
            for token in set(lk.split()):
                posting = self.tokens.get(token)
                if posting and len(posting) <= _MAX_POSTING:
                    counts.update(posting)
            best, best_ratio = None, 0.0
            matcher = SequenceMatcher(autojunk=False)
            matcher.set_seq2(lk)
            for i, _ in counts.most_common(12):
                matcher.set_seq1(names.loose_key(self.notes[i].name))
                if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
                    continue
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best, best_ratio = i, ratio
            if best is not None and best_ratio >= 0.8:
                answer = (best, False)
        self.memo[lk] = answer
        return answer
