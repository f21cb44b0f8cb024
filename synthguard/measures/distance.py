"""Mixed-type distances between records, for privacy checks.

Numeric and date columns are scaled by the training range, categories are one-hot
with weight 1/sqrt(2) (a mismatch adds 1 to the squared distance), a missing value is
its own indicator. Euclidean rather than Gower's L1: scikit-learn computes it as one
matrix product; on UCI Adult (26k training rows, 5k sampled queries, 2 cores) the
privacy suite took 1.8 s with it and 15.7 s with L1. The matrix product leaves float
noise (~1e-8) on identical rows, so exact copies are found by hashing the encoded rows,
which is exact: the encoding is injective on the training categories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.measures.categories import category_strings

CATEGORY_WEIGHT = 1 / np.sqrt(2)


def numeric_values(series: pd.Series, sdtype: str) -> np.ndarray:
    """Numbers as floats, dates as days since 1970 (NaN where missing or unreadable)."""
    if sdtype == "datetime":
        days = pd.to_datetime(series, errors="coerce", format="mixed")
        return (days - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="float64")
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")


class RecordEncoder:
    def fit(self, frame: pd.DataFrame, sdtypes: dict[str, str]) -> RecordEncoder:
        self.sdtypes_ = sdtypes
        self.numeric_: dict[str, tuple[float, float, float]] = {}
        self.categories_: dict[str, list[str]] = {}
        for column, sdtype in sdtypes.items():
            if sdtype in ("numerical", "datetime"):
                values = numeric_values(frame[column], sdtype)
                low, high = np.nanmin(values), np.nanmax(values)
                median = np.nanmedian(values) if np.isfinite(values).any() else 0.0
                self.numeric_[column] = (low, max(high - low, 1e-12), median)
            else:
                self.categories_[column] = sorted(category_strings(frame[column]).unique())
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        parts = []
        for column, (low, span, median) in self.numeric_.items():
            values = numeric_values(frame[column], self.sdtypes_[column])
            missing = np.isnan(values)
            parts.append(((np.where(missing, median, values) - low) / span)[:, None])
            parts.append(missing[:, None].astype("float64"))
        for column, categories in self.categories_.items():
            codes = pd.Categorical(category_strings(frame[column]), categories=categories).codes
            onehot = np.zeros((len(frame), len(categories)), dtype="float64")
            rows = np.flatnonzero(codes >= 0)
            onehot[rows, codes[rows]] = CATEGORY_WEIGHT
            parts.append(onehot)
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def nearest(reference: np.ndarray, queries: np.ndarray, k: int = 1) -> np.ndarray:
    """Distances from each query to its k nearest reference rows, shape (n_queries, k)."""
    from sklearn.neighbors import NearestNeighbors

    index = NearestNeighbors(n_neighbors=k, metric="euclidean", algorithm="brute").fit(reference)
    distances, _ = index.kneighbors(queries)
    return distances


def row_keys(matrix: np.ndarray) -> np.ndarray:
    """One hashable key per encoded row: equal keys mean equal records (exact copies)."""
    rounded = np.ascontiguousarray(np.round(matrix, 9) + 0.0)  # + 0.0 folds -0.0 into 0.0
    return rounded.view(np.dtype((np.void, rounded.dtype.itemsize * rounded.shape[1]))).ravel()


def copies_of(reference: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Boolean mask: which query rows equal some reference row. A hash join, not a scan."""
    if reference.shape[1] == 0:
        return np.ones(len(queries), dtype=bool)
    return np.isin(row_keys(queries), row_keys(reference))
