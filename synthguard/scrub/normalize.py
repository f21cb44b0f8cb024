"""NFKC normalisation for detection, with a map from normalised offsets back to the original.

Japanese records mix full-width and half-width forms (０９０−１２３４, ｶﾀｶﾅ, ㈱): the
recognizers see one form, NFKC, and every finding is mapped back so that the original
text, not a normalised copy, is what gets replaced. NFKC can merge characters (ｶ + ﾞ
becomes ガ) and expand one (㈱ becomes (株)), so the text is normalised in groups: a
character together with the combining or sound marks that follow it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Half-width voiced and semi-voiced sound marks combine with the kana before them.
SOUND_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a"}


@dataclass(frozen=True)
class Normalized:
    text: str
    starts: tuple[int, ...]  # original offset where normalised character i's group starts
    ends: tuple[int, ...]  # original offset where it ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind normalised [start, end)."""
        if end <= start:
            return self.starts[start] if start < len(self.starts) else self.ends[-1], self.ends[start - 1]
        return self.starts[start], self.ends[end - 1]


def _groups(text: str):
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not (unicodedata.combining(text[i]) or text[i] in SOUND_MARKS):
            yield start, i
            start = i


def nfkc(text: str) -> Normalized:
    out, starts, ends = [], [], []
    for start, end in _groups(text):
        piece = unicodedata.normalize("NFKC", text[start:end])
        out.append(piece)
        starts += [start] * len(piece)
        ends += [end] * len(piece)
    return Normalized("".join(out), tuple(starts), tuple(ends))
