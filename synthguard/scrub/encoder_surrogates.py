"""Surrogates for the encoder's altered training copies: the CRF's (names, cities, digits) plus hospitals and
dates written in other styles.

Real notes name few distinct hospitals, and the corpus's surrogates write dates in a handful of styles; the
encoder should learn the context of a facility or a date, not the corpus's own strings. A multi-word place or
a facility-shaped word gets a made-up hospital name (``St. Agnes Medical Center``, ``KRMC``, ``Harlow
Memorial``); a numeric date is written again as ``07/22``, ``7-22-93``, ``July 22`` and so on, with the same
month and day.
"""

from __future__ import annotations

import re

from synthguard.scrub.tagger_training import _match_case, _Surrogates

FACILITY = re.compile(r"hospital|medical|center|centre|general|memorial|clinic|rehab|nursing|house|home|"
                      r"institute|health|campus|\bva\b|\bst\b", re.IGNORECASE)
ABBREVIATION = re.compile(r"^[A-Za-z]{2,5}$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SUFFIXES = ["Hospital", "Medical Center", "General Hospital", "Memorial Hospital", "Regional Medical Center",
            "Memorial", "General", "Health Center", "Rehab", "Nursing Home", "Clinic"]


class EncoderSurrogates(_Surrogates):
    def replace(self, value: str, label: str) -> str:
        if label == "LOCATION" and (FACILITY.search(value) or " " in value.strip()) and self.rng.random() < 0.6:
            return self._hospital(value)
        if label == "LOCATION" and ABBREVIATION.match(value) and value.isupper() and self.rng.random() < 0.5:
            return self._abbreviation(len(value))
        if label == "DATE" and (match := NUMERIC_DATE.match(value)) and self.rng.random() < 0.6:
            return self._date(int(match.group(1)), int(match.group(2)), match.group(3), value)
        return super().replace(value, label)

    def _hospital(self, like: str) -> str:
        head = self.rng.choice(self.cities if self.rng.random() < 0.5 else self.last).title()
        if self.rng.random() < 0.25:
            head = f"St. {self.rng.choice(self.first).title()}'s"
        return _match_case(f"{head} {self.rng.choice(SUFFIXES)}", like) if not like.istitle() else \
            f"{head} {self.rng.choice(SUFFIXES)}"

    def _abbreviation(self, length: int) -> str:
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVW") for _ in range(max(1, length - 2)))
        return letters + self.rng.choice(["H", "MC", "GH", "HC", "MH"])

    def _date(self, month: int, day: int, year: str | None, like: str) -> str:
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return like
        styles = [f"{month:02d}/{day:02d}", f"{month}-{day}", f"{month}/{day}", MONTHS[month - 1] + f" {day}",
                  MONTHS[month - 1][:3] + f" {day}", f"{day} {MONTHS[month - 1][:3]}"]
        out = self.rng.choice(styles)
        if year and "/" in out or year and "-" in out:
            out += ("/" if "/" in out else "-") + year
        elif year:
            out += f" {year if len(year) == 4 else '19' + year}"
        return _match_case(out, like) if any(c.isalpha() for c in out) and like.isupper() else out
