"""Is a generated text a usable record at all? Prompt leftovers, loops and cut-off endings.

Small models answer a templated prompt with the template ("Note: ... Note: ..."), loop on a
phrase ("for its style only, for its style only"), or stop mid-sentence at the token limit.
None of these is a fact error, so faithfulness passes them; each is a reason to reject here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"\w+")
LEAK_WORDS = 4  # a run of this many words from the prompt's own wording is a leftover of it
MAX_REPEATED_SHARE = 0.25  # share of word trigrams that occur more than once
ENDINGS = ".!?)\"'”’]"


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def _runs(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


class QualityJudge:
    """``problem(text)``: None, or why the text is no usable record. ``wording``: the prompt's fixed text (system
    prompt, labels), never the record it was asked to rewrite, whose words the answer may rightly repeat."""

    def __init__(self, wording: Iterable[str], labels: Iterable[str] = ()):
        self._leaks = set().union(*(_runs(_words(w), LEAK_WORDS) for w in wording))
        self._labels = {label.casefold().strip() for label in labels}  # "Note:" on a line of its own

    def problem(self, text: str) -> str | None:
        words = _words(text)
        if not words:
            return "empty"
        if self._leaks & _runs(words, LEAK_WORDS) or \
                any(line.casefold().strip() in self._labels for line in text.splitlines()):
            return "prompt_leak"
        trigrams = Counter(zip(words, words[1:], words[2:], strict=False))
        repeated = sum(n for n in trigrams.values() if n > 1)
        if trigrams and repeated / sum(trigrams.values()) > MAX_REPEATED_SHARE:
            return "repetition"
        if text.rstrip()[-1] not in ENDINGS:
            return "truncated"
        return None
