"""How close a drawn record comes to a training record, against how close real people come to each other.

A tree-based generator draws its values from real rows; where a leaf is small, a drawn record can sit next to one
training record though no value is copied (Melanoma, 164 rows: one record at 0.08 of the distance of the nearest
unseen patient, and ``membership_identified`` failed). A record closer to a training record than the closest 1% of
training records are to each other says more about that person than the population does: drawn again.

Written here rather than taken from the gate (``validators/_distance``): generators sit below the validators in
the layering, and this needs only scaled numbers, one-hot categories and scikit-learn's nearest neighbours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CLOSE_QUANTILE = 0.01


class Closeness:
    def __init__(self, frame: pd.DataFrame, numeric: set[str], quantile: float = CLOSE_QUANTILE):
        from sklearn.neighbors import NearestNeighbors

        self.numeric = [c for c in frame.columns if c in numeric]
        self.categories = {c: sorted(frame[c].dropna().astype(str).unique()) for c in frame.columns
                           if c not in numeric}
        values = {c: pd.to_numeric(frame[c], errors="coerce") for c in self.numeric}
        self.low = {c: float(v.min()) if v.notna().any() else 0.0 for c, v in values.items()}
        self.span = {c: float(v.max() - v.min()) or 1.0 if v.notna().any() else 1.0 for c, v in values.items()}
        train = self.encode(frame)
        self.nearest = NearestNeighbors(n_neighbors=min(2, len(train))).fit(train)
        if len(train) < 2:
            self.cutoff = 0.0
            return
        distances, _ = self.nearest.kneighbors(train)
        self.cutoff = float(np.quantile(distances[:, 1], quantile))

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        parts = []
        for column in self.numeric:
            scaled = (pd.to_numeric(frame[column], errors="coerce") - self.low[column]) / self.span[column]
            parts.append(scaled.fillna(-0.5).to_numpy(float)[:, None])  # missing: apart from every value
        for column, known in self.categories.items():
            text = frame[column].astype(object).where(frame[column].notna(), None).map(
                lambda v: None if v is None else str(v))
            parts.append(np.stack([(text == k).to_numpy(float) for k in known]
                                  + [text.isna().to_numpy(float)], axis=1))
        return np.hstack(parts) if parts else np.zeros((len(frame), 1))

    def too_close(self, rows: pd.DataFrame) -> np.ndarray:
        """Drawn records nearer to a training record than the cut-off (never where the cut-off is 0: real
        people there share whole records, and the unique-record rule covers copies)."""
        if self.cutoff <= 0 or rows.empty:
            return np.zeros(len(rows), dtype=bool)
        distances, _ = self.nearest.kneighbors(self.encode(rows), n_neighbors=1)
        return distances[:, 0] < self.cutoff
