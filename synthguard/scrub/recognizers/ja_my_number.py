"""My Number (個人番号): 12 digits whose last is a check digit over the first 11.

The check digit, as the Act on the Use of Numbers defines it: with P(n) the n-th digit counted
from the right of the first 11 and Q(n) = n + 1 for n <= 6, n - 5 above, the remainder
r = sum(P(n) * Q(n)) mod 11 gives 0 when r <= 1 and 11 - r otherwise. A 12-digit number
with a wrong check digit is not a My Number, unless a label (個人番号, マイナンバー) says it is: then it is a
mistyped one, which identifies the patient just as well.
"""

from __future__ import annotations

import re
import unicodedata

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, JapaneseRecognizer, near

CANDIDATE = re.compile(rf"(?<![\d.])\d{{4}}(?:{DASH}|\s)?\d{{4}}(?:{DASH}|\s)?\d{{4}}(?![\d.])")
LABELS = ("マイナンバー", "個人番号", "My Number", "my number")


def check_digit(first_eleven: str) -> int:
    total = sum(int(d) * (n + 1 if n <= 6 else n - 5) for n, d in enumerate(reversed(first_eleven), start=1))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def valid_my_number(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return len(digits) == 12 and check_digit(digits[:11]) == int(digits[11])


def with_check_digit(value: str) -> str:
    """``value`` with its last digit set to the check digit (a surrogate is a valid number too)."""
    positions = [i for i, c in enumerate(value) if c.isdigit()]
    if len(positions) != 12:
        return value
    digits = "".join(value[i] for i in positions)
    check = str(check_digit(unicodedata.normalize("NFKC", digits)[:11]))
    last = positions[-1]
    if "０" <= value[last] <= "９":
        check = chr(ord("０") + int(check))
    return value[:last] + check + value[last + 1:]


@register
class JpMyNumberRecognizer(JapaneseRecognizer):
    ENTITY = "JP_MY_NUMBER"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in CANDIDATE.finditer(text):
            labelled, valid = near(text, match.start(), LABELS, 16), valid_my_number(match.group())
            if labelled or valid:
                score = 0.95 if labelled and valid else 0.85 if labelled else 0.7
                results.append(self.result(match.start(), match.end(), score, "my number"))
        return results
