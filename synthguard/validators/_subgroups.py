"""Fidelity and utility inside each protected group, so that a mean cannot hide a group.

A synthesizer can model the majority well and a minority badly while every table-wide
score looks fine. For each group of each protected column (the bias suite's grouping):
the mean SDMetrics column-shape score of the group's synthetic rows against its real
training rows, and the balanced accuracy on the group's holdout rows of the models
trained on synthetic and on real data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from synthguard.measures.categories import category_strings
from synthguard.validators.base import ValidationContext
from synthguard.validators.bias import group_labels

MIN_GROUP_ROWS = 20


def _shape_score(real: pd.Series, synthetic: pd.Series, sdtype: str) -> float:
    from sdmetrics.single_column import KSComplement, TVComplement

    if sdtype in ("numerical", "datetime"):
        if sdtype == "datetime":
            real, synthetic = (pd.to_datetime(s, errors="coerce", format="mixed") for s in (real, synthetic))
        return float(KSComplement.compute(real, synthetic))
    return float(TVComplement.compute(category_strings(real), category_strings(synthetic)))


def subgroup_scores(ctx: ValidationContext, predictions: dict[str, np.ndarray] | None,
                    train: pd.DataFrame, synthetic: pd.DataFrame) -> list[dict]:
    """One row per group: rows, column-shape score, and (with a target) both models' balanced accuracy.

    ``train`` and ``synthetic`` are the rows to compare (seeded samples on big tables);
    ``predictions`` are for every holdout row.
    """
    from sklearn.metrics import balanced_accuracy_score

    rows = []
    for column in ctx.protected:
        reference = ctx.train[column]
        train_groups = group_labels(reference, train[column])
        synthetic_groups = group_labels(reference, synthetic[column])
        holdout_groups = group_labels(reference, ctx.holdout[column])
        others = [c for c in ctx.sdtypes if c != column]
        for group in sorted(train_groups.unique()):
            real_part = train[(train_groups == group).to_numpy()]
            synthetic_part = synthetic[(synthetic_groups == group).to_numpy()]
            row = {"column": column, "group": group, "rows": {"real": len(real_part), "synthetic": len(synthetic_part)}}
            if min(len(real_part), len(synthetic_part)) >= MIN_GROUP_ROWS:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scores = [_shape_score(real_part[c], synthetic_part[c], ctx.sdtypes[c]) for c in others]
                row["column_shapes"] = round(float(np.nanmean(scores)), 4)
            in_holdout = (holdout_groups == group).to_numpy()
            if predictions is not None and in_holdout.sum() >= MIN_GROUP_ROWS // 2:
                truth = category_strings(ctx.holdout[ctx.target])[in_holdout]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # a group whose holdout rows hold one class
                    row["utility"] = {
                        "holdout_rows": int(in_holdout.sum()),
                        **{name: round(float(balanced_accuracy_score(truth, pred[in_holdout])), 4)
                           for name, pred in predictions.items()}}
            rows.append(row)
    return rows
