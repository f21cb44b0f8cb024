"""Health-plan member, policy, group and account numbers, and Medicare MBIs."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UsMbiRecognizer

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

LABEL = (r"(?:MEMBER|SUBSCRIBER|POLICY|GROUP|INSURANCE|INS\.?|MEDICAID|MEDICARE|PLAN|"
         r"BENEFICIARY|ACCOUNT|ACCT\.?|CLAIM|HICN|MBI)")
VALUE = r"(?P<value>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,18}[A-Z0-9])"


@register
class HealthPlanIdRecognizer(LabelledPatternRecognizer):
    ENTITY = "HEALTH_PLAN_ID"
    PATTERNS = [
        ("labelled plan id", rf"\b{LABEL}\s*(?:ID|NO\.?|NUM(?:BER)?|#)?\s*(?:IS\s+)?[:#=]?\s*{VALUE}\b", 0.85),
    ]


@register
class MbiRecognizer(UsMbiRecognizer):
    """Presidio's Medicare Beneficiary Identifier patterns; the dashed form is specific enough alone."""

    def __init__(self):
        patterns = [Pattern(p.name, p.regex, 0.4 if "weak" in p.name else 0.6)
                    for p in UsMbiRecognizer.PATTERNS]
        super().__init__(patterns=patterns, name="MbiRecognizer")
