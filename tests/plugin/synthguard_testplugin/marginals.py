"""A table synthesizer: every column drawn on its own from its training values (no correlations kept)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.generators.base import TableGenerator


class IndependentMarginals(TableGenerator):
    name = "independent_marginals"

    @classmethod
    def check_parameters(cls, parameters):
        unknown = sorted(set(parameters) - {"jitter"})
        if unknown:
            raise ValueError(f"independent_marginals: unknown parameter {', '.join(unknown)}; accepted: jitter")

    def fit(self, data: pd.DataFrame, seed: int = 0):
        self.columns_ = {c: data[c].dropna().to_numpy() for c in data.columns}
        self.dtypes_ = data.dtypes.to_dict()
        return self

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        jitter = float(self.parameters.get("jitter", 0.0))
        out = {}
        for column, values in self.columns_.items():
            drawn = rng.choice(values, size=num_rows)
            if jitter and self.sdtypes.get(column) == "numerical":
                drawn = drawn + rng.normal(0, jitter * (values.std() or 1.0), size=num_rows)
                drawn = drawn.round().astype(values.dtype) if np.issubdtype(values.dtype, np.integer) else drawn
            out[column] = drawn
        return pd.DataFrame(out).astype({c: t for c, t in self.dtypes_.items() if c in out}, errors="ignore")
