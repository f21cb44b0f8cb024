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

from synthguard.measures.categories import category_strings
from synthguard.measures.distance import numeric_values

NUMERIC = ("numerical", "datetime")
BINS = 10


def _as_number(series: pd.Series, sdtype: str) -> pd.Series:
    return pd.Series(numeric_values(series, sdtype), index=series.index)


def _codes(series: pd.Series, sdtype: str, edges: np.ndarray | None) -> pd.Series:
    if sdtype in NUMERIC:
        values = _as_number(series, sdtype)
        return pd.Series(np.searchsorted(edges, values, side="right"), index=series.index).where(values.notna(), -1)
    return category_strings(series)


def _contingency(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counts of each (a, b) code pair; codes are small non-negative integers.

    pandas.crosstab costs ~10 ms a pair, which made a 100-column table (4,950 pairs) take
    minutes; a bincount over the combined code is ~100x faster and gives the same table.
    """
    rows, cols = int(a.max()) + 1, int(b.max()) + 1
    table = np.bincount(a * cols + b, minlength=rows * cols).reshape(rows, cols).astype(float)
    return table[table.sum(1) > 0][:, table.sum(0) > 0]


def cramers_v(a, b) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013): near 0 for independent columns even on small samples."""
    a, b = (pd.factorize(x)[0] if not isinstance(x, np.ndarray) else x for x in (a, b))
    keep = (a >= 0) & (b >= 0)
    if not keep.any():
        return 0.0
    table = _contingency(a[keep], b[keep])
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
    """Fitted on the real table (decile edges), then ``compare`` any tables with the same columns."""

    def __init__(self, real: pd.DataFrame, sdtypes: dict[str, str]):
        self.sdtypes = sdtypes
        self.edges = {}
        for column, sdtype in sdtypes.items():
            if sdtype in NUMERIC:
                values = _as_number(real[column], sdtype).dropna()
                self.edges[column] = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1])) \
                    if len(values) else np.array([])

    def _encode(self, frame: pd.DataFrame, columns) -> tuple[dict, dict]:
        """Per column: numbers (numeric columns) and integer codes (-1 missing), computed once per table."""
        numbers, codes = {}, {}
        for column in columns:
            sdtype = self.sdtypes[column]
            if sdtype in NUMERIC:
                numbers[column] = _as_number(frame[column], sdtype)
            codes[column] = pd.factorize(_codes(frame[column], sdtype, self.edges.get(column)))[0]
        return numbers, codes

    def _association(self, numbers: dict, codes: dict, a: str, b: str) -> float:
        if a in numbers and b in numbers:
            x, y = numbers[a], numbers[b]
            if x.std() == 0 or y.std() == 0:
                return 0.0
            r = x.corr(y)
            return 0.0 if np.isnan(r) else float(r)
        return cramers_v(codes[a], codes[b])

    def association(self, frame: pd.DataFrame, a: str, b: str) -> float:
        return self._association(*self._encode(frame, (a, b)), a, b)

    def compare(self, real: pd.DataFrame, synthetic: pd.DataFrame,
                pairs: list[tuple[str, str]] | None = None) -> list[dict]:
        """One row per pair: real and synthetic association and their absolute difference."""
        pairs = pairs if pairs is not None else list(combinations(self.sdtypes, 2))
        columns = list(dict.fromkeys(c for pair in pairs for c in pair))
        encoded_real, encoded_synthetic = self._encode(real, columns), self._encode(synthetic, columns)
        rows = []
        for a, b in pairs:
            real_value = self._association(*encoded_real, a, b)
            synthetic_value = self._association(*encoded_synthetic, a, b)
            rows.append({"columns": [a, b], "real": round(real_value, 4), "synthetic": round(synthetic_value, 4),
                         "delta": round(abs(real_value - synthetic_value), 4),
                         "measure": "pearson" if all(self.sdtypes[c] in NUMERIC for c in (a, b)) else "cramers_v"})
        return rows
