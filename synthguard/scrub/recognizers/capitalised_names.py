"""Names a mixed-case note capitalises with no cue: ``once Natalie woke up``, ``RN (Edward)``,
``spoken extensively with Radu Crosson``.

This stands in for spaCy's statistical NER, which on real nursing notes tagged chart words, drugs and
abbreviations (Carevue, Cont, CPK) far more often than people and cost most of the scrubbing time. In a note
that uses both cases, a run of title-case words counts when its words are census names or unknown to
English: two such words, or one known first name that does not open a sentence.
"""

from __future__ import annotations

import re

from synthguard.lexicons import in_name_lists, is_common_word, is_first_name, is_frequent_word, title_case
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers.names import _WordScanner

SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|^\s*)$")
MIN_LOWER_SHARE = 0.3  # below this the note is in capitals and capitals say nothing


def _name_word(word: str) -> bool:
    return not is_common_word(word) and (in_name_lists(word) or not is_frequent_word(word, 2.5))


@register
class CapitalisedNameRecognizer(_WordScanner):
    def analyze(self, text, entities, nlp_artifacts=None):
        letters = [c for c in text if c.isalpha()]
        if not letters or sum(c.islower() for c in letters) / len(letters) < MIN_LOWER_SHARE:
            return []
        words = self.words(text)
        results = []
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and j - i < 3 and title_case(words[j].group()) and _name_word(words[j].group()) \
                    and (j == i or text[words[j - 1].end():words[j].start()] == " "):
                j += 1
            run = [w.group() for w in words[i:j]]
            opening = SENTENCE_START.search(text[:words[i].start()]) is not None if run else False
            if len(run) >= 2:  # Zebulon Canaryfeather, Radu Crosson
                results.append(self.result(words[i].start(), self.end_of(words[j - 1]), 0.75, "capitalised name"))
            elif len(run) == 1 and not opening and is_first_name(run[0]):
                results.append(self.result(words[i].start(), self.end_of(words[i]), 0.74, "capitalised first name"))
            i = max(j, i + 1)
        return results
