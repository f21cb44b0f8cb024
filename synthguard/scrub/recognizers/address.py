"""Street addresses and ZIP codes (geographic units smaller than a state)."""

from __future__ import annotations

import re
from functools import lru_cache

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
          "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()


CLINICAL_SUFFIXES = {"Via", "Well", "Wells", "Run", "Runs", "Point", "Points", "Pass", "Ct", "Station", "Crossing",
                     "Loop", "Trace", "Track", "Spur", "Flat", "Flats", "Vista", "Rest", "Walk", "Walks", "Trail",
                     "Rapid", "Rapids", "Ridge", "Fall", "Falls", "Field", "Fields", "Course", "Plain", "Plains",
                     "Shore", "Shores"}


@lru_cache(maxsize=1)
def street_suffixes() -> str:
    # Faker's en_US street suffixes are a fuller list than a hand-written one.
    from faker.providers.address.en_US import Provider

    # Less the suffixes that are clinical words far more often: 14 BEAT RUN, 40 POINTS, 1 TO ST (sinus
    # tachycardia), 2 MEDIASTINAL CT.
    words = ({s for s in Provider.street_suffixes} | {"St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Hwy", "Pkwy", "Apt",
                                                      "Suite"}) - CLINICAL_SUFFIXES
    # Case-sensitive on purpose ("a fall at home" is not "12 Fall St"): Title and UPPER forms.
    forms = {w.capitalize() for w in words} | {w.upper() for w in words}
    return "|".join(sorted(map(re.escape, forms), key=lambda w: (-len(w), w)))


@register
class StreetAddressRecognizer(LabelledPatternRecognizer):
    ENTITY = "STREET_ADDRESS"
    PATTERNS = []

    def __init__(self):
        super().__init__()
        # [ \t] rather than \s: an address never runs across a line break ("8 MIN.\nDR.").
        unit = r"(?:,?[ \t]+(?:APT|Apt|APARTMENT|Apartment|SUITE|Suite|STE|Ste|UNIT|Unit|#)\.?[ \t]*#?[ \t]*[\w-]+)?"
        city_state_zip = (rf"(?:,?[ \t]+[A-Z][A-Za-z .'-]{{1,30}},?[ \t]+(?:{'|'.join(STATES)})\b"
                          r"(?:[ \t]+\d{5}(?:-\d{4})?)?)?")
        street = (rf"(?:[NSEW]\.?[ \t]+)?(?:(?:[A-Z][A-Za-z'.-]*|\d+(?:ST|ND|RD|TH|st|nd|rd|th))[ \t]+){{1,3}}"
                  rf"(?:{street_suffixes()})\b\.?")
        self._regex = re.compile(rf"(?<![\d.,/:-])\b(?P<value>\d{{1,6}}[ \t]+{street}{unit}{city_state_zip})")

    def analyze(self, text, entities, nlp_artifacts=None):
        # Above the city (0.85) and ZIP (0.8) it contains, so the whole address is replaced as one.
        return [self.result(*m.span("value"), 0.87, "street address") for m in self._regex.finditer(text)
                if not self._clinical(m.group("value"))]

    @staticmethod
    def _clinical(value: str) -> bool:
        """1 TO ST-SR, 4 EXTREMITIES SPONTANEOUSLY. HEAD CT: a count then clinical words, not a street."""
        from synthguard.lexicons import is_common_word

        words = re.findall(r"[A-Za-z][A-Za-z'-]*", value.split(",")[0])[:-1]
        return any(is_common_word(w) for w in words if len(w) > 1)


@register
class ZipCodeRecognizer(LabelledPatternRecognizer):
    ENTITY = "ZIP_CODE"
    PATTERNS = [
        ("state + zip", rf"\b(?:{'|'.join(STATES)})\s+(?P<value>\d{{5}}(?:-\d{{4}})?)\b", 0.8),
        ("labelled zip", r"\b(?i:ZIP|ZIP CODE|POSTAL CODE|ZIPCODE)\s*[:#]?\s*(?P<value>\d{5}(?:-\d{4})?)\b", 0.9),
    ]
    FLAGS = 0
