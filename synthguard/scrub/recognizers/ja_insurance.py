"""Health-insurance numbers: 保険者番号 (6 or 8 digits), the card's 記号 and 番号, 被保険者番号,
and public-expense numbers (公費負担者番号, 受給者番号). Only the values are PHI, never the labels."""

from __future__ import annotations

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, JapaneseRecognizer

COLON = r"\s*[:：]?\s*"


@register
class JpInsuranceNumberRecognizer(JapaneseRecognizer):
    ENTITY = "HEALTH_PLAN_ID"
    PATTERNS = [
        ("insurer number", rf"保険者番号{COLON}(?P<value>\d{{6}}(?:\d{{2}})?)(?!\d)", 0.95),
        ("insured number", rf"被保険者(?:証)?番号{COLON}(?P<value>[0-9A-Za-z]+(?:{DASH}[0-9A-Za-z]+)*)", 0.9),
        ("card symbol", rf"記号{COLON}(?P<value>[0-9A-Za-z\u4e00-\u9fff]*\d[0-9A-Za-z\u4e00-\u9fff]*"
                        rf"(?:{DASH}[0-9A-Za-z]+)*)", 0.9),
        ("card number", rf"記号[^。\n]{{1,24}}?番号{COLON}(?P<value>\d+(?:{DASH}\d+)*)", 0.9),
        ("branch number", rf"枝番{COLON}(?P<value>\d{{1,3}})(?!\d)", 0.85),
        ("public expense", rf"(?:公費負担者番号|受給者番号){COLON}(?P<value>\d{{7,8}})(?!\d)", 0.95),
    ]
