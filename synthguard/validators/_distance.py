"""Mixed-type distances between records (Gower-style L1), for privacy checks.

Numeric and date columns are scaled by the training range, categories are one-hot
with weight 1/2 (a mismatch costs 1), a missing value is its own indicator. The
encoding is injective on the training categories, so distance 0 means an exact copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors


class RecordEncoder:
    def fit(self, frame: pd.DataFrame, sdtypes: dict[str, str]) -> RecordEncoder:
        self.sdtypes_ = sdtypes
        self.numeric_: dict[str, tuple[float, float, float]] = {}
        self.categories_: dict[str, list[str]] = {}
        for column, sdtype in sdtypes.items():
            if sdtype in ("numerical", "datetime"):
                values = self._numeric(frame[column], sdtype)
                low, high = np.nanmin(values), np.nanmax(values)
                median = np.nanmedian(values) if np.isfinite(values).any() else 0.0
                self.numeric_[column] = (low, max(high - low, 1e-12), median)
            else:
                self.categories_[column] = sorted(frame[column].astype(str).unique())
        return self

    @staticmethod
    def _numeric(series: pd.Series, sdtype: str) -> np.ndarray:
        if sdtype == "datetime":
            days = pd.to_datetime(series, errors="coerce", format="mixed")
            return (days - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="float64")
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        parts = []
        for column, (low, span, median) in self.numeric_.items():
            values = self._numeric(frame[column], self.sdtypes_[column])
            missing = np.isnan(values)
            parts.append(((np.where(missing, median, values) - low) / span)[:, None])
            parts.append(missing[:, None].astype("float64"))
        for column, categories in self.categories_.items():
            codes = pd.Categorical(frame[column].astype(str), categories=categories).codes
            onehot = np.zeros((len(frame), len(categories)), dtype="float64")
            rows = np.flatnonzero(codes >= 0)
            onehot[rows, codes[rows]] = 0.5
            parts.append(onehot)
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def nearest(reference: np.ndarray, queries: np.ndarray, k: int = 1) -> np.ndarray:
    """Distances from each query to its k nearest reference rows, shape (n_queries, k)."""
    index = NearestNeighbors(n_neighbors=k, metric="manhattan").fit(reference)
    distances, _ = index.kneighbors(queries)
    return distances
