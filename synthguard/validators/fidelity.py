"""Fidelity: do synthetic columns and column pairs look like the real ones? (SDMetrics)"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, category_strings

WORST_SHOWN = 5


class FidelityConfig(SuiteConfig):
    column_shapes_min: float = Field(0.80, ge=0, le=1)
    column_pair_trends_min: float = Field(0.70, ge=0, le=1)
    detection_auc_max: float = Field(0.85, ge=0.5, le=1)
    # A 61-row holdout (the example) moves this ratio between 0.70 and 0.85 across seeds.
    utility_ratio_min: float = Field(0.60, ge=0, le=2)
    model_rows_max: int = Field(20000, ge=100)


def sdmetrics_metadata(ctx: ValidationContext) -> dict:
    columns = {}
    for column, sdtype in ctx.sdtypes.items():
        columns[column] = {"sdtype": sdtype}
        if sdtype == "datetime" and ctx.train[column].dtype == object:
            columns[column]["datetime_format"] = "%Y-%m-%d"
    return {"columns": columns}


@register
class Fidelity(Suite):
    name = "fidelity"
    Config = FidelityConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sdmetrics announces a future rename on import
            from sdmetrics.reports.single_table import QualityReport

            report = QualityReport()
            report.generate(ctx.train, ctx.synthetic, sdmetrics_metadata(ctx), verbose=False)
        scores = dict(report.get_properties()[["Property", "Score"]].itertuples(index=False))
        shapes = report.get_details("Column Shapes").sort_values("Score")
        pairs = report.get_details("Column Pair Trends").sort_values("Score")
        worst_columns = [
            {"column": r["Column"], "metric": r["Metric"], "score": round(float(r["Score"]), 4)}
            for _, r in shapes.head(WORST_SHOWN).iterrows()
        ]
        worst_pairs = [
            {"columns": [r["Column 1"], r["Column 2"]], "metric": r["Metric"],
             "score": round(float(r["Score"]), 4)}
            for _, r in pairs.dropna(subset=["Score"]).head(WORST_SHOWN).iterrows()
        ]
        return [
            self._detection(ctx),
            *self._utility(ctx),
            self.check("column_shapes", scores["Column Shapes"], self.config.column_shapes_min, ">=",
                       {"worst_columns": worst_columns,
                        "metric": "SDMetrics KSComplement / TVComplement, mean over columns"}),
            self.check("column_pair_trends", scores["Column Pair Trends"],
                       self.config.column_pair_trends_min, ">=",
                       {"worst_pairs": worst_pairs,
                        "metric": "SDMetrics Correlation/ContingencySimilarity, mean over pairs"}),
        ]

    def _detection(self, ctx: ValidationContext) -> Check:
        """Cross-validated AUC of a classifier telling real rows from synthetic ones (0.5: cannot)."""
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import cross_val_score

        from synthguard.validators._distance import RecordEncoder

        n = min(len(ctx.train), len(ctx.synthetic), self.config.model_rows_max // 2)
        real = ctx.train.sample(n, random_state=ctx.seed)
        synthetic = ctx.synthetic.sample(n, random_state=ctx.seed)
        encoder = RecordEncoder().fit(ctx.train, ctx.sdtypes)
        features = np.vstack([encoder.transform(real), encoder.transform(synthetic)])
        labels = np.r_[np.zeros(n), np.ones(n)]
        model = HistGradientBoostingClassifier(random_state=ctx.seed, max_iter=100)
        auc = float(np.mean(cross_val_score(model, features, labels, cv=3, scoring="roc_auc")))
        return self.check("detection_auc", auc, self.config.detection_auc_max, "<=",
                          {"rows_each": n, "model": "HistGradientBoosting, 3-fold CV", "ideal": 0.5})

    def _utility(self, ctx: ValidationContext) -> list[Check]:
        """Train on synthetic, test on real holdout, against train on real: the ratio of their scores."""
        if ctx.target is None:
            return []
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.metrics import balanced_accuracy_score

        from synthguard.validators._distance import RecordEncoder

        features = {c: t for c, t in ctx.sdtypes.items() if c != ctx.target}
        encoder = RecordEncoder().fit(ctx.train, features)
        x_test, y_test = encoder.transform(ctx.holdout), category_strings(ctx.holdout[ctx.target])

        def score(frame: pd.DataFrame) -> float:
            frame = frame.sample(min(len(frame), self.config.model_rows_max), random_state=ctx.seed)
            y = category_strings(frame[ctx.target])
            if y.nunique() < 2:
                return 0.0
            model = HistGradientBoostingClassifier(random_state=ctx.seed, max_iter=100)
            model.fit(encoder.transform(frame), y)
            return float(balanced_accuracy_score(y_test, model.predict(x_test)))

        real, synthetic = score(ctx.train), score(ctx.synthetic)
        ratio = synthetic / real if real > 0 else 0.0
        return [self.check("utility_ratio", ratio, self.config.utility_ratio_min, ">=", {
            "train_real_test_real": round(real, 4), "train_synthetic_test_real": round(synthetic, 4),
            "metric": "balanced accuracy on the holdout", "target": ctx.target})]
