"""Category labels that compare equal across dtypes (the suites, the distances, the report, the draws)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def category_strings(series: pd.Series) -> pd.Series:
    """Category labels that agree across dtypes: 4, 4.0 and Int64 4 are all "4".

    Generalising a rare code turns an integer column into floats; compared as raw strings,
    "4.0" would never match "4" and every synthetic row would look new.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        return values.map(lambda v: "nan" if np.isnan(v) else format(v, ".12g"))
    return series.astype(str)
