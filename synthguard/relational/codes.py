"""The granularity a table is released at: a rare code becomes its category (ICD-9 4280 -> 428) when the
category is common enough, and what is still rare becomes the rare-category label.

Rare means held by fewer than ``min_count`` patients, not rows: one patient given a drug twenty times makes
twenty prescriptions, and the drug would be learnt and released as that patient's."""

from __future__ import annotations

import pandas as pd

from synthguard.generalize import RareCategoryGeneraliser
from synthguard.measures.categories import category_strings
from synthguard.sections.relational import TableSpec


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

    def _common(self, values: pd.Series, owners: pd.Series) -> set:
        held = pd.DataFrame({"value": values.to_numpy(), "owner": owners.to_numpy()}).dropna()
        patients = held.drop_duplicates().groupby("value")["owner"].size()
        return set(patients[patients >= self.min_count].index)

    def fit(self, frame: pd.DataFrame, owners: pd.Series) -> TableCoarsener:
        """``owners``: each row's patient (root key)."""
        self.common_ = {column: self._common(frame[column], owners) for column in self.spec.code_prefix}
        shortened = self._shorten(frame)
        self.generaliser.fit(shortened[self.model], self.sdtypes)
        for column in list(self.generaliser.allowed_):
            allowed = self._common(shortened[column], owners)
            self.generaliser.allowed_[column] = allowed
            rare = shortened[column].dropna().nunique() - len(allowed)
            self.generaliser.generalised_.pop(column, None)
            if rare:
                self.generaliser.generalised_[column] = int(rare)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.generaliser.transform(self._shorten(frame))

    def restore_dtypes(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.generaliser.restore_dtypes(frame)

    @property
    def generalised_(self) -> dict[str, int]:
        shortened = {f"{c} (to {n} characters)": 1 for c, n in self.spec.code_prefix.items()}
        return {**shortened, **self.generaliser.generalised_}


def row_keys(frame: pd.DataFrame) -> pd.Series:
    """One string per row that agrees across dtypes and missing values (NaN never equals NaN in a tuple)."""

    parts = [category_strings(frame[c]).str.replace("\x1f", " ", regex=False) for c in frame.columns]
    return pd.Series(["\x1f".join(values) for values in zip(*parts, strict=True)], index=frame.index)


def learn_descriptions(train: pd.DataFrame, spec: TableSpec, min_count: int) -> dict[str, pd.DataFrame]:
    """For each described column's value, the combination of its describing columns the training rows hold
    most often (a drug's names, codes and strength); only where that combination is held at least
    ``min_count`` times, so that no patient's rare entry is copied."""
    out = {}
    for column, described in spec.describes.items():
        counts = train.groupby([column, *described], dropna=False).size().rename("_n").reset_index()
        best = counts.sort_values("_n", ascending=False, kind="stable").drop_duplicates(column)
        out[column] = best[best["_n"] >= min_count].set_index(column)[described]
    return out


def describe(rows: pd.DataFrame, descriptions: dict[str, pd.DataFrame]) -> pd.DataFrame:
    out = rows.copy()
    for column, table in descriptions.items():
        filled = table.reindex(out[column].to_numpy())
        for described in table.columns:
            out[described] = filled[described].to_numpy()
    return out
