"""Privacy: are synthetic rows copies of, or suspiciously close to, the training rows?

Both checks are measured against real rows the generator never saw (the holdout split
off before fitting): a generator that learned the population, not the patients, puts
its rows no closer to the training set than new real patients are.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from synthguard.validators import register
from synthguard.validators._distance import RecordEncoder, nearest
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

COPY_EPSILON = 1e-9


class PrivacyConfig(SuiteConfig):
    exact_copy_rate_max: float = Field(
        0.01, ge=0, le=1,
        description="allowed share of synthetic rows equal to a training row, above the "
                    "rate at which holdout rows equal one")
    dcr_share_margin: float = Field(
        0.05, ge=0, le=1,
        description="allowed excess of the share of synthetic rows closer to train than to "
                    "holdout, over the same share for holdout rows")


@register
class Privacy(Suite):
    name = "privacy"
    Config = PrivacyConfig

    def _encode(self, ctx: ValidationContext):
        encoder = RecordEncoder().fit(ctx.train, ctx.sdtypes)
        return (encoder.transform(ctx.train), encoder.transform(ctx.holdout),
                encoder.transform(ctx.synthetic))

    def run(self, ctx: ValidationContext) -> list[Check]:
        train, holdout, synthetic = self._encode(ctx)
        syn_to_train = nearest(train, synthetic)[:, 0]
        syn_to_holdout = nearest(holdout, synthetic)[:, 0]
        hold_to_train = nearest(train, holdout)[:, 0]
        # Leave-one-out: each holdout row against the rest of the holdout, a set of
        # (almost) the same size, gives the share expected of rows the model never saw.
        hold_to_rest = nearest(holdout, holdout, k=2)[:, 1]

        copy_rate = float(np.mean(syn_to_train <= COPY_EPSILON))
        baseline_copy = float(np.mean(hold_to_train <= COPY_EPSILON))
        share = _closer_share(syn_to_train, syn_to_holdout)
        baseline_share = _closer_share(hold_to_train, hold_to_rest)
        return [
            self.check("exact_copy_rate", copy_rate, baseline_copy + self.config.exact_copy_rate_max,
                       "<=", {"copies": int(np.sum(syn_to_train <= COPY_EPSILON)),
                              "synthetic_rows": len(synthetic),
                              "holdout_copy_rate": round(baseline_copy, 6)}),
            self.check("dcr_closer_to_train_share", share, baseline_share + self.config.dcr_share_margin,
                       "<=", {"holdout_share": round(baseline_share, 6),
                              "median_dcr_synthetic": round(float(np.median(syn_to_train)), 6),
                              "median_dcr_holdout": round(float(np.median(hold_to_train)), 6),
                              "histogram": _histograms(syn_to_train, hold_to_train)}),
        ]

    def reject(self, ctx: ValidationContext) -> np.ndarray:
        train, _, synthetic = self._encode(ctx)
        return nearest(train, synthetic)[:, 0] <= COPY_EPSILON


def _closer_share(to_train: np.ndarray, to_holdout: np.ndarray) -> float:
    closer = np.mean(to_train < to_holdout)
    ties = np.mean(to_train == to_holdout)
    return float(closer + ties / 2)


def _histograms(synthetic: np.ndarray, holdout: np.ndarray, bins: int = 20) -> dict:
    edges = np.histogram_bin_edges(np.concatenate([synthetic, holdout]), bins=bins)
    return {
        "edges": [round(float(e), 6) for e in edges],
        "synthetic": np.histogram(synthetic, edges)[0].tolist(),
        "holdout": np.histogram(holdout, edges)[0].tolist(),
    }
