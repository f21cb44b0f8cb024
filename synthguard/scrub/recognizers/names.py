"""Names found from a cue before them: titles, staff roles, relations and contact verbs.

Real nursing notes write names in any case (``dr rafferty``, ``DR.DISANGRO``, ``dtr suzette``),
so nothing here depends on capitals: a cue plus a word that can be a name (``is_name_like``:
census names, or words no English dictionary knows) is the evidence. A lone lexicon word is
never enough without a cue (MAY, WILL and GRANT are words before they are names); first-last
pairs need both halves in the census lists.
"""

from __future__ import annotations

import re

from synthguard.lexicons import (
    CUED_RARE_ZIPF,
    NOT_NAMES,
    RELATIONS,
    ROLES,
    TITLES,
    bare,
    census_first_names,
    census_last_names,
    in_name_lists,
    is_common_word,
    is_first_name,
    is_frequent_word,
    is_misspelt_word,
    is_name_like,
    stop_words,
    title_case,
)
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

# Hyphens split words here: SOCIAL-daughter is a cue, Rob-who a name; HANLEY-MCCUE joins again in name_gap.
UNHYPHENATED = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")
POSSESSIVE = re.compile(r"'S$", re.IGNORECASE)
# What may stand between a cue and the name, by the cue's kind: "DR. X", "DR.X", "NP: WOLFE",
# "WIFE, ROSE", "SON: JIM", "HCP (MARY", "daughter is marcela", "PER JIM".
CUE_GAPS = {
    "title": re.compile(r"^\.?[ \t]*$"),  # not "MS: SEDATED" (mental status)
    "staff": re.compile(r"^(?:[ \t]+|[ \t]*:[ \t]*)$"),
    "relation": re.compile(r"^(?:[ \t]+\"?|[ \t]*,[ \t]*|[ \t]*:[ \t]*|[ \t]*\([ \t]*|[ \t]+is[ \t]+|[ \t]*-[ \t]*)$",
                           re.IGNORECASE),
    "contact": re.compile(r"^(?:[ \t]+|/)$"),
}
COORDINATION = re.compile(r"^[ \t]*&[ \t]*$")  # and "and", a word of its own
NAME_GAP = re.compile(r"^(?: |\.[ \t]?)$")  # inside a name: "MARY O'HARA", "J. PARRILLI" (a stop after initials only)
# Contact verbs are weaker cues than titles: the name after them must start with a first name.
CONTACT = frozenset("per w with spoke talked talk discussed called paged reach reached contacted contact "
                    "visited by".split())
# Staff roles that are also everyday words are cues only before a name, never alone (TEAM, NURSE).
STAFF = ROLES | frozenset("md ho rrt resident attending fellow intern np pa sw cm rn nurse".split())
MAX_NAME_WORDS = 3
CLINICAL_STAFF = frozenset("np pa rt cm ho sw".split())


def _initial(words: list[re.Match], i: int, text: str) -> bool:
    """A one-letter initial written with its full stop (E. WELSH, barbara j. parrilli)."""
    before = text[words[i].start() - 1] if words[i].start() else " "
    return (len(words[i].group()) == 1 and text[words[i].end():words[i].end() + 1] == "."
            and not (before.isalnum() or before == "'"))  # not the S of 60'S.


def name_gap(words: list[re.Match], j: int, text: str) -> bool:
    """Whether words[j - 1] and words[j] can be parts of one name: a space, or an initial's stop."""
    gap = text[words[j - 1].end():words[j].start()]
    return gap in (" ", "-") or (NAME_GAP.match(gap) is not None and _initial(words, j - 1, text))


def name_end(words: list[re.Match], i: int, text: str, cued: bool = False, titled: bool = False) -> int | None:
    """Index after the last word of a name starting at words[i] (initials and surnames), or None.
    ``titled``: after DR. or MRS., a title-case word is a name whatever its frequency."""
    j, named = i, 0
    while j < len(words) and j - i < MAX_NAME_WORDS:
        if j > i and not name_gap(words, j, text):
            break
        if _initial(words, j, text):
            j += 1
            continue
        word = words[j].group()
        if not (is_name_like(word, cued=cued) or (titled and title_case(word) and bare(word) not in stop_words())):
            break
        named, j = named + 1, j + 1
    while j > i and _initial(words, j - 1, text):
        j -= 1  # a name does not end on an initial ("SMITH A. FIB")
    return j if named else None


class _WordScanner(LabelledPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = []

    @staticmethod
    def words(text: str) -> list[re.Match]:
        """Words that stand alone: not the letters of 20CM, Q4H or 580S."""
        return [w for w in UNHYPHENATED.finditer(text) if not (w.start() and text[w.start() - 1].isdigit())]

    @staticmethod
    def end_of(word: re.Match) -> int:
        return word.end() - (2 if POSSESSIVE.search(word.group()) else 0)


@register
class TitledNameRecognizer(_WordScanner):
    """DR. SMITH, dr rafferty, MRS JONES, NP Wolfe, daughter Liz Robbins, wife, rose, per carol wolfe."""

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for i, cue in enumerate(words[:-1]):
            kind = bare(cue.group())
            if kind == "other" and i and bare(words[i - 1].group()) == "significant":
                kind = "partner"  # significant other charlie
            if kind == "ms" and cue.group() != "Ms" and not in_name_lists(words[i + 1].group()):
                continue  # ms contin, monitor ms.: morphine and mental status
            strength = ("title" if kind in TITLES else "staff" if kind in STAFF else
                        "relation" if kind in RELATIONS else "contact" if kind in CONTACT else None)
            if strength is None:
                continue
            gap = text[cue.end():words[i + 1].start()]
            if "\n" in gap or not CUE_GAPS[strength].match(gap):
                continue
            first = words[i + 1].group()
            # NP, PA, RT, CM are also nasopharyngeal, pulmonary artery, right, centimetres: after them the word
            # must be a name on its own (NP Wolfe), not merely rare (np cough, PA WAVEFORM).
            cued = strength != "contact" and not (strength == "staff" and kind in CLINICAL_STAFF)
            if strength == "contact" and not is_first_name(first):
                continue
            if strength == "relation" and not self._relative_name(words, i + 1, text):
                continue
            # A relation's first word was judged above, so the name may start with it (ZEBULON after DAUGHTER).
            end = name_end(words, i + 1, text, cued=cued, titled=strength == "title")
            if end is None:
                if strength == "relation" and self._bracketed(words, i + 1, text):
                    end = i + 2
                else:
                    continue
            score = 0.9 if strength in ("title", "staff", "relation") else 0.8
            results.append(self.result(words[i + 1].start(), self.end_of(words[end - 1]), score, f"after {strength}"))
            if strength in ("title", "relation"):
                results += self._coordinated(words, end, text, score, strength)
        return results

    def _coordinated(self, words: list[re.Match], k: int, text: str, score: float, strength: str) -> list:
        """Dr. Rakusin and Toolis, daughters sarah and margie, SISTER & CHARLIE: the cue covers the list."""
        found = []
        while k < len(words):
            gap = text[words[k - 1].end():words[k].start()]
            if words[k].group().casefold() == "and" and gap == " " and k + 1 < len(words) \
                    and text[words[k].end():words[k + 1].start()] == " ":
                k += 1
            elif not COORDINATION.match(gap):
                break
            first = words[k].group()
            if strength == "relation" and not is_first_name(first):
                break
            end = name_end(words, k, text, cued=True)
            if end is None:
                break
            found.append(self.result(words[k].start(), self.end_of(words[end - 1]), score, f"after {strength}"))
            k = end
        return found

    def _relative_name(self, words: list[re.Match], i: int, text: str) -> bool:
        """After DAUGHTER or WIFE: a first name, a name-like or rare word (ZEBULON), or a common first name set
        off by commas; never a typo of an everyday word (SON PRESNT, WIFE AGRESS)."""
        first = words[i].group()
        if is_first_name(first):
            return True
        if is_misspelt_word(first):
            return False
        rare = not is_common_word(first) and not is_frequent_word(first, CUED_RARE_ZIPF)
        return is_name_like(first) or rare or self._bracketed(words, i, text)

    @staticmethod
    def _bracketed(words: list[re.Match], i: int, text: str) -> bool:
        """A common first name that is also a word, set off as a name is: "wife, rose, left"."""
        word = bare(words[i].group())
        rank = census_first_names().get(word)
        after = text[words[i].end():words[i].end() + 1]
        return rank is not None and rank <= 1500 and after in (",", ")") and word not in stop_words()


@register
class LexiconNameRecognizer(_WordScanner):
    """John Smith / lorrie morales / SMITH, JOHN / Barbara J. Parrilli: a census first name, then a surname."""

    def analyze(self, text, entities, nlp_artifacts=None):
        words = self.words(text)
        results = []
        for i, word in enumerate(words[:-1]):
            if self._capitalised_pair(word.group(), words[i + 1].group()) and name_gap(words, i + 1, text):
                results.append(self.result(word.start(), self.end_of(words[i + 1]), 0.75, "first + last name"))
                continue
            if not is_first_name(word.group()):
                continue
            j = i + 1
            if _initial(words, j, text) and j + 1 < len(words) and name_gap(words, j + 1, text):
                j += 1
            gap = text[words[j - 1].end():words[j].start()]
            if name_gap(words, j, text) and self._surname(words[j].group()):
                results.append(self.result(word.start(), self.end_of(words[j]), 0.75, "first + last name"))
            elif gap == ", " and j == i + 1 and self._surname(word.group()) and is_first_name(words[j].group()):
                results.append(self.result(word.start(), self.end_of(words[j]), 0.7, "last, first name"))
        return results

    @staticmethod
    def _capitalised_pair(first: str, second: str) -> bool:
        """Mark Rivera, GRANT WOJCIK: a first name that is also a word, capitalised, before a rare census surname."""
        rank, surname = census_first_names().get(bare(first)), census_last_names().get(bare(second))
        if rank is None or rank > 1500 or surname is None or (is_common_word(second) and bare(second) not in NOT_NAMES):
            return False  # PARKS and PRICE are on the not-a-name list for a word alone; after JULIE they are names
        if first[1:].islower() and second[:1].isupper() and second[1:].islower():
            return not is_frequent_word(second, 5.0)  # Title case says name: Todd Moon, Mark Fitzgerald
        return not first.islower() and not second.islower() and not is_frequent_word(
            second, 4.5 if surname <= 5000 else 3.5)

    @staticmethod
    def _surname(token: str) -> bool:
        word = bare(token)
        return is_name_like(token) and (word in census_last_names() or not is_first_name(token))
