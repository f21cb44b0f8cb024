"""US states named in full after a place cue: FROM FLORIDA, lives in new hampshire, moved to Ohio.

HIPAA Safe Harbor lets a state stay, but the deid gold standard marks it as a location, and a state with a
patient's story narrows them down. Two-letter codes are left to addresses: IN, OR, ME, MD and PA are words and
titles in notes.
"""

from __future__ import annotations

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

NAMES = ("alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho "
         "illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota "
         "mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah "
         "vermont virginia wisconsin wyoming").split()
TWO_WORDS = ["new hampshire", "new jersey", "new mexico", "new york state", "north carolina", "north dakota",
             "rhode island", "south carolina", "south dakota", "west virginia", "washington state", "puerto rico"]
STATE = "|".join(sorted((n.replace(" ", r"\s+") for n in [*NAMES, *TWO_WORDS]), key=len, reverse=True))
CUE = (r"(?:FROM|IN|TO|LIVES\s+IN|LIVING\s+IN|RESIDES\s+IN|MOVED\s+TO|VISITING\s+FROM|BACK\s+TO|RETURNED\s+TO|"
       r"HOME\s+TO|FLEW\s+(?:IN\s+)?FROM|DRIVING\s+(?:UP\s+|DOWN\s+)?FROM)")


@register
class UsStateRecognizer(LabelledPatternRecognizer):
    ENTITY = "LOCATION"
    PATTERNS = [
        ("state after a place cue", rf"\b{CUE}\s+(?:THE\s+STATE\s+OF\s+)?(?P<value>{STATE})\b(?!['-])", 0.8),
    ]
