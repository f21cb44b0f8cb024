"""What every generated text goes through before it may be released, whatever the mode.

1. scrubbed again (a model can echo or invent identifiers), with surrogates that avoid
   every value detected in the real sources;
2. rejected when a real detected value appears in it as whole words (PII replay);
3. rejected when it copies a source record (memorization: a long shared token run or a
   MinHash near-duplicate, see measures/memorization.py).
"""

from __future__ import annotations

import re

from synthguard.measures.memorization import MemorizationIndex

WORD = re.compile(r"\w+")
MAX_VALUE_WORDS = 8


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


class ReplayIndex:
    """Real detected values, as word sequences: "Ross" is found in "Dr. Ross" but not in "across",
    and "(555) 013-3713" in "call 555.013.3713". Values longer than eight words are cut to eight."""

    def __init__(self, values: frozenset[str]):
        self._values = {" ".join(_words(v)[:MAX_VALUE_WORDS]) for v in values} - {""}
        self._longest = max((v.count(" ") + 1 for v in self._values), default=0)

    def __contains__(self, text: str) -> bool:
        words = _words(text)
        return any(" ".join(words[i:i + n]) in self._values
                   for n in range(1, self._longest + 1) for i in range(len(words) - n + 1))


class TextJudge:
    """Second scrub, PII replay and memorization, shared by the text modes."""

    def __init__(self, scrubber, real_values: frozenset[str], sources: list[str], settings,
                 replayed: frozenset[str] | None = None):
        self.scrubber = scrubber
        self.real_values = real_values  # what surrogates must not equal
        self.replay = ReplayIndex(real_values if replayed is None else replayed)  # what must not reappear
        self.memory = MemorizationIndex(sources, settings.max_copied_run, settings.max_duplicate_jaccard)

    def release(self, texts: list[str], memorization: bool = True) -> tuple[list[str], list[str | None]]:
        """The texts scrubbed again, and per text None or the reason it may not be released.

        ``memorization=False`` for texts that build on a source by design (an evolved
        instruction keeps its original and adds to it; the evolution filters judge those).
        """
        scrubbed, _ = self.scrubber.scrub(texts, avoid=[self.real_values] * len(texts))
        reasons: list[str | None] = []
        for words, final in zip(texts, scrubbed, strict=True):
            if not words.strip():
                reasons.append("empty")
            elif final in self.replay:
                reasons.append("pii_replay")
            elif memorization and self.memory.copies(words):
                reasons.append("memorized")
            else:
                reasons.append(None)
        return scrubbed, reasons
