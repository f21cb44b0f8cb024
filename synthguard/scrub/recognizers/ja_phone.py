"""Japanese phone numbers: landlines (03-1234-5678, 0476(22)1234), mobiles and IP phones
(090-1234-5678, 050…), toll-free (0120-123-456), with or without hyphens, full-width digits
included (they arrive NFKC-normalised)."""

from __future__ import annotations

import re

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, JapaneseRecognizer, near

SEP = rf"(?:{DASH}|\(|\)|\s)?"
CANDIDATE = re.compile(rf"(?<![\d.,/])(?:\+81{SEP}|0)\d{{1,4}}{SEP}\d{{1,4}}{SEP}\d{{3,4}}(?![\d.,/])")
LABELS = ("電話", "TEL", "Tel", "tel", "携帯", "連絡先", "FAX", "Fax", "ファックス", "自宅", "緊急連絡")


@register
class JpPhoneRecognizer(JapaneseRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in CANDIDATE.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            national = "0" + digits[2:] if match.group().startswith("+81") else digits
            mobile = re.match(r"0[5789]0", national)
            if len(national) != (11 if mobile else 10) or national.startswith("00"):
                continue
            grouped = len(re.findall(r"\d+", match.group())) >= 3
            score = 0.9 if near(text, match.start(), LABELS) else 0.8 if grouped else 0.6
            results.append(self.result(match.start(), match.end(), score, "japanese phone"))
        return results
