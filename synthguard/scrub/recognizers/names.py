"""Names that spaCy's NER misses: after titles and relations, and first-last pairs from lexicons.

In ALL-CAPS nursing notes the small English model sees no capitalisation cue, so names
are found from their context (DR. SMITH, DAUGHTER MARY) or from Faker's name lists when
a known first name is followed by a known last name. A lone lexicon word is never
enough: MAY, WILL and GRANT are words before they are names.
"""

from __future__ import annotations

import re

from synthguard.scrub.lexicons import (
    RELATIONS,
    ROLES,
    TITLES,
    bare,
    first_names,
    is_common_word,
    is_frequent_word,
    is_name_word,
    last_names,
)
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import WORD, LabelledPatternRecognizer

POSSESSIVE = re.compile(r"'S$", re.IGNORECASE)
SEPARATOR = re.compile(r"^(?:\.?\s+|\s*,\s*|\s*\(\s*|\s*:\s*|\.)$")
RARE_ZIPF = 3.3  # rarer than this in English and capitalised after a cue: a name (PRIYA, WOJCIK)


def _name_after_cue(token: str, title: bool) -> bool:
    if not _capitalised(token) or is_common_word(token):
        return False
    if is_name_word(token):
        return True
    # After DR. almost anything capitalised is a surname; after WIFE it must look like a name.
    return not is_frequent_word(token, RARE_ZIPF if not title else 4.5)


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


class _WordScanner(LabelledPatternRecognizer):
    PATTERNS = []

    @staticmethod
    def words(text: str) -> list[re.Match]:
        return list(WORD.finditer(text))

    def span(self, word: re.Match) -> tuple[int, int]:
        start, end = word.span()
        if POSSESSIVE.search(word.group()):
            end -= 2
        return start, end


@register
class TitledNameRecognizer(_WordScanner):
    """DR. SMITH, MRS JONES, HUSBAND JOHN, DAUGHTER (MARY SMITH)."""

    ENTITY = "PERSON"

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for i, cue in enumerate(words[:-1]):
            kind = cue.group().casefold()
            if kind not in TITLES and kind not in RELATIONS and kind not in ROLES:
                continue
            gap = text[cue.end():words[i + 1].start()]
            if not SEPARATOR.match(gap) or "\n" in gap:
                continue
            first = words[i + 1]
            if not _name_after_cue(first.group(), title=kind in TITLES):
                continue
            start, end = self.span(first)
            if i + 2 < len(words) and text[first.end():words[i + 2].start()] == " ":
                second = words[i + 2].group()
                if _capitalised(second) and not is_common_word(second) and (
                        bare(second) in last_names() or not is_frequent_word(second, RARE_ZIPF)):
                    end = self.span(words[i + 2])[1]
            results.append(self.result(start, end, 0.9, f"after {'title' if kind in TITLES else 'relation'}"))
        return results


@register
class LexiconNameRecognizer(_WordScanner):
    """JOHN SMITH / John Smith / SMITH, JOHN when both words are in the name lists."""

    ENTITY = "PERSON"

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for a, b in zip(words, words[1:], strict=False):
            gap = text[a.end():b.start()]
            ta, tb = a.group(), b.group()
            # MARK RIVERA is a name even though MARK is a word: the rare surname decides.
            if not (_capitalised(ta) and _capitalised(tb)) or is_common_word(tb) or (
                    is_common_word(ta) and bare(ta) not in first_names()):
                continue
            if gap == " " and bare(ta) in first_names() and bare(tb) in last_names():
                results.append(self.result(a.start(), self.span(b)[1], 0.75, "first + last name"))
            elif gap == ", " and ta.casefold() in last_names() and bare(tb) in first_names():
                results.append(self.result(a.start(), self.span(b)[1], 0.7, "last, first name"))
        return results
