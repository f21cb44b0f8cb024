"""Rare categories are generalised before fitting, so no synthesizer can replay them.

A category seen fewer than ``min_count`` times points at a handful of patients; SDV
samples categories from the training values, so it would release them verbatim. The
same transform is applied to the synthetic output too, so a generator that invents or
replays a rare value cannot leak it either.

Numbers are top- and bottom-coded the same way where the policy says so (``top_codes: {age: 90}``:
every age of 90 or more is 90, HIPAA Safe Harbor's "90 or older"): the 102-year-old is neither learnt
nor released.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CATEGORICAL = {"categorical", "boolean"}


class RareCategoryGeneraliser:
    """Learns the categories common enough to release; replaces every other one."""

    def __init__(self, min_count: int = 5, label: str = "Other", top_codes: dict[str, float] | None = None,
                 bottom_codes: dict[str, float] | None = None):
        self.min_count = min_count
        self.label = label
        self.top_codes, self.bottom_codes = dict(top_codes or {}), dict(bottom_codes or {})

    def fit(self, frame: pd.DataFrame, sdtypes: dict[str, str]) -> RareCategoryGeneraliser:
        self.allowed_: dict[str, set] = {}
        self.integer_columns_ = [c for c in frame.columns if frame[c].dtype.kind in "iu"]
        self.generalised_: dict[str, int] = {}  # column -> number of distinct rare values
        for column, sdtype in sdtypes.items():
            if sdtype not in CATEGORICAL:
                continue
            counts = frame[column].value_counts(dropna=True)
            self.allowed_[column] = set(counts[counts >= self.min_count].index)
            if (counts < self.min_count).any():
                self.generalised_[column] = int((counts < self.min_count).sum())
        return self

    def code(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Only the top and bottom codes (``transform`` merges rare categories too: the real tables the release
        is judged against say "90" and "Other" where the release does)."""
        out = frame.copy()
        for column in {*self.top_codes, *self.bottom_codes}:
            if column in out:
                values = pd.to_numeric(out[column], errors="coerce")
                coded = values.clip(lower=self.bottom_codes.get(column), upper=self.top_codes.get(column))
                out[column] = coded.astype(values.dtype) if values.dtype.kind in "iu" else coded
        return out

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = self.code(frame)
        for column, allowed in self.allowed_.items():
            values = out[column]
            keep = values.isin(allowed) | values.isna()
            if keep.all():
                continue
            if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
                out[column] = values.astype(object).where(keep, self.label)
            else:
                numeric = values.astype("float64") if values.dtype.kind in "iub" else values
                out[column] = numeric.where(keep, np.nan)
        return out

    def restore_dtypes(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Integer codes that gained missing values come back as nullable integers, not floats."""
        out = frame.copy()
        for column in self.integer_columns_:
            if column in out and out[column].dtype.kind == "f":
                out[column] = out[column].round().astype("Int64")
        return out
