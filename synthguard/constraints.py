"""Rules the synthetic rows must obey, declared in the policy and handed to SDV.

Each rule knows its SDV counterpart (``to_sdv``) and how to count the rows that break
it (``violated(rows, real)``: ``real``, the training rows, matters only to FixedCombinations), so the gate
can check what SDV promised and a generator without constraint support can draw again.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from pydantic import Field, model_validator

from synthguard.strict import StrictModel


def _comparable(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):
        return series
    return pd.to_datetime(series, errors="coerce", format="mixed")


class Inequality(StrictModel):
    """``low`` <= ``high`` on every row (``strict``: <), e.g. admission before discharge."""

    type: Literal["inequality"]
    low: str
    high: str
    strict: bool = False

    @property
    def columns(self) -> list[str]:
        return [self.low, self.high]

    def to_sdv(self):
        from sdv.cag import Inequality as SDVInequality

        return SDVInequality(self.low, self.high, strict_boundaries=self.strict)

    def violated(self, df: pd.DataFrame, real: pd.DataFrame | None = None) -> pd.Series:
        low, high = _comparable(df[self.low]), _comparable(df[self.high])
        ok = low < high if self.strict else low <= high
        return ~ok & low.notna() & high.notna()


class Range(StrictModel):
    """``low`` <= ``middle`` <= ``high`` on every row (``strict``: <)."""

    type: Literal["range"]
    low: str
    middle: str
    high: str
    strict: bool = False

    @property
    def columns(self) -> list[str]:
        return [self.low, self.middle, self.high]

    def to_sdv(self):
        from sdv.cag import Range as SDVRange

        return SDVRange(self.low, self.middle, self.high, strict_boundaries=self.strict)

    def violated(self, df: pd.DataFrame, real: pd.DataFrame | None = None) -> pd.Series:
        low, mid, high = (_comparable(df[c]) for c in self.columns)
        ok = (low < mid) & (mid < high) if self.strict else (low <= mid) & (mid <= high)
        return ~ok & low.notna() & mid.notna() & high.notna()


class FixedCombinations(StrictModel):
    """Only combinations of these categorical columns seen in the real data appear."""

    type: Literal["fixed_combinations"]
    columns: list[str] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct(self):
        if len(set(self.columns)) != len(self.columns):
            raise ValueError("columns must be distinct")
        return self

    def to_sdv(self):
        from sdv.cag import FixedCombinations as SDVFixedCombinations

        return SDVFixedCombinations(list(self.columns))

    def violated(self, df: pd.DataFrame, real: pd.DataFrame | None = None) -> pd.Series:
        if real is None:
            return pd.Series(False, index=df.index)
        seen = set(map(tuple, real[self.columns].astype(str).itertuples(index=False)))
        keys = df[self.columns].astype(str).itertuples(index=False)
        return pd.Series([tuple(k) not in seen for k in keys], index=df.index)


Constraint = Annotated[Inequality | Range | FixedCombinations, Field(discriminator="type")]
