"""Fresh identifier values for synthetic rows: same kind and shape, never a real value.

Synthetic rows belong to no patient, so their identifiers are drawn new (seeded Faker),
not mapped from originals. A surrogate that happens to equal a value of the real column
is drawn again.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from faker import Faker

from synthguard.errors import DataError

MAX_REDRAWS = 50


def column_template(values: pd.Series) -> str | None:
    """The dominant shape of a code column: '#' any digit, '?' any letter, shared characters kept.

    A letter or separator is kept only where every value has it (like an 'MRN-' prefix),
    so the template carries nothing about any one record. Digits are always drawn anew:
    a shared leading digit in sequential IDs would shrink the space of surrogates.
    """
    strings = values.dropna().astype(str)
    if strings.empty:
        return None
    shapes = strings.map(_shape)
    dominant = Counter(shapes).most_common(1)[0][0]
    same = strings[shapes == dominant].tolist()
    out = []
    for i, symbol in enumerate(dominant):
        chars = {s[i] for s in same}
        shared = len(chars) == 1 and len(same) >= 5 and symbol != "#"
        out.append(chars.pop() if shared else symbol)
    return "".join(out)


def _shape(text: str) -> str:
    return "".join("#" if c.isdigit() else "?" if c.isalpha() else c for c in text)


def _fill(template: str, rng: random.Random, leading_zero: bool = True) -> str:
    """Digits for '#', letters for '?'; a leading digit is never 0 where no real value starts with one (an ID
    held as a number has no leading zero, and "01520" would not read back as the same kind)."""
    out = []
    for i, c in enumerate(template):
        if c == "#":
            out.append(rng.choice(string.digits if leading_zero or i else string.digits[1:]))
        else:
            out.append(rng.choice(string.ascii_uppercase) if c == "?" else c)
    return "".join(out)


def _date_between(rng: random.Random, start: date, end: date) -> str:
    return (start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))).isoformat()


def _year_bounds(values: pd.Series) -> tuple[date, date]:
    # Only the years are learned from the real column, never a real day.
    parsed = pd.to_datetime(values, errors="coerce", format="mixed").dropna()
    if parsed.empty:
        return date(1930, 1, 1), date(2005, 12, 31)
    return date(int(parsed.dt.year.min()), 1, 1), date(int(parsed.dt.year.max()), 12, 31)


def widened(template: str, needed: int, leading_zero: bool = True) -> str:
    """The template with digits added in front until it holds ``needed`` distinct values: a column of ids 1..103
    has the shape '##', 90 values with no leading zero, most of them real; 172 surrogates cannot all be new."""
    def capacity(shape: str) -> int:
        digits, letters = shape.count("#"), shape.count("?")
        first = 0.9 if shape.startswith("#") and not leading_zero else 1.0
        return int(first * 10 ** digits * 26 ** letters)

    while capacity(template) < needed:
        template = "#" + template
    return template


def _maker(shape: IdentifierShape, fake: Faker, rng: random.Random, needed: int = 0) -> Callable[[], str]:
    faker_kinds: dict[str, Callable[[], str]] = {
        "name": fake.name, "first_name": fake.first_name, "last_name": fake.last_name,
        "email": fake.email, "address": lambda: fake.address().replace("\n", ", "),
        "street": fake.street_address, "city": fake.city, "url": fake.url, "ip": fake.ipv4,
    }
    kind = shape.kind
    if kind == "name" and shape.unspaced:
        return lambda: "".join(fake.name().split())  # 山田太郎, written without a space as the column does
    if kind in faker_kinds:
        return faker_kinds[kind]
    if kind in ("date_of_birth", "date"):
        start, end = shape.years
        return lambda: _date_between(rng, start, end)
    template = widened(shape.template, needed, shape.leading_zero)
    return lambda: _fill(template, rng, shape.leading_zero)


def fingerprint(value) -> bytes:
    """A released value's ``comparable`` form, hashed: the sets of real values that no surrogate may equal are
    held as these, so that no real identifier rides along with a sampling job (to Ray workers, into pickles).
    Unkeyed on purpose (every partition must compute the same): whoever holds a job can still test a guess."""
    return hashlib.blake2b(comparable(value).encode(), digest_size=16).digest()


def fingerprints(values: Iterable) -> frozenset[bytes]:
    return frozenset(fingerprint(v) for v in values)


@dataclass(frozen=True)
class IdentifierShape:
    """What drawing surrogates needs to know of a real identifier column, and nothing more: no real value.

    Learnt once from the column (``learn``); the sampling job carries this instead of the column."""

    kind: str
    taken: frozenset[bytes]  # fingerprints of the column's real values
    distinct: int  # real distinct values: room is made for ten times the needed values beside them
    template: str  # '#' digit, '?' letter (column_template), for code kinds
    leading_zero: bool  # some real value starts with 0
    unspaced: bool  # names written without a space (Japanese)
    years: tuple[date, date]  # date kinds: the real years' span, never a real day
    first_number: int  # row_number: where the real numbering starts
    missing_share: float  # share of blank real cells
    storage: str  # how the real column holds values: integer, datetime or object

    @classmethod
    def learn(cls, kind: str, real: pd.Series) -> IdentifierShape:
        strings = real.dropna().astype(str)
        default = {"ssn": "###-##-####", "phone": "(###) ###-####", "zip": "#####"}.get(kind, "ID-######")
        template = column_template(real) or default
        if kind == "phone" and len(strings) and strings.str.startswith("0").all():
            template = "0" + template[1:]  # trunk prefix (Japan, UK): a phone without it is no phone there
        numbers = pd.to_numeric(real, errors="coerce").dropna() if kind == "row_number" else pd.Series([])
        return cls(
            kind=kind, taken=fingerprints(real.dropna()), distinct=int(real.nunique()), template=template,
            leading_zero=not len(strings) or bool(strings.str.startswith("0").any()),
            unspaced=kind == "name" and bool(len(strings)) and not strings.str.contains(r"\s").any(),
            years=_year_bounds(real) if kind in ("date_of_birth", "date") else (date(1930, 1, 1), date(2005, 12, 31)),
            first_number=int(numbers.min()) if len(numbers) else 1, missing_share=float(real.isna().mean()),
            storage="integer" if pd.api.types.is_integer_dtype(real) else
            "datetime" if pd.api.types.is_datetime64_any_dtype(real) else "object")

    def draw(self, rows: int, seed: int, locale: str = "en_US", unique: bool = False,
             avoid: frozenset[bytes] = frozenset()) -> pd.Series:
        """``rows`` new values of this kind and shape, none equal to a real value.

        ``avoid`` holds fingerprints of real values of the other identifier columns: a referrer's surrogate
        must not be a patient's real name either."""
        if self.kind == "row_number":  # new rows, numbered from where the real numbering starts
            return pd.Series(range(self.first_number, self.first_number + rows), dtype="int64")
        fake = Faker(locale)
        fake.seed_instance(seed)
        rng = random.Random(seed)
        taken = self.taken | avoid
        # Room for ten times the values needed beside the real ones, so that redraws stay rare.
        make = _maker(self, fake, rng, needed=10 * (rows + self.distinct))
        out: list[str] = []
        seen: set[str] = set()
        for _ in range(rows):
            for _attempt in range(MAX_REDRAWS):
                value = make()
                if fingerprint(value) not in taken and not (unique and value in seen):
                    break
            else:
                raise DataError(f"cannot draw {rows} distinct {self.kind} surrogates of this column's shape; "
                                "set the column's kind or action: drop in the policy")
            out.append(value)
            seen.add(value)
        return self.hold(pd.Series(out, dtype="object"))

    def hold(self, values: pd.Series) -> pd.Series:
        """Surrogates held as the real column holds its values: an ID held as a number stays a number, dates
        held as datetimes stay datetimes (a Parquet input), text stays text."""
        if self.storage == "integer" and values.dropna().map(lambda v: str(v).isdigit()).all():
            return values.map(lambda v: None if v is None else int(v)).astype(
                "Int64" if values.isna().any() else "int64")
        if self.storage == "datetime":
            return pd.to_datetime(values, errors="coerce")
        return values

    def with_missing(self, values: pd.Series, seed: int) -> pd.Series:
        """Surrogates blank in about the share of rows the real column is blank in (seeded): a death time known
        for one patient in ten must not be released for every row."""
        if self.missing_share == 0:
            return values
        blank = np.random.default_rng(seed % 2**32).random(len(values)) < self.missing_share
        return self.hold(values.astype(object).where(~blank, None))


def birth_dates(ages: pd.Series, on: pd.Series, seed: int, avoid: frozenset[bytes] = frozenset()) -> pd.Series:
    """A birth date for each row that makes it ``ages`` whole years old on the date ``on``; the day within the
    year is drawn (seeded) and never gives a date in ``avoid`` (the real birth dates' ``fingerprints``)."""
    rng = random.Random(seed)
    dates = pd.to_datetime(on, errors="coerce", format="mixed")
    out: list[str | None] = []
    for age, day in zip(pd.to_numeric(ages, errors="coerce"), dates, strict=True):
        if pd.isna(age) or pd.isna(day):
            out.append(None)
            continue
        latest = day.date().replace(year=day.year - int(age)) if not (day.month == 2 and day.day == 29) \
            else date(day.year - int(age), 2, 28)
        for _attempt in range(MAX_REDRAWS):
            # Born between a year and a day before ``latest`` and ``latest`` itself: exactly ``age`` on ``day``.
            value = (latest - timedelta(days=rng.randrange(365))).isoformat()
            if fingerprint(value) not in avoid:
                break
        out.append(value)
    return pd.Series(out, dtype="object")


def comparable(value) -> str:
    """The form in which a released value counts as equal to a real one: case and spacing ignored."""
    return " ".join(str(value).casefold().split())


def surrogate_column(kind: str, real: pd.Series, rows: int, seed: int, locale: str = "en_US",
                     unique: bool = False, avoid: frozenset[bytes] = frozenset()) -> pd.Series:
    """``rows`` new values of ``kind`` shaped like ``real``, none equal to a real value (``IdentifierShape``)."""
    return IdentifierShape.learn(kind, real).draw(rows, seed, locale, unique, avoid)
