"""Japanese postal codes after the postal mark or a label: 〒123-4567, 郵便番号 1234567.
The mark stays in the text; only the digits are the value."""

from __future__ import annotations

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, JapaneseRecognizer


@register
class JpPostalCodeRecognizer(JapaneseRecognizer):
    ENTITY = "ZIP_CODE"
    PATTERNS = [
        ("postal mark", rf"〒\s*(?P<value>\d{{3}}{DASH}?\d{{4}})(?!\d)", 0.95),
        ("postal label", rf"郵便番号\s*[:：]?\s*(?P<value>\d{{3}}{DASH}?\d{{4}})(?!\d)", 0.9),
    ]
