"""Bias: are protected groups represented as in the real data, and does a model trained on the
synthetic data treat them as one trained on the real data does? (fairlearn)

Fairness is compared, not judged absolutely: the real data may itself be unfair; what a
release must not do is change it. Numeric attributes with many values (age) are cut into
quartiles of the training data.

The holdout is often small (61 rows in the example), so a fairness difference is noisy:
the check fails only when the lower end of a bootstrap confidence interval of the
difference is above the threshold, and the report carries the point estimate and the
interval.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.measures.categories import category_strings
from synthguard.measures.distance import RecordEncoder
from synthguard.validators import register
from synthguard.validators.balance import share_noise
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

MAX_GROUPS = 10
QUANTILES = 4
BOOTSTRAP = 400
LOWER = 0.05  # one-sided 95%: fail only when the difference is above the threshold with confidence


class BiasConfig(SuiteConfig):
    max_representation_delta: float = Field(0.10, ge=0, le=1)
    max_parity_delta: float = Field(0.20, ge=0, le=1)
    max_odds_delta: float = Field(0.25, ge=0, le=1)
    model_rows_max: int = Field(
        20000, ge=100, description="rows drawn (seeded) to train each model and, from the holdout, to judge it")


def group_labels(train: pd.Series, other: pd.Series) -> pd.Series:
    """Groups of ``other`` by ``train``'s categories, or by its quartiles when numeric and many."""
    if pd.api.types.is_numeric_dtype(train) and train.nunique() > MAX_GROUPS:
        edges = np.unique(np.nanquantile(train.astype(float), np.linspace(0, 1, QUANTILES + 1)))
        edges[0], edges[-1] = -np.inf, np.inf
        return pd.cut(other.astype(float), edges).astype(str)
    return category_strings(other)


def _model_predictions(ctx: ValidationContext, train: pd.DataFrame, positive: str,
                       holdout: pd.DataFrame) -> np.ndarray:
    from sklearn.ensemble import HistGradientBoostingClassifier

    features = {c: t for c, t in ctx.sdtypes.items() if c != ctx.target}
    encoder = RecordEncoder().fit(ctx.train, features)
    y = (category_strings(train[ctx.target]) == positive).to_numpy()
    if y.all() or not y.any():
        return np.full(len(holdout), y.any())
    model = HistGradientBoostingClassifier(random_state=ctx.seed, max_iter=100)
    model.fit(encoder.transform(train), y)
    return model.predict(encoder.transform(holdout))


@register
class Bias(Suite):
    name = "bias"
    Config = BiasConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        if not ctx.protected:
            return [self.not_checked("protected_declared", "no column has role 'protected'; bias not checked")]
        checks = [self._representation(ctx, column) for column in ctx.protected]
        if ctx.target is None or ctx.target in ctx.protected:
            return checks
        from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

        counts = category_strings(ctx.train[ctx.target]).value_counts()
        positive = str(counts.index[-1])  # the minority class: the decision that matters
        # The bootstrap holds one weight per holdout row and resample: bounded rows, bounded memory.
        limit = self.config.model_rows_max
        holdout, train_rows, synthetic_rows = (f if len(f) <= limit else f.sample(limit, random_state=ctx.seed)
                                               for f in (ctx.holdout, ctx.train, ctx.synthetic))
        y_true = (category_strings(holdout[ctx.target]) == positive).to_numpy()
        predicted = {"real": _model_predictions(ctx, train_rows, positive, holdout),
                     "synthetic": _model_predictions(ctx, synthetic_rows, positive, holdout)}
        for column in ctx.protected:
            groups = group_labels(ctx.train[column], holdout[column])
            resampled = bootstrap_deltas(y_true, predicted["real"], predicted["synthetic"], groups.to_numpy(),
                                         BOOTSTRAP, ctx.seed)
            for name, metric, threshold in (
                    ("parity_delta", demographic_parity_difference, self.config.max_parity_delta),
                    ("odds_delta", equalized_odds_difference, self.config.max_odds_delta)):
                real, synthetic = (float(metric(y_true, predicted[k], sensitive_features=groups))
                                   for k in ("real", "synthetic"))
                low, high = np.nanquantile(resampled[name], [LOWER, 1 - LOWER])
                checks.append(self.check(f"{name}:{column}", float(low), threshold, "<=", bounds=(0, 1), details={
                    "value_is": f"lower {LOWER:.0%} bound of a {BOOTSTRAP}-resample bootstrap of the difference",
                    "difference": round(abs(synthetic - real), 4),
                    "interval_90": [round(float(low), 4), round(float(high), 4)],
                    "trained_on_real": round(real, 4), "trained_on_synthetic": round(synthetic, 4),
                    "positive_class": positive, "holdout_rows": len(holdout),
                    "model_rows": {"real": len(train_rows), "synthetic": len(synthetic_rows)},
                    "metric": f"fairlearn {metric.__name__}"}))
        return checks

    def _representation(self, ctx: ValidationContext, column: str) -> Check:
        real = group_labels(ctx.train[column], ctx.train[column]).value_counts(normalize=True)
        synthetic = group_labels(ctx.train[column], ctx.synthetic[column]).value_counts(normalize=True)
        groups = sorted(set(real.index) | set(synthetic.index))
        shares = {g: {"real": round(float(real.get(g, 0.0)), 4), "synthetic": round(float(synthetic.get(g, 0.0)), 4)}
                  for g in groups}
        # Each group against the policy's delta, widened to the two shares' sampling noise where the rows are few
        # (real rows the generator never saw moved a sex share by 0.18 on a 228-row lung-cancer table).
        noise = {g: share_noise(float(real.get(g, 0.0)), len(ctx.train), len(ctx.synthetic)) for g in groups}
        allowed = {g: max(self.config.max_representation_delta, noise[g]) for g in groups}
        worst = max(groups, key=lambda g: abs(shares[g]["real"] - shares[g]["synthetic"]) - allowed[g])
        delta = abs(shares[worst]["real"] - shares[worst]["synthetic"])
        return self.check(f"representation:{column}", round(delta, 6), round(allowed[worst], 6), "<=",
                          {"groups": shares, "group": worst, "sampling_error": round(noise[worst], 6)},
                          policy=self.config.max_representation_delta, bounds=(0, 1))


def group_spreads(y_true, pred, groups, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Demographic-parity and equalized-odds differences for each row of ``weights`` (row counts).

    Written here, vectorised over bootstrap resamples, because fairlearn takes 63 ms per
    metric call: 400 resamples would cost minutes. The definitions are fairlearn's (a test
    pins them to it): parity is the spread of selection rates across groups; equalized
    odds the larger of the spreads of true- and false-positive rates.
    """
    codes, _ = pd.factorize(pd.Series(groups))
    onehot = np.eye(codes.max() + 1)[codes]  # rows x groups
    y, pred = np.asarray(y_true, dtype=float), np.asarray(pred, dtype=float)

    def rates(hit: np.ndarray, base: np.ndarray) -> np.ndarray:
        return (weights @ (onehot * hit[:, None])) / (weights @ (onehot * base[:, None]))

    def spread(values: np.ndarray) -> np.ndarray:
        return np.nanmax(values, axis=1) - np.nanmin(values, axis=1)

    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample may lack a group: NaN rates
        selection = rates(pred, np.ones_like(pred))
        tpr, fpr = rates(pred * y, y), rates(pred * (1 - y), 1 - y)
        return spread(selection), np.fmax(spread(tpr), spread(fpr))


def bootstrap_deltas(y_true, pred_real, pred_synthetic, groups, resamples: int, seed: int) -> dict:
    """|metric(synthetic model) - metric(real model)| on paired bootstrap resamples of the holdout."""
    n = len(y_true)
    weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=resamples).astype(float)
    parity_r, odds_r = group_spreads(y_true, pred_real, groups, weights)
    parity_s, odds_s = group_spreads(y_true, pred_synthetic, groups, weights)
    return {"parity_delta": np.abs(parity_s - parity_r), "odds_delta": np.abs(odds_s - odds_r)}
