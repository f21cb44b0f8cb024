"""Fidelity: do synthetic columns and column pairs look like the real ones? (SDMetrics)"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.measures.categories import category_strings
from synthguard.measures.distance import RecordEncoder
from synthguard.measures.pairs import PairAssociations
from synthguard.validators import register
from synthguard.validators._subgroups import MIN_GROUP_ROWS, subgroup_scores
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

WORST_SHOWN = 5
# Standard errors of a target link's change allowed on top of the policy's delta: 99% two-sided. At 1.96 real
# rows the generator never saw failed one link in three seeds on the heart table (age: 0.40 against 0.31).
LINK_Z = 2.576
# Below this many holdout rows, SDMetrics' scores of real rows the generator never saw (the holdout against the
# training rows) move enough that a fixed threshold would fail them: the threshold applied is then the lower of
# the policy's and the holdout's own score. Above it, the policy's stands (and the second report is not paid for).
HOLDOUT_REFERENCE_MAX_ROWS = 5000


class FidelityConfig(SuiteConfig):
    column_shapes_min: float = Field(0.80, ge=0, le=1)
    column_pair_trends_min: float = Field(0.70, ge=0, le=1)
    detection_auc_max: float = Field(0.85, ge=0.5, le=1)
    # A 61-row holdout (the example) moves this ratio between 0.70 and 0.85 across seeds.
    utility_ratio_min: float = Field(0.60, ge=0, le=2)
    strong_association: float = Field(
        0.30, gt=0, le=1,
        description="pairs whose real association (|Pearson r| or Cramér's V) reaches this are strong")
    # Shuffled columns retained 0.03-0.06 of the strong associations, GaussianCopula 0.26 (Adult)
    # to 0.42 (the heart example), a fresh real holdout 0.69-0.96.
    strong_pair_retention_min: float = Field(
        0.30, ge=0, le=1, description="mean share of each strong real association kept in the synthetic data")
    critical_pairs: list[tuple[str, str]] = Field(
        default_factory=list, description="column pairs whose relationship is checked on its own")
    critical_pair_max_delta: float = Field(
        0.15, ge=0, le=2, description="largest allowed change of a critical pair's association")
    column_shape_min: float = Field(
        0.70, ge=0, le=1, description="lowest SDMetrics KSComplement / TVComplement allowed for any one column")
    target_link_min_real: float = Field(
        0.10, ge=0, le=1, description="predictors whose real association with the target reaches this are judged "
                                      "one by one")
    # On top of 1.96 standard errors of the difference (bootstrap of the real rows): on the heart example's
    # 242 training rows the association of one predictor moved by up to 0.2 between honest synthetic samples,
    # a lost link (a copula without strata) by 0.24-0.48.
    target_link_max_delta: float = Field(
        0.10, gt=0, le=2, description="largest allowed change of a predictor's association with the target, "
                                      "beyond its sampling noise")
    target_link_bootstraps: int = Field(30, ge=5, le=1000, description="resamples of the real rows behind the "
                                                                       "noise allowance of target_link")
    subgroup_column_shapes_min: float = Field(
        0.70, ge=0, le=1, description="lowest column-shape score allowed inside any protected group")
    model_rows_max: int = Field(20000, ge=100, description="rows drawn (seeded) for models and pair measures")
    report_rows_max: int = Field(
        100000, ge=1000, description="rows drawn (seeded) for SDMetrics' column shapes and pair trends")

    def columns(self) -> list[str]:
        return [c for pair in self.critical_pairs for c in pair]


def sdmetrics_metadata(ctx: ValidationContext) -> dict:
    columns = {}
    for column, sdtype in ctx.sdtypes.items():
        columns[column] = {"sdtype": sdtype}
        if sdtype == "datetime" and ctx.train[column].dtype == object:
            columns[column]["datetime_format"] = "%Y-%m-%d"
    return {"columns": columns}


def _sample_note(real: pd.DataFrame, synthetic: pd.DataFrame, ctx: ValidationContext) -> dict:
    """Rows read, and the Dvoretzky-Kiefer-Wolfowitz 95% bound on each KS distance they allow."""
    n, m = len(real), len(synthetic)
    note = {"rows_measured": {"real": n, "synthetic": m}}
    if n < len(ctx.train) or m < len(ctx.synthetic):
        note["ks_ci95_halfwidth"] = round(float(np.sqrt(np.log(2 / 0.05) * (n + m) / (2 * n * m))), 5)
    return note


@register
class Fidelity(Suite):
    name = "fidelity"
    Config = FidelityConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sdmetrics announces a future rename on import
            from sdmetrics.reports.single_table import QualityReport

            # SDMetrics reads every row; at a million rows it reads a seeded sample instead,
            # and the report gives the sample and the KS error bound it implies.
            real, synthetic = self._sample(ctx, ctx.train, self.config.report_rows_max), \
                self._sample(ctx, ctx.synthetic, self.config.report_rows_max)
            report = QualityReport()
            report.generate(real, synthetic, sdmetrics_metadata(ctx), verbose=False)
        scores = dict(report.get_properties()[["Property", "Score"]].itertuples(index=False))
        reference = self._holdout_reference(ctx, real)
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
        utility, predictions = self._utility(ctx)
        # One seeded sample of each table for the pair and subgroup measures.
        sampled = self._sample(ctx, ctx.train), self._sample(ctx, ctx.synthetic)
        return [
            self._detection(ctx),
            *utility,
            *self._pairs(ctx, *sampled),
            *self._subgroups(ctx, predictions, *sampled),
            self._score("column_shapes", scores["Column Shapes"], self.config.column_shapes_min,
                        reference.get("column_shapes"),
                        {"worst_columns": worst_columns, **_sample_note(real, synthetic, ctx),
                         "metric": "SDMetrics KSComplement / TVComplement, mean over columns"}),
            # The mean above hides one ruined column among many good ones.
            self._score(f"column_shape_min:{worst_columns[0]['column']}", worst_columns[0]["score"],
                        self.config.column_shape_min, reference.get("column_shape_min"),
                        {"worst_columns": worst_columns, "metric": "SDMetrics KSComplement / TVComplement of the "
                         "worst column"}),
            *self._target_links(ctx, *sampled),
            self._pair_trends(scores["Column Pair Trends"], worst_pairs, reference.get("column_pair_trends")),
        ]

    def _holdout_reference(self, ctx: ValidationContext, real: pd.DataFrame) -> dict[str, float]:
        """What real rows the generator never saw score on SDMetrics' measures (the holdout against the training
        rows), where the holdout is small enough for them to move; {} otherwise."""
        if not 0 < len(ctx.holdout) <= HOLDOUT_REFERENCE_MAX_ROWS:
            return {}
        from sdmetrics.reports.single_table import QualityReport

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = QualityReport()
            report.generate(real, ctx.holdout, sdmetrics_metadata(ctx), verbose=False)
        scores = dict(report.get_properties()[["Property", "Score"]].itertuples(index=False))
        shapes = report.get_details("Column Shapes")["Score"]
        out = {"column_shapes": float(scores["Column Shapes"]),
               "column_pair_trends": float(scores["Column Pair Trends"])}
        if len(shapes):
            out["column_shape_min"] = float(shapes.min())
        return {k: v for k, v in out.items() if np.isfinite(v)}

    def _score(self, name: str, value: float, policy: float, holdout: float | None, details: dict) -> Check:
        """A score that must reach the policy's minimum, or, on a small holdout, what real unseen rows reach."""
        threshold = policy if holdout is None else min(policy, round(holdout, 4))
        if holdout is not None:
            details = {**details, "holdout_score": round(holdout, 4),
                       "allowance_meaning": "the holdout (real rows the generator never saw) scored below the "
                                            "policy's minimum, so its score is the minimum applied"}
        return self.check(name, value, threshold, ">=", details, policy=policy, bounds=(0, 1))

    def _pair_trends(self, score: float, worst_pairs: list[dict], holdout: float | None) -> Check:
        metric = "SDMetrics Correlation/ContingencySimilarity, mean over pairs with a real association"
        if np.isnan(score):
            # SDMetrics scores only pairs whose real association passes its own bar; when none
            # does, there is no trend to keep (strong_pair_retention says the same).
            return self.not_checked("column_pair_trends", "no column pair has a real association SDMetrics scores",
                                    op=">=", threshold=self.config.column_pair_trends_min, metric=metric)
        return self._score("column_pair_trends", score, self.config.column_pair_trends_min, holdout,
                           {"worst_pairs": worst_pairs, "metric": metric})

    def _detection(self, ctx: ValidationContext) -> Check:
        """Cross-validated AUC of a classifier telling real rows from synthetic ones (0.5: cannot)."""
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import cross_val_score


        n = min(len(ctx.train), len(ctx.synthetic), self.config.model_rows_max // 2)
        real = ctx.train.sample(n, random_state=ctx.seed)
        synthetic = ctx.synthetic.sample(n, random_state=ctx.seed)
        encoder = RecordEncoder().fit(ctx.train, ctx.sdtypes)
        features = np.vstack([encoder.transform(real), encoder.transform(synthetic)])
        labels = np.r_[np.zeros(n), np.ones(n)]
        model = HistGradientBoostingClassifier(random_state=ctx.seed, max_iter=100)
        auc = float(np.mean(cross_val_score(model, features, labels, cv=3, scoring="roc_auc")))
        return self.check("detection_auc", auc, self.config.detection_auc_max, "<=",
                          {"rows_each": n, "model": "HistGradientBoosting, 3-fold CV", "ideal": 0.5},
                          bounds=(0, 1))

    def _sample(self, ctx: ValidationContext, frame: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
        limit = limit or self.config.model_rows_max
        return frame if len(frame) <= limit else frame.sample(limit, random_state=ctx.seed)

    def _pairs(self, ctx: ValidationContext, real: pd.DataFrame, synthetic: pd.DataFrame) -> list[Check]:
        associations = PairAssociations(ctx.train, ctx.sdtypes)
        rows = associations.compare(real, synthetic)
        strong = [r for r in rows if abs(r["real"]) >= self.config.strong_association]
        for row in strong:
            # A sign flip or a vanished relationship keeps nothing; a stronger one counts as kept.
            row["retained"] = round(max(0.0, min(row["synthetic"] / row["real"], 1.0)), 4)
        checks = []
        if strong:
            retention = float(np.mean([r["retained"] for r in strong]))
            checks.append(self.check("strong_pair_retention", retention, self.config.strong_pair_retention_min,
                                     ">=", {"strong_pairs": len(strong), "pairs": len(rows),
                                            "worst_pairs": sorted(strong, key=lambda r: r["retained"])[:WORST_SHOWN],
                                            "rows_measured": {"real": len(real), "synthetic": len(synthetic)}},
                                     bounds=(0, 1)))
        for row in associations.compare(real, synthetic, [tuple(p) for p in self.config.critical_pairs]):
            checks.append(self.check(f"critical_pair:{'/'.join(row['columns'])}", row["delta"],
                                     self.config.critical_pair_max_delta, "<=", row, bounds=(0, 2)))
        return checks

    def _target_links(self, ctx: ValidationContext, real: pd.DataFrame, synthetic: pd.DataFrame) -> list[Check]:
        """Each predictor's association with the target, real against synthetic, with the holdout's beside it
        (how much a fresh real sample moves it)."""
        target = ctx.target
        if target is None or target not in ctx.sdtypes:
            return []
        associations = PairAssociations(ctx.train, ctx.sdtypes)
        pairs = [(column, target) for column in ctx.sdtypes if column != target]
        holdout = {tuple(r["columns"]): r["synthetic"] for r in associations.compare(real, ctx.holdout, pairs)}
        rows = [r for r in associations.compare(real, synthetic, pairs)
                if abs(r["real"]) >= self.config.target_link_min_real]
        noise = self._link_noise(ctx, associations, real, [tuple(r["columns"]) for r in rows], len(synthetic))
        checks = []
        for row in rows:
            key = tuple(row["columns"])
            allowed = round(self.config.target_link_max_delta + LINK_Z * noise[key], 4)
            row.update(holdout=holdout[key], noise_se=round(noise[key], 4),
                       rule=f"delta <= {self.config.target_link_max_delta:g} + {LINK_Z} x noise_se")
            checks.append(self.check(f"target_link:{key[0]}", row["delta"], allowed, "<=", row,
                                     policy=self.config.target_link_max_delta, bounds=(0, 1)))
        return checks

    def _link_noise(self, ctx: ValidationContext, associations: PairAssociations, real: pd.DataFrame,
                    pairs: list[tuple[str, str]], synthetic_rows: int) -> dict[tuple[str, str], float]:
        """Standard error of (real - synthetic) association for an honest generator, from the real rows split in
        two halves again and again: the spread of the halves' difference, scaled to both samples' sizes (variance
        as 1 / rows). Halves, not bootstrap resamples: a resample's repeated rows inflate a bias-corrected
        Cramér's V, and its floor at 0 hid how far two real samples of 120 rows differ (age: 0.40 and 0.0)."""
        if not pairs:
            return {}
        rng = np.random.default_rng(ctx.seed)
        half = len(real) // 2
        draws = {pair: [] for pair in pairs}
        for _ in range(self.config.target_link_bootstraps):
            order = rng.permutation(len(real))
            first = {tuple(r["columns"]): r["synthetic"] for r in associations.compare(
                real, real.iloc[order[:half]].reset_index(drop=True), pairs)}
            for row in associations.compare(real, real.iloc[order[half:]].reset_index(drop=True), pairs):
                draws[tuple(row["columns"])].append(first[tuple(row["columns"])] - row["synthetic"])
        # Var(half - half) = 4 Var(one sample of len(real)); the check compares len(real) with synthetic_rows.
        scale = 0.5 * np.sqrt(1 + len(real) / max(synthetic_rows, 1))
        return {pair: float(np.std(values) * scale) for pair, values in draws.items()}

    def _subgroups(self, ctx: ValidationContext, predictions, real: pd.DataFrame,
                   synthetic: pd.DataFrame) -> list[Check]:
        if not ctx.protected:
            return []
        rows = subgroup_scores(ctx, predictions, real, synthetic)
        scored = [r for r in rows if "column_shapes" in r]
        if not scored:
            return [self.not_checked("subgroup_column_shapes",
                                     f"no protected group has {MIN_GROUP_ROWS} real and synthetic rows",
                                     op=">=", groups=rows)]
        worst = min(scored, key=lambda r: r["column_shapes"])
        return [self.check("subgroup_column_shapes", worst["column_shapes"],
                           self.config.subgroup_column_shapes_min, ">=",
                           {"worst_group": {"column": worst["column"], "group": worst["group"]},
                            "groups": sorted(rows, key=lambda r: r.get("column_shapes", 2.0)),
                            "metric": "SDMetrics KSComplement / TVComplement within the group, mean over columns"},
                           bounds=(0, 1))]

    def _utility(self, ctx: ValidationContext) -> tuple[list[Check], dict | None]:
        """Train on synthetic, test on real holdout, against train on real: the ratio of their scores."""
        if ctx.target is None:
            return [], None
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.metrics import balanced_accuracy_score


        features = {c: t for c, t in ctx.sdtypes.items() if c != ctx.target}
        encoder = RecordEncoder().fit(ctx.train, features)
        x_test, y_test = encoder.transform(ctx.holdout), category_strings(ctx.holdout[ctx.target])

        def predict(frame: pd.DataFrame) -> np.ndarray:
            frame = self._sample(ctx, frame)
            y = category_strings(frame[ctx.target])
            if y.nunique() < 2:
                return np.full(len(x_test), y.iloc[0] if len(y) else "")
            model = HistGradientBoostingClassifier(random_state=ctx.seed, max_iter=100)
            model.fit(encoder.transform(frame), y)
            return model.predict(x_test)

        predictions = {"train_real_test_real": predict(ctx.train),
                       "train_synthetic_test_real": predict(ctx.synthetic)}
        real, synthetic = (float(balanced_accuracy_score(y_test, p)) for p in predictions.values())
        ratio = synthetic / real if real > 0 else 0.0
        return [self.check("utility_ratio", ratio, self.config.utility_ratio_min, ">=", {
            "train_real_test_real": round(real, 4), "train_synthetic_test_real": round(synthetic, 4),
            "metric": "balanced accuracy on the holdout", "target": ctx.target}, bounds=(0, float("inf")))], predictions
