"""Strength of each column pair's relationship, real vs synthetic.

SDMetrics' pair-trend score is a mean over all pairs, and most pairs of a wide table are
unrelated, so a table whose columns were shuffled independently still scored 0.76 on UCI
Adult (GaussianCopula: 0.78). What a reviewer needs is whether the relationships that
exist survived: this module measures each pair's association in the real data and in the
synthetic data on one scale (Pearson r for two numeric columns, signed; bias-corrected
Cramér's V otherwise, numbers cut into the real data's deciles), so the gate can judge the
strong pairs and the pairs the policy calls critical one by one.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from synthguard.validators._distance import numeric_values
from synthguard.validators.base import category_strings

NUMERIC = ("numerical", "datetime")
BINS = 10


def _as_number(series: pd.Series, sdtype: str) -> pd.Series:
    return pd.Series(numeric_values(series, sdtype), index=series.index)


def _codes(series: pd.Series, sdtype: str, edges: np.ndarray | None) -> pd.Series:
    if sdtype in NUMERIC:
        values = _as_number(series, sdtype)
        return pd.Series(np.searchsorted(edges, values, side="right"), index=series.index).where(values.notna(), -1)
    return category_strings(series)


def cramers_v(a: pd.Series, b: pd.Series) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013): near 0 for independent columns even on small samples."""
    table = pd.crosstab(a, b).to_numpy(dtype=float)
    n = table.sum()
    r, k = table.shape
    if n < 2 or r < 2 or k < 2:
        return 0.0
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    phi2 = float(((table - expected) ** 2 / expected).sum() / n)
    phi2 = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    r_c, k_c = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    denominator = min(k_c - 1, r_c - 1)
    return float(np.sqrt(phi2 / denominator)) if denominator > 0 else 0.0


class PairAssociations:
    """Fitted on the real table (decile edges), then ``measure`` any table with the same columns."""

    def __init__(self, real: pd.DataFrame, sdtypes: dict[str, str]):
        self.sdtypes = sdtypes
        self.edges = {}
        for column, sdtype in sdtypes.items():
            if sdtype in NUMERIC:
                values = _as_number(real[column], sdtype).dropna()
                self.edges[column] = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1])) \
                    if len(values) else np.array([])

    def association(self, frame: pd.DataFrame, a: str, b: str) -> float:
        if self.sdtypes[a] in NUMERIC and self.sdtypes[b] in NUMERIC:
            x, y = _as_number(frame[a], self.sdtypes[a]), _as_number(frame[b], self.sdtypes[b])
            if x.std() == 0 or y.std() == 0:
                return 0.0
            r = x.corr(y)
            return 0.0 if np.isnan(r) else float(r)
        return cramers_v(_codes(frame[a], self.sdtypes[a], self.edges.get(a)),
                         _codes(frame[b], self.sdtypes[b], self.edges.get(b)))

    def compare(self, real: pd.DataFrame, synthetic: pd.DataFrame,
                pairs: list[tuple[str, str]] | None = None) -> list[dict]:
        """One row per pair: real and synthetic association and their absolute difference."""
        pairs = pairs if pairs is not None else list(combinations(self.sdtypes, 2))
        rows = []
        for a, b in pairs:
            real_value, synthetic_value = self.association(real, a, b), self.association(synthetic, a, b)
            rows.append({"columns": [a, b], "real": round(real_value, 4), "synthetic": round(synthetic_value, 4),
                         "delta": round(abs(real_value - synthetic_value), 4),
                         "measure": "pearson" if all(self.sdtypes[c] in NUMERIC for c in (a, b)) else "cramers_v"})
        return rows
