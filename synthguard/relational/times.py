"""Dates as offsets in days: a child's time from its previous sibling (siblings that follow one another) or
from its parent (siblings that overlap), other dates from the row's time.

Seconds are counted in int64 from datetime64[s]: MIMIC-III keeps patients over 89 born 300 years before
their admission, past what nanosecond timedeltas hold (292 years).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.errors import DataError
from synthguard.sections.relational import TableSpec

DAY = 86_400.0
UNITS = {"day": DAY, "minute": 60.0, "second": 1.0}


def seconds(values: pd.Series, label: str = "") -> np.ndarray:
    parsed = pd.to_datetime(values, errors="coerce")
    unreadable = int((parsed.isna() & values.notna()).sum())
    if unreadable:
        raise DataError(f"{label}: {unreadable} values are not dates")
    out = parsed.to_numpy(dtype="datetime64[s]").astype("int64").astype(float)
    out[parsed.isna().to_numpy()] = np.nan
    return out


def floor(values: np.ndarray, unit: str) -> np.ndarray:
    """Truncated, as a date written to the day is the day that holds the moment."""
    step = UNITS[unit]
    # The tolerance keeps a time computed back from a share of a window (3.0 days as 2.9999999) on its day.
    return np.floor(np.asarray(values, dtype=float) / step + 1e-9) * step


def dates(values: np.ndarray, unit: str, index=None) -> pd.Series:
    rounded = floor(values, unit)
    missing = ~np.isfinite(rounded)
    stamps = np.where(missing, 0, rounded).astype("int64").astype("datetime64[s]")
    series = pd.Series(stamps, index=index)
    series[missing] = pd.NaT
    return series


def unit_of(values: np.ndarray) -> str:
    """The coarsest precision the real dates are written at, so synthetic ones are written alike."""
    present = values[np.isfinite(values)]
    if len(present) and not (present % DAY).any():
        return "day"
    if len(present) and not (present % 60).any():
        return "minute"
    return "second"


def previous_base(order: pd.DataFrame, spec: TableSpec, anchor: np.ndarray) -> np.ndarray:
    """For each row (sorted within its parent), where its gap starts: the parent's time for the first row,
    and for every row of a table whose siblings overlap (prescriptions: gaps between 80 of them summed
    drift past the discharge); else the previous sibling's end, or its time where it has none."""
    if spec.overlapping:
        return anchor
    start = order["_time"].to_numpy()
    finish = order["_end"].to_numpy() if "_end" in order else np.full(len(order), np.nan)
    step = np.where(np.isfinite(finish), finish, start)
    shifted = np.concatenate([[np.nan], step[:-1]])
    first = order["_parent"].ne(order["_parent"].shift()).to_numpy()
    return np.where(first, anchor, shifted)


def shares_window(spec: TableSpec) -> bool:
    """Overlapping rows that lie inside their parent (prescriptions in an admission) are placed as a share of
    the parent's days: a day count from the admission, learnt apart from its length, put a quarter of the
    prescriptions after the discharge."""
    return spec.within_parent and spec.overlapping


def _window(parent_window: pd.DataFrame, keys: pd.Series, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """The parents' start on the child's precision and, for ``shares_window``, the span of days it covers."""
    parents = parent_window.reindex(keys.to_numpy())
    start = floor(parents["time"].to_numpy(dtype=float), unit)
    span = floor(parents["end"].to_numpy(dtype=float), unit) - start + UNITS[unit]
    return start, np.where(np.isfinite(span) & (span > 0), span, DAY)


def encode(frame: pd.DataFrame, spec: TableSpec, name: str, parent_window: pd.DataFrame | None) -> pd.DataFrame:
    """The table sorted within each parent by time, its dates as offsets in days. ``parent_window`` holds,
    by parent key, the parent's time and end in seconds."""
    out = frame.reset_index(drop=True)
    absolute = {c: seconds(frame[c], f"{name}.{c}") for c in spec.dates()}
    sort_by = [c for c in [spec.foreign_key] if c]
    if spec.time:
        out["_time"] = absolute[spec.time]
        sort_by.append("_time")
    elif spec.sequence:
        sort_by.append(spec.sequence)
    if sort_by:
        out = out.sort_values(sort_by, kind="stable")
    for column in [c for c in [spec.end, *spec.times] if c]:
        anchor = spec.relative_to.get(column, spec.time)
        out[column] = (absolute[column][out.index] - absolute[anchor][out.index]) / DAY
    if spec.time and spec.parent is None:
        # Days since 1970 as a number: the engine bins numbers by quantile, where its datetime encoding
        # missed MIMIC's two eras of birth dates (shifted into 2050-2200, and 300 years earlier past 89).
        out[spec.time] = absolute[spec.time][out.index] / DAY
    elif spec.time:
        out["_parent"] = out[spec.foreign_key]
        if spec.end:
            out["_end"] = absolute[spec.end][out.index]
        # A child dated to the day (STARTDATE) counts from its parent's day, not its minute: "the same day"
        # is then a gap of 0, which the decoding floors back to the same day whatever the parent's hour.
        anchor, span = _window(parent_window, out["_parent"], unit_of(absolute[spec.time]))
        if shares_window(spec):
            out[spec.time] = (out["_time"].to_numpy() - anchor) / span
        else:
            out[spec.time] = (out["_time"].to_numpy() - previous_base(out, spec, anchor)) / DAY
    return out.drop(columns=[c for c in ("_time", "_end", "_parent") if c in out]).reset_index(drop=True)


def _chained(parents: np.ndarray, anchors: np.ndarray, gaps: np.ndarray, ends: np.ndarray, overlapping: bool
             ) -> np.ndarray:
    """Times from gaps, sibling after sibling: from the parent's time, or the previous sibling's end."""
    start = np.full(len(parents), np.nan)
    base = np.nan
    for i in range(len(parents)):
        if i == 0 or parents[i] != parents[i - 1]:
            base = anchors[i]
        start[i] = base + gaps[i]
        if np.isfinite(start[i]) and not overlapping:
            finish = start[i] + ends[i]
            base = finish if np.isfinite(finish) else start[i]
    return start


def decode(frame: pd.DataFrame, spec: TableSpec, units: dict[str, str], parent_window: pd.DataFrame | None
           ) -> pd.DataFrame:
    """Absolute dates back from offsets, sibling after sibling in the generated order."""
    out = frame.copy()
    if not spec.time:
        return out
    if spec.parent is None:
        start = out[spec.time].to_numpy(dtype=float) * DAY
    else:
        gaps = out[spec.time].to_numpy(dtype=float) * DAY
        ends = out[spec.end].to_numpy(dtype=float) * DAY if spec.end else np.full(len(out), np.nan)
        anchors, span = _window(parent_window, out[spec.foreign_key], units[spec.time])
        if shares_window(spec):
            start = anchors + out[spec.time].to_numpy(dtype=float) * span
        else:
            start = _chained(out[spec.foreign_key].to_numpy(), anchors, gaps, ends, spec.overlapping)
    absolute = {spec.time: start}
    for column in [c for c in [spec.end, *spec.times] if c]:
        absolute[column] = absolute[spec.relative_to.get(column, spec.time)] + out[column].to_numpy(dtype=float) * DAY
    for column, values in absolute.items():
        out[column] = dates(values, units[column], out.index)
    return out
