"""Medical record numbers: a run of digits (optionally lettered) right after an MRN label."""

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

LABEL = (r"(?:MRN|MR\s?#|MR\s?NO\.?|MED(?:ICAL)?\s+REC(?:ORD)?(?:\s+(?:NO\.?|NUM(?:BER)?|#))?"
         r"|UNIT\s+(?:NO\.?|NUM(?:BER)?|#)|HOSPITAL\s+(?:NO\.?|NUMBER|#)|CHART\s*(?:NO\.?|#))")


@register
class MedicalRecordNumberRecognizer(LabelledPatternRecognizer):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = [
        ("labelled MRN", rf"\b{LABEL}\s*(?:IS\s+)?[:#=]?\s*(?P<value>[A-Z]{{0,3}}-?\d[\d-]{{3,14}}\d)\b", 0.9),
    ]
