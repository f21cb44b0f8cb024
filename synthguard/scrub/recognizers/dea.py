"""DEA registration numbers: two letters and seven digits with the DEA checksum."""

from presidio_analyzer import Pattern, PatternRecognizer

from synthguard.scrub.recognizers import register


@register
class DeaRecognizer(PatternRecognizer):
    # First letter: registrant type; second: initial of the registrant's last name (or 9).
    PATTERNS = [Pattern("DEA number", r"\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b", 0.4)]
    CONTEXT = ["dea", "registration", "prescriber"]

    def __init__(self):
        super().__init__(supported_entity="US_DEA", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="DeaRecognizer", global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool:
        d = [int(c) for c in pattern_text[2:]]
        return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]
