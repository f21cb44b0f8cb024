"""What each modelled column holds, read from its values rather than from the dtype a reader gave it.

The same CSV read with and without ``parse_dates``, or a column of blood pressures with four cells written
``n/a``, must be judged the same way: a date column is dates, a measurement is numbers. A ``ColumnType`` is
settled once from the real table (``infer``); every table that meets it (training, holdout, a generator's
output, a synthetic table made elsewhere) is read through it (``parse``), and the cells that do not read as
its type are counted, never shown. ``restore`` writes synthetic values back the way the input held them
(dates in the input's format, whole numbers as integers unless the input held them as floats).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

Storage = Literal["number", "date", "text", "bool"]
# A text column is numbers or dates when at least this share of its filled cells reads as such; the rest are
# dirty cells (counted, and missing from then on). Codes with a letter in one row of ten (ICD-9's V codes:
# 11% of MIMIC's diagnoses) stay codes.
PARSED_SHARE = 0.95
FORMAT_PROBES = 20  # values whose guessed date formats are tried on the whole column
DECLARED: dict[str, Storage] = {"number": "number", "date": "date", "category": "text"}


@dataclass(frozen=True)
class ColumnType:
    storage: Storage
    whole: bool = False  # numbers: every value a whole number, so released as integers
    date_format: str | None = None  # dates written as text in the input: their format; None: held as datetimes
    whole_days: bool = False  # dates: every value at midnight, so released as days
    dirty: int = 0  # filled cells of the input that do not read as this type (then missing)
    held_as_float: bool = False  # numbers a DataFrame or Parquet file held as floats: released as floats

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, 0) or k == "storage"}


def _strings(series: pd.Series) -> pd.Series:
    return series.dropna().astype(str).str.strip().replace("", np.nan).dropna()


def _leading_zero(strings: pd.Series) -> bool:
    """A code written in digits (NDC 00006494300, ICD-9 0389): read as a number it would lose its zeros."""
    return bool(strings.str.match(r"^[+-]?0\d").any())


def _date_format(strings: pd.Series) -> tuple[str | None, float]:
    """The format that reads most of ``strings`` as dates, and the share it reads."""
    from pandas.tseries.api import guess_datetime_format

    probes = strings.drop_duplicates().head(FORMAT_PROBES)
    candidates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for value in probes:
            for dayfirst in (False, True):
                guessed = guess_datetime_format(value, dayfirst=dayfirst)
                if guessed and guessed not in candidates:
                    candidates.append(guessed)
    best, best_share = None, 0.0
    for fmt in candidates:
        share = float(pd.to_datetime(strings, format=fmt, errors="coerce").notna().mean())
        if share > best_share:
            best, best_share = fmt, share
    return best, best_share


def _whole(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and bool(np.all(finite == np.round(finite)))


def _midnight(dates: pd.Series) -> bool:
    present = dates.dropna()
    return bool(len(present)) and bool((present == present.dt.normalize()).all())


def infer(series: pd.Series, declared: str | None = None) -> ColumnType:
    """The type a column's values show. ``declared`` (number, date, category) is the policy's word on it."""
    if pd.api.types.is_bool_dtype(series) and declared is None:
        return ColumnType("bool")
    if pd.api.types.is_datetime64_any_dtype(series) and declared in (None, "date"):
        return ColumnType("date", whole_days=_midnight(series))
    if pd.api.types.is_numeric_dtype(series) and declared in (None, "number"):
        return ColumnType("number", whole=_whole(series.to_numpy(dtype="float64", na_value=np.nan)),
                          held_as_float=series.dtype.kind == "f")
    strings = _strings(series)
    wanted = DECLARED.get(declared) if declared else None
    if wanted == "text" or strings.empty:
        return ColumnType("text")
    numbers = pd.to_numeric(strings, errors="coerce")
    numeric_share = float(numbers.notna().mean())
    if wanted == "number" or (numeric_share >= PARSED_SHARE and not _leading_zero(strings)):
        return ColumnType("number", whole=_whole(numbers.to_numpy(dtype="float64")),
                          dirty=int(numbers.isna().sum()))
    if wanted == "date" or (strings.str.contains(r"\d").all() and numeric_share < PARSED_SHARE):
        fmt, share = _date_format(strings)
        if wanted == "date" or share >= PARSED_SHARE:
            dates = pd.to_datetime(strings, format=fmt or "mixed", errors="coerce")
            return ColumnType("date", date_format=fmt or "%Y-%m-%d %H:%M:%S", whole_days=_midnight(dates),
                              dirty=int(dates.isna().sum()))
    return ColumnType("text")


def parse(series: pd.Series, kind: ColumnType) -> tuple[pd.Series, np.ndarray]:
    """``series`` read as ``kind``, and a mask of the filled cells that did not read (now missing)."""
    filled = series.notna().to_numpy()
    if kind.storage == "number":
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series
        else:
            text = series.astype(object).where(series.notna(), None)
            values = pd.to_numeric(text.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
            if values.notna().all() and kind.whole:
                values = values.astype("int64")
        return values, filled & values.isna().to_numpy()
    if kind.storage == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series
        else:
            values = pd.to_datetime(series, format=kind.date_format or "mixed", errors="coerce")
            if kind.date_format and values.isna().to_numpy()[filled].any():
                # A synthetic table from elsewhere may write the same days another way (ISO for a m/d/Y input).
                values = values.fillna(pd.to_datetime(series.where(values.isna()), format="mixed", errors="coerce"))
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        return values, filled & values.isna().to_numpy()
    if kind.storage == "text" and pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        # Codes read as numbers in one table and as text in another (an MRN): compared as the same text.
        as_text = series.astype("float64").map(lambda v: np.nan if np.isnan(v) else format(v, ".12g"))
        return as_text.astype(object), np.zeros(len(series), dtype=bool)
    return series, np.zeros(len(series), dtype=bool)


def restore(series: pd.Series, kind: ColumnType) -> pd.Series:
    """Synthetic values written as the input held them: integers, dates as days or in the input's format."""
    if kind.storage == "number" and kind.whole and pd.api.types.is_numeric_dtype(series):
        rounded = pd.to_numeric(series, errors="coerce").round()
        if kind.held_as_float:  # ages a DataFrame held as 31.0 stay floats: a user's schema is not changed
            return rounded.astype("float64")
        return rounded.astype("Int64") if rounded.isna().any() else rounded.astype("int64")
    if kind.storage == "date":
        dates = pd.to_datetime(series, errors="coerce", format="mixed") \
            if not pd.api.types.is_datetime64_any_dtype(series) else series
        if kind.whole_days:
            dates = dates.dt.normalize()
        if kind.date_format is None:
            return dates
        return dates.dt.strftime(kind.date_format).where(dates.notna(), None).astype(object)
    return series


def parse_frame(frame: pd.DataFrame, types: dict[str, ColumnType]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every typed column of ``frame`` read as its type, and per column the filled cells that did not read."""
    out = frame.copy()
    unread: dict[str, int] = {}
    for column, kind in types.items():
        if column in out.columns:
            out[column], bad = parse(out[column], kind)
            if bad.any():
                unread[column] = int(bad.sum())
    return out, unread


def parse_masks(frame: pd.DataFrame, types: dict[str, ColumnType]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """As ``parse_frame``, with the unread cells of each column as a mask over the rows."""
    out = frame.copy()
    unread: dict[str, np.ndarray] = {}
    for column, kind in types.items():
        if column in out.columns:
            out[column], bad = parse(out[column], kind)
            if bad.any():
                unread[column] = bad
    return out, unread


def restore_frame(frame: pd.DataFrame, types: dict[str, ColumnType]) -> pd.DataFrame:
    out = frame.copy()
    for column, kind in types.items():
        if column in out.columns:
            out[column] = restore(out[column], kind)
    return out
