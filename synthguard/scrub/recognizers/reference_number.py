"""Numbers a label says are someone's reference: ``ref # 4471923``, ``policy #A99812``, ``confirmation number
88213``, ``claim # 2231-77``. HIPAA counts any unique identifying number; notes copy them from calls with
insurers, pharmacies and transport services.
"""

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

LABEL = (r"(?:REF(?:ERENCE)?|POLICY|CONFIRMATION|CONF|CLAIM|AUTH(?:ORI[SZ]ATION)?|TICKET|TRACKING|ORDER|"
         r"INCIDENT|REPORT)")  # member and subscriber numbers are the health-plan recognizer's


@register
class ReferenceNumberRecognizer(LabelledPatternRecognizer):
    ENTITY = "ID"
    PATTERNS = [
        ("labelled reference", rf"\b{LABEL}\.?\s*(?:NO\.?|NUM(?:BER)?|#|ID)\s*[:#=]?\s*"
                               r"(?P<value>(?=[A-Z0-9-]*\d{3})[A-Z]{0,3}-?\d[\d-]{2,14}[A-Z0-9]?)\b", 0.9),
    ]
