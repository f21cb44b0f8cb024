"""Does a generated note single out one real patient by the numbers it states?

A note can be free of names and still identify someone: "67, BP 160, chol 286" is one row of
the real table. A note *re-identifies* when the numbers it states match at least ``least`` of
one real row's numeric values, and no other real row holds that same combination. This is
the record-level test the issue asks for; the tuple is judged against every real row (train
and holdout), because anyone in the input can be the one singled out.

Numbers only: they are what tier-0 faithfulness pins and what a linkage attack joins on;
category words ("normal", "male") are shared by many rows and would add noise, not signal.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\.?\d)")  # "63M", "145/63", "2.3"; never part of "2058"
MIN_MATCHED_FACTS = 3


def _renderings(column: pd.Series) -> list[np.ndarray]:
    """How each value can be written in a note: 63 as "63" or "63.0", 2.34 as "2.34" or "2.3"; "" for none."""
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)

    def form(fmt) -> np.ndarray:
        return np.array(["" if np.isnan(v) else fmt(v) for v in numbers], dtype=object)

    return [form(lambda v: f"{v:g}" if not v.is_integer() else str(int(v))), form(lambda v: f"{v:.1f}"),
            form(lambda v: f"{round(v, 2):g}")]


def numeric_columns(real: pd.DataFrame) -> list[str]:
    types = pd.api.types
    return [c for c in real.columns if types.is_numeric_dtype(real[c]) and not types.is_bool_dtype(real[c])]


def reidentifying(notes: list[str], real: pd.DataFrame, least: int = MIN_MATCHED_FACTS) -> list[bool]:
    """Per note: whether its numbers match ``least`` or more values of one real row and of no other row."""
    columns = numeric_columns(real)
    if not columns or real.empty:
        return [False] * len(notes)
    values = real[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    forms = [_renderings(real[c]) for c in columns]
    out = []
    for note in notes:
        stated = list(set(NUMBER.findall(note)))
        hits = np.column_stack([np.logical_or.reduce([np.isin(f, stated) for f in column_forms])
                                for column_forms in forms]) if stated else np.zeros(values.shape, dtype=bool)
        candidates = np.flatnonzero(hits.sum(axis=1) >= least)
        singled_out = False
        # Grouped by which columns matched, so that each pattern costs one pass over the table.
        for pattern in {tuple(hits[row]) for row in candidates}:
            matched = np.array(pattern)
            group = pd.DataFrame(values[:, matched]).groupby(list(range(int(matched.sum()))),
                                                              dropna=False).ngroup().to_numpy()
            rows = [row for row in candidates if tuple(hits[row]) == pattern]
            # A candidate alone in its group: the note's numbers fit this one real patient.
            if (np.bincount(group)[group[rows]] == 1).any():
                singled_out = True
                break
        out.append(singled_out)
    return out
