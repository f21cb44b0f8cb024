"""A year on its own (IN 1993, S/P CABG 1957, 1971, mi in '08), told apart from the 24-hour times nursing
notes are full of (AT 1900, 1900-0700, BY 2000).

HIPAA Safe Harbor lets years stay; the medical defaults remove them (the deid gold standard marks them), and
``scrub.keep_years: true`` keeps them.
"""

from __future__ import annotations

import re

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

YEAR = re.compile(r"(?<![\d/.:,$#+-])(?P<value>(?:18[5-9]\d|19\d{2}|20[0-3]\d))(?![\d/:%]|\.\d|-\d|\s*(?:-|TO)\s*\d)",
                  re.IGNORECASE)
# Words that make a number a year even when it could be a clock time (1957, 2015).
YEAR_CUE = re.compile(r"(?:\b(?:IN|SINCE|OF|YEAR|YR|CIRCA|BORN|DOB|DX|DX'D|HX|S/P|CABG|MI|AMI|CVA|CA|SURGERY|DIAGNOSED|"
                      r"REPAIR|REPLACEMENT|TRANSPLANT|STENT|PTCA|PCI|LUMPECTOMY|MASTECTOMY|SAYING|STATED|SAID|UNTIL)"
                      r"|\d{4},|'S)\s*[,:(]?\s*$", re.IGNORECASE)
TIME_CUE = re.compile(r"(?:\b(?:AT|@|BY|TIL|TILL|AROUND|APPROX|ABOUT|BEFORE|AFTER|FROM|BETWEEN|AND|~|START(?:ED)?|"
                      r"GIVEN|DUE|Q|UNTIL\s+AT|SHIFT|NOC|HRS|HOURS|TIME)\s*$)|[~@]\s*$", re.IGNORECASE)
UNIT_AFTER = re.compile(r"^\s*(?:MG|MCG|G|GM|KG|ML|CC|L|UNITS?|U|KCAL|CAL|CALORIES|MEQ|MMOL|HRS?|H\b|HOURS?|"
                        r"AM|PM|PTS|CELLS|PLT|[A-Z]?/)", re.IGNORECASE)


# Two-digit years in a past history: "S/P CABG 92", "PTCA 95, 97", "MI IN 03". Not a valve size, a count or an
# age: "AVR 21MM", "CVA 10 YRS AGO", "MI X2".
PROCEDURE_YEAR = re.compile(
    r"\b(?:CABG(?:X\d)?|PTCA|PCI|STENTS?|AVR|MVR|AICD|ICD|PPM|PACER|MI|AMI|NSTEMI|STEMI|CVA|TIA|CHOLE|APPY|TAH|"
    r"THR|TKR|AAA|CEA|LAMI|CATH|DX'?D|DX)\s+(?:X\d\s+)?(?:IN\s+)?'?(?P<value>[3-9]\d|0\d)\b"
    r"(?!\s*(?:%|MM|CM|MG|YRS?|YEARS?|YO|Y/O|DAYS?|HRS?|HOURS?|MIN|MONTHS?|WKS?|WEEKS?|AGO|X\b)|[/.:-]\d)",
    re.IGNORECASE)
LISTED_YEAR = re.compile(r"^\s*(?:,|AND|&)\s*'?(?P<value>[3-9]\d|0\d)\b(?![/.:-]?\d)(?!\s*(?:%|MM|YRS?|YEARS?))",
                         re.IGNORECASE)
TRAILING_APOSTROPHE = re.compile(r"(?<![\w'.])(?P<value>\d{2})'(?=[\s.,;)]|$)")  # CABG X5 99'. SMOKING 62'.


@register
class YearRecognizer(LabelledPatternRecognizer):
    ENTITY = "DATE_TIME"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in YEAR.finditer(text):
            value = match.group("value")
            before, after = text[max(0, match.start() - 20):match.start()], text[match.end():match.end() + 8]
            if UNIT_AFTER.match(after):
                continue
            clock = int(value[2:]) < 60 and int(value[:2]) < 24  # 1957 and 2015 read as times too
            if YEAR_CUE.search(before):
                results.append(self.result(match.start(), match.end(), 0.8, "year after a cue"))
            elif not clock and not TIME_CUE.search(before):
                results.append(self.result(match.start(), match.end(), 0.74, "year"))
        results += [self.result(*m.span("value"), 0.74, "'yy") for m in TRAILING_APOSTROPHE.finditer(text)]
        for match in PROCEDURE_YEAR.finditer(text):
            end = match.end()
            results.append(self.result(match.start("value"), end, 0.74, "two-digit year after a procedure"))
            while listed := LISTED_YEAR.match(text[end:]):  # CABG 92, 95 AND 97
                results.append(self.result(end + listed.start("value"), end + listed.end("value"), 0.74,
                                           "two-digit year in a list"))
                end += listed.end()
        return results
