"""Per-patient date shifting that keeps each date's written style (7/22 stays M/D, JULY 22 stays caps).

One shift per patient keeps every interval between that patient's dates; a date the
parser cannot read is replaced by a placeholder rather than left in place.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from synthguard.scrub.dates_ja import shift_japanese_date

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
MONTH_RX = (r"(?P<mon>JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
            r"|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)(?P<dot>\.?)")
LEAP_YEAR = 2000  # year-less dates (7/22) are shifted inside a leap year so 2/29 survives
UNPARSED = "[DATE]"

FORMATS = [re.compile(rx, re.IGNORECASE) for rx in (
    r"^(?P<y>\d{4})(?P<s>-)(?P<m>\d{1,2})-(?P<d>\d{1,2})$",
    r"^(?P<m>\d{1,2})(?P<s>[/-])(?P<d>\d{1,2})(?:[/-](?P<y>\d{4}|\d{2}))?$",
    r"^(?P<m>\d{1,2})(?P<s>/)(?P<y>\d{4})$",
    rf"^{MONTH_RX}\s+(?P<d>\d{{1,2}})(?P<suf>ST|ND|RD|TH)?(?:(?P<comma>,?)\s+(?P<y>\d{{4}}))?$",
    rf"^(?P<d>\d{{1,2}})(?P<suf>ST|ND|RD|TH)?\s+(?P<of>OF\s+)?{MONTH_RX}(?:(?P<comma>,?)\s+(?P<y>\d{{4}}))?$",
    rf"^(?P<d>\d{{1,2}})-{MONTH_RX}(?:-(?P<y>\d{{4}}|\d{{2}}))?$",
    rf"^{MONTH_RX}\s+(?P<y>\d{{4}})$",
    r"^'(?P<y>\d{2})$",
)]


def _month_number(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name.casefold()[:3]))


def _month_name(number: int, like: str) -> str:
    full = MONTHS[number - 1]
    name = full if len(like) > 3 and like.casefold() == MONTHS[_month_number(like) - 1] else full[:3]
    if like.isupper():
        return name.upper()
    return name.capitalize() if like[:1].isupper() else name


def _year(text: str | None) -> tuple[int | None, int]:
    if not text:
        return None, 0
    value = int(text)
    return (value if len(text) == 4 else (1900 + value if value > 30 else 2000 + value)), len(text)


def shift_date(text: str, days: int) -> str:
    """The same date moved by ``days``, written the way the original was."""
    stripped = text.strip()
    japanese = shift_japanese_date(stripped, days)
    if japanese is not None:
        return japanese
    for regex in FORMATS:
        match = regex.match(stripped)
        if match:
            return _rewrite(match, days) or UNPARSED
    return UNPARSED


def _rewrite(match: re.Match, days: int) -> str | None:
    groups = match.groupdict()
    year, year_width = _year(groups.get("y"))
    if groups.get("mon") is None and groups.get("m") is None:  # '92: years move with the shift
        moved = (year or LEAP_YEAR) + round(days / 365.25)
        return f"'{moved % 100:02d}"
    month = int(groups["m"]) if groups.get("m") else _month_number(groups["mon"])
    day = int(groups["d"]) if groups.get("d") else 1
    try:
        original = date(year or LEAP_YEAR, month, day)
    except ValueError:
        return None
    new = original + timedelta(days=days) if groups.get("d") else _add_months(original, round(days / 30.44))
    new_year = str(new.year) if year_width == 4 else f"{new.year % 100:02d}"
    if groups.get("mon") is None and groups.get("d") is None:  # 12/2021
        return f"{new.month:02d}/{new.year}" if groups["m"].startswith("0") else f"{new.month}/{new.year}"
    if groups.get("mon") is None:
        padded = groups["m"].startswith("0") or groups["d"].startswith("0")
        m, d = (f"{new.month:02d}", f"{new.day:02d}") if padded else (str(new.month), str(new.day))
        if groups.get("s") == "-" and len(groups.get("y") or "") == 4 and match.re is FORMATS[0]:
            return f"{new.year}-{new.month:02d}-{new.day:02d}"
        out = f"{m}{groups['s']}{d}"
        return out + (f"{groups['s']}{new_year}" if year else "")
    mon = _month_name(new.month, groups["mon"]) + groups.get("dot", "")
    return _render_named(match, mon, new, new_year if year else None)


def _render_named(match: re.Match, mon: str, new: date, year: str | None) -> str:
    g = match.groupdict()
    suffix = _ordinal(new.day, g["suf"]) if g.get("suf") else ""
    tail = f"{g.get('comma') or ''} {year}" if year else ""
    pattern = match.re.pattern
    if pattern.startswith(r"^(?P<d>\d{1,2})-"):
        return f"{new.day:02d}-{mon}" + (f"-{year}" if year else "")
    if pattern.startswith("^(?P<d>"):
        return f"{new.day}{suffix} {g.get('of') or ''}{mon}{tail}"
    if g.get("d") is None:
        return f"{mon} {year}"
    return f"{mon} {new.day}{suffix}{tail}"


def _ordinal(day: int, like: str) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix.upper() if like.isupper() else suffix


def _add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)

