"""Japanese dates: the era calendar (令和5年5月2日, R5.5.2, 昭和37年3月14日) and 年月日 forms.

A shifted date is written the way the original was: era dates stay era dates in the era
the new day falls in (平成31年4月30日 moved a week is 令和元年5月7日), letter
abbreviations stay abbreviations (R1.5.7), zero padding and separators are kept.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from synthguard.scrub.normalize import nfkc

# (kanji, letter, first day): the era a day belongs to is the last one begun by then.
ERAS = [("明治", "M", date(1868, 10, 23)), ("大正", "T", date(1912, 7, 30)), ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)), ("令和", "R", date(2019, 5, 1))]
ERA_KANJI = "|".join(kanji for kanji, _, _ in ERAS)
ERA_LETTER = "".join(letter for _, letter, _ in ERAS)
LEAP_YEAR = 2000

PATTERNS = [re.compile(rx) for rx in (
    rf"^(?P<era>{ERA_KANJI})\s*(?P<y>\d{{1,2}}|元)\s*年\s*(?:(?P<m>\d{{1,2}})\s*月\s*(?:(?P<d>\d{{1,2}})\s*日)?)?$",
    rf"^(?P<letter>[{ERA_LETTER}{ERA_LETTER.lower()}])(?P<y>\d{{1,2}})(?P<s>[./-])(?P<m>\d{{1,2}})"
    rf"(?:(?P=s)(?P<d>\d{{1,2}}))?$",
    r"^(?P<west>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?)?$",
    r"^(?P<west>\d{4})(?P<s>[./])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})$",  # ISO 2023-05-02: dates.py
    r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$",
)]


def _era_start(name: str) -> date:
    return next(start for kanji, letter, start in ERAS if name in (kanji, letter, letter.lower()))


def _era_of(day: date) -> tuple[str, str, int]:
    kanji, letter, start = next(e for e in reversed(ERAS) if e[2] <= day)
    return kanji, letter, day.year - start.year + 1


def _number(value: int, like: str | None) -> str:
    return str(value).zfill(len(like)) if like and like.isdigit() and like.startswith("0") else str(value)


def shift_japanese_date(text: str, days: int) -> str | None:
    """The date moved by ``days`` in the original's style, or None when ``text`` is not a Japanese date."""
    plain = nfkc(text.strip()).text
    for pattern in PATTERNS:
        match = pattern.match(plain)
        if match:
            return _rewrite(match, days)
    return None


def _rewrite(match: re.Match, days: int) -> str | None:
    parts = match.groupdict()
    month, day = int(parts["m"] or 1), int(parts["d"] or 1)
    if parts.get("era") or parts.get("letter"):
        era_year = 1 if parts["y"] == "元" else int(parts["y"])
        year = _era_start(parts.get("era") or parts["letter"]).year + era_year - 1
    else:
        year = int(parts["west"]) if parts.get("west") else LEAP_YEAR
    try:
        moved = date(year, month, day) + timedelta(days=days)
    except ValueError:
        return None
    has_month, has_day = parts["m"] is not None, parts["d"] is not None
    if parts.get("letter"):
        _, letter, era_year = _era_of(moved)
        letter = letter if parts["letter"].isupper() else letter.lower()
        sep = parts["s"]
        out = f"{letter}{_number(era_year, parts['y'])}{sep}{_number(moved.month, parts['m'])}"
        return out + (f"{sep}{_number(moved.day, parts['d'])}" if has_day else "")
    if parts.get("era"):
        kanji, _, era_year = _era_of(moved)
        out = f"{kanji}{'元' if era_year == 1 else era_year}年"  # year one of an era is written 元年
    elif parts.get("west") and parts.get("s"):
        sep = parts["s"]
        return f"{moved.year}{sep}{_number(moved.month, parts['m'])}{sep}{_number(moved.day, parts['d'])}"
    elif parts.get("west"):
        out = f"{moved.year}年"
    else:
        out = ""
    if has_month or not (parts.get("era") or parts.get("west")):
        out += f"{_number(moved.month, parts['m'])}月"
    if has_day:
        out += f"{_number(moved.day, parts['d'])}日"
    return out
