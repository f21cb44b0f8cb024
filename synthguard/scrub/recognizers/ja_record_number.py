"""Labelled patient and record numbers in Japanese notes: 患者ID, 患者番号, カルテ番号, 診察券番号, ID番号,
登録番号. Only the value after the label is PHI."""

from __future__ import annotations

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, JapaneseRecognizer

COLON = r"\s*[:：]?\s*"
LABEL = r"(?:患者\s*(?:ID|番号|No\.?)|カルテ\s*(?:番号|No\.?|ID)|診察券\s*(?:番号|No\.?)|ID\s*番号|登録番号|病歴番号)"


@register
class JpRecordNumberRecognizer(JapaneseRecognizer):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = [
        ("labelled record number", rf"{LABEL}{COLON}(?P<value>[A-Za-z]{{0,3}}\d[0-9A-Za-z]*(?:{DASH}[0-9A-Za-z]+)*)",
         0.95),
    ]
