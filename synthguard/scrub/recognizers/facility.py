"""Hospitals, clinics and care homes named in notes ("TRANSFERRED FROM ST. MARY'S HOSPITAL")."""

from __future__ import annotations

import re

from synthguard.lexicons import in_name_lists, is_common_word, is_frequent_word, title_case
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import WORD, LabelledPatternRecognizer

SUFFIX = re.compile(
    r"\b(?:HOSPITAL|HOSP|MEDICAL CENTER|MED CTR|MEDICAL CTR|HEALTH CENTER|HEALTH SYSTEM|CLINIC|"
    r"INFIRMARY|REHAB(?:ILITATION)? CENTER|NURSING HOME|NURSING CENTER|HOSPICE|CANCER CENTER|"
    r"ASSISTED LIVING|SKILLED NURSING(?: FACILITY)?|REHAB HOSPITAL|SENIOR LIVING|CARE CENTER|"
    r"CHILDREN'S|MEMORIAL|GENERAL|REGIONAL|UNIVERSITY)\b", re.IGNORECASE)
SAINT = re.compile(r"\b(?:ST\.?|SAINT)\s+[A-Z][A-Za-z'\-]+(?:'S)?", re.IGNORECASE)
MAX_NAME_WORDS = 4
SAINTS = {"st", "saint", "mt", "mount"}
GENERIC = {"the", "a", "an", "outside", "osh", "this", "our", "local", "community", "va"}


@register
class FacilityRecognizer(LabelledPatternRecognizer):
    ENTITY = "HOSPITAL"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in SUFFIX.finditer(text):
            start = self._name_start(text, match.start())
            end = self._name_end(text, match.end())
            if start < match.start():
                results.append(self.result(start, end, 0.8, "name + facility word"))
        for match in SAINT.finditer(text):
            saint = match.group().split()[-1].rstrip(".")
            if is_common_word(saint) or not (in_name_lists(saint) or (title_case(saint)
                                                                      and not is_frequent_word(saint, 2.0))):
                continue  # ST ELEVATION, ST DEPRESSIONS, SR-ST RARE: sinus tachycardia and ST segments
            end = self._name_end(text, match.end())
            results.append(self.result(match.start(), end, 0.7, "saint's name"))
        return results

    @staticmethod
    def _name_start(text: str, suffix_start: int) -> int:
        """Walk back over up to four name-like words; stop at a common or generic word."""
        words = list(WORD.finditer(text[:suffix_start]))
        start = suffix_start
        for word in reversed(words[-MAX_NAME_WORDS:]):
            gap = text[word.end():start]
            if gap.strip(" .'&-") or "\n" in gap:
                break
            token = word.group()
            if token.casefold() in SAINTS:
                start = word.start()
                break  # ST. ELIZABETH'S HOSPITAL
            if token.casefold() in GENERIC or (is_common_word(token) and not SUFFIX.fullmatch(token)):
                break
            if "." in gap or (is_frequent_word(token, 3.5) and not SUFFIX.fullmatch(token)
                              and not in_name_lists(token) and not title_case(token)):
                break  # RECEIVED GENERAL, PROLONGED HOSPITAL, SHIFT. GENERAL
            start = word.start()
        return start

    @staticmethod
    def _name_end(text: str, end: int) -> int:
        """Take the facility words that follow ("GENERAL HOSPITAL", "MEDICAL CENTER")."""
        while True:
            follow = SUFFIX.match(text, end + 1) if text[end:end + 1] == " " else None
            if not follow:
                return end
            end = follow.end()
