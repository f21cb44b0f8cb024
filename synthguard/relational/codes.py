"""The granularity a table is released at: a rare code becomes its category (ICD-9 4280 -> 428) when the
category is common enough, and what is still rare becomes the rare-category label."""

from __future__ import annotations

import pandas as pd

from synthguard.generalize import RareCategoryGeneraliser
from synthguard.relational.schema import TableSpec


class TableCoarsener:
    def __init__(self, spec: TableSpec, model: list[str], sdtypes: dict[str, str], min_count: int, label: str):
        self.spec, self.model, self.sdtypes, self.min_count = spec, model, sdtypes, min_count
        self.generaliser = RareCategoryGeneraliser(min_count, label)

    def _shorten(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column, length in self.spec.code_prefix.items():
            values = out[column]
            keep = values.isin(self.common_[column]) | values.isna()
            out[column] = values.where(keep, values.astype(str).str[:length])
        return out

    def fit(self, frame: pd.DataFrame) -> TableCoarsener:
        self.common_ = {}
        for column in self.spec.code_prefix:
            counts = frame[column].value_counts(dropna=True)
            self.common_[column] = set(counts[counts >= self.min_count].index)
        self.generaliser.fit(self._shorten(frame)[self.model], self.sdtypes)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.generaliser.transform(self._shorten(frame))

    def restore_dtypes(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.generaliser.restore_dtypes(frame)

    @property
    def generalised_(self) -> dict[str, int]:
        shortened = {f"{c} (to {n} characters)": 1 for c, n in self.spec.code_prefix.items()}
        return {**shortened, **self.generaliser.generalised_}
