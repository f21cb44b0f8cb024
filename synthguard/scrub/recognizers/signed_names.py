"""Names found from what follows them: a credential (``irene snell, rn``), a word staff are told
with (``grace dudak aware``), a reporting verb (``JOHN STATES``), or an initial before a surname
(``E. WELSH``).
"""

from __future__ import annotations

import re

from synthguard.lexicons import RELATIONS, bare, in_name_lists, is_first_name, is_name_like
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers.names import _initial, _WordScanner, name_gap

# Not PA: in ICU notes it is the pulmonary artery (PA CATH, PA LINE) far more often than an assistant.
CREDENTIALS = frozenset("rn bsn rrt np md lpn cna msw lcsw licsw crnp aprn rd rph pharmd phd cnm ccrn "
                        "slp otr mph facc facs".split())
CREDENTIAL_GAP = re.compile(r"^(?:[ \t]*,[ \t]*|[ \t]+|[ \t]*/[ \t]*)$")
# A relation in brackets after the name: URSLA MORETTI (DAUGHTER), CHARLIE (SIGNIFICANT OTHER).
RELATION_AFTER = re.compile(r"^[ \t]*\((?:HER|HIS|PT'?S)?[ \t]*(?:" + "|".join(sorted(RELATIONS))
                            + r"|SIGNIFICANT OTHER|SO)\)", re.IGNORECASE)
TOLD = frozenset("aware notified informed paged called updated".split())
REPORTS = frozenset("states stated verbalizes verbalized wishes wished agrees agreed reports reported requests "
                    "requested says said asked expressed understands understood arrived visited".split())
# Organisms and abbreviations written initial-first (E. COLI, C. DIFF, S. AUREUS).
NOT_SURNAMES = frozenset("coli diff difficile aureus epidermidis pneumoniae aeruginosa albicans faecalis "
                         "faecium fib flutter cloacae marcescens influenzae mirabilis".split())
MAX_BACK = 3


@register
class SignedNameRecognizer(_WordScanner):
    """irene snell, rn / FRANCIS G. LEVINE, RRT / Andrwe O'connell MD / grace dudak aware / Z. MILLER AWARE."""

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for k, after in enumerate(words):
            kind = bare(after.group())
            if k == 0 or (kind not in CREDENTIALS and kind not in TOLD):
                continue
            gap = text[words[k - 1].end():after.start()]
            if "\n" in gap or not CREDENTIAL_GAP.match(gap if kind in CREDENTIALS else gap.replace(",", "")):
                continue
            start = self._walk_back(words, k, text)
            if start is None:
                continue
            names = [words[j].group() for j in range(start, k) if not _initial(words, j, text)]
            # Before AWARE a name needs two parts (first + last, or an initial): "family aware" is not one.
            if kind in TOLD and k - start < 2:
                continue
            if kind in TOLD and not (is_first_name(words[start].group(), cued=True) or _initial(words, start, text)):
                continue
            if not names:
                continue
            results.append(self.result(words[start].start(), self.end_of(words[k - 1]), 0.85,
                                       "before credential" if kind in CREDENTIALS else "before 'aware'"))
        for k, word in enumerate(words):
            if RELATION_AFTER.match(text[word.end():]) and (start := self._walk_back(words, k + 1, text)) is not None \
                    and any(in_name_lists(w.group()) for w in words[start:k + 1]):
                results.append(self.result(words[start].start(), self.end_of(word), 0.85, "before (relation)"))
        return results

    @staticmethod
    def _walk_back(words: list[re.Match], k: int, text: str) -> int | None:
        start = None
        j = k - 1
        while j >= 0 and k - j <= MAX_BACK:
            word = words[j].group()
            if not (_initial(words, j, text) or (is_name_like(word, cued=True) and bare(word) not in CREDENTIALS)):
                break
            start = j
            if j == 0 or not name_gap(words, j, text):
                break
            j -= 1
        return start


@register
class InitialNameRecognizer(_WordScanner):
    """E. WELSH, M. PEPPLER, b. gill: an initial with its full stop, then a surname."""

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for i, word in enumerate(words[:-1]):
            before = text[word.start() - 1:word.start()] if word.start() else " "
            if not _initial(words, i, text) or not (before.isspace() or before in "(,;"):
                continue  # i.e., e.g., A/O.
            surname = words[i + 1]
            if (text[word.end():surname.start()] == ". "
                    and len(surname.group()) > 2 and bare(surname.group()) not in NOT_SURNAMES
                    and is_name_like(surname.group())):
                results.append(self.result(word.start(), self.end_of(surname), 0.8, "initial + surname"))
        return results


@register
class ReportingNameRecognizer(_WordScanner):
    """JOHN STATES, Radu verbalizes: a first name alone, as the subject of a reporting verb."""

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for i, word in enumerate(words[:-1]):
            if bare(words[i + 1].group()) in REPORTS and text[word.end():words[i + 1].start()] == " " \
                    and is_first_name(word.group()):
                results.append(self.result(word.start(), self.end_of(word), 0.8, "before reporting verb"))
        return results
