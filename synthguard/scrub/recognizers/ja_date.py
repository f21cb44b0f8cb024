"""Japanese dates: era forms (令和5年5月2日, 平成元年1月8日, R5.5.2, S37/3/14) and 年月日 forms
(2023年5月2日, 5月2日, 2023/5/2), and a birth year in an era (昭和55年生まれ). Other bare years (2023年) are
left, as HIPAA Safe Harbor allows;
durations and frequencies (3日間, 1日3回, 5年前) are not dates."""

from __future__ import annotations

from synthguard.scrub.dates_ja import ERA_KANJI, ERA_LETTER
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import JapaneseRecognizer

DAY = r"\d{1,2}\s*日(?!間|分|目|毎|おき|ごと)"


@register
class JpDateRecognizer(JapaneseRecognizer):
    ENTITY = "DATE_TIME"
    PATTERNS = [
        ("era date", rf"(?P<value>(?:{ERA_KANJI})\s*(?:\d{{1,2}}|元)\s*年\s*\d{{1,2}}\s*月(?:\s*{DAY})?)", 0.9),
        ("era abbreviation", rf"(?<![A-Za-z0-9])(?P<value>[{ERA_LETTER}]\d{{1,2}}(?P<sep>[./-])\d{{1,2}}"
                             r"(?:(?P=sep)\d{1,2})?)(?![\d./-])", 0.85),
        ("year month day", rf"(?<!\d)(?P<value>\d{{4}}\s*年\s*\d{{1,2}}\s*月(?:\s*{DAY})?)", 0.9),
        ("month day", rf"(?<![\d年])(?P<value>\d{{1,2}}\s*月\s*{DAY})", 0.85),
        # A birth year alone in an era still dates a person's birth: 昭和55年生まれ.
        ("era birth year", rf"(?P<value>(?:{ERA_KANJI})\s*(?:\d{{1,2}}|元)\s*年)(?=\s*(?:生まれ|生|出生))", 0.85),
        ("numeric date", r"(?<![\d./-])(?P<value>(?:19|20)\d{2}(?P<sep>[./-])\d{1,2}(?P=sep)\d{1,2})"
                         r"(?![\d./-])", 0.9),
    ]
