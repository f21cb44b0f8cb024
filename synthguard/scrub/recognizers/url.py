"""Web addresses, without Presidio's reading of a missing space after a full stop as one.

Presidio's UrlRecognizer accepts any of ~1,000 top-level domains without a scheme, so ``edema.please``,
``SHIFT.PRESENT`` and ``noted.Re`` are URLs to it: about 1,000 false findings on the deid corpus. Here an
address needs a scheme, ``www.``, or a lower-case host under one of the domains people and clinics use.
"""

from __future__ import annotations

import re

from presidio_analyzer.predefined_recognizers import UrlRecognizer

from synthguard.scrub.recognizers import register

# Not the country codes that are also words and abbreviations run on after a stop (unit.in, checks-.de, ogt.int).
COMMON_DOMAINS = frozenset("com org net edu gov mil info biz uk ca au nz ie jp health care clinic hospital".split())
HOST = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?P<tld>[a-z]{2,})(?:/.*)?$")


@register
class ClinicalUrlRecognizer(UrlRecognizer):
    def __init__(self):
        super().__init__(name="ClinicalUrlRecognizer")

    def invalidate_result(self, pattern_text: str) -> bool:
        text = pattern_text.strip("\"'")
        if "://" in text or text.casefold().startswith("www"):
            return False
        host = HOST.match(text)  # lower case only: SHIFT.PRESENT, noted.Re are sentences run together
        return host is None or host.group("tld") not in COMMON_DOMAINS
