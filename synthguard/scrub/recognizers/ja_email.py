"""E-mail addresses in Japanese text, bounded by ASCII: in 連絡先yamada@example.jpまで the kanji
before and the kana after are not part of the address (Presidio's pattern counts them as word
characters)."""

from __future__ import annotations

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import JapaneseRecognizer


@register
class JpEmailRecognizer(JapaneseRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [("ascii e-mail", r"(?<![A-Za-z0-9._%+\-])(?P<value>[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+"
                                 r"(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})(?![A-Za-z0-9\-])", 0.95)]
