"""Class balance: does the synthetic target keep the real class shares?"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from synthguard.measures.categories import category_strings
from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, sampled


class BalanceConfig(SuiteConfig):
    max_share_delta: float = Field(0.10, ge=0, le=1)
    # Unset, not 0: a share of at least 0 is a check that cannot fail.
    min_class_share: float | None = Field(None, gt=0, le=1, description="smallest synthetic share of any class")
    max_imbalance_ratio: float | None = Field(None, ge=1, description="largest / smallest synthetic class share")


# A release is judged on a dozen or more share checks; 0.997 each keeps the chance that real rows the generator
# never saw fail one of them by chance near 3%.
SHARE_CONFIDENCE = 0.997


def share_noise(share: float, rows: int, other_rows: int, confidence: float = SHARE_CONFIDENCE) -> float:
    """Two-sided standard errors, at ``confidence``, of the difference between a share measured on ``rows``
    rows (0: a share the policy asked for, exact) and on ``other_rows``. A share check allows the larger of
    the policy's delta and this: the policy's tolerance, widened where the rows are too few for it."""
    from scipy.stats import norm

    inverse = (1 / rows if rows else 0.0) + (1 / other_rows if other_rows else 0.0)
    return float(norm.ppf(1 - (1 - confidence) / 2) * np.sqrt(share * (1 - share) * inverse))


def class_shares(values) -> dict[str, float]:
    shares = category_strings(values).value_counts(normalize=True, dropna=False)
    return {str(k): float(v) for k, v in shares.items()}


@register
class Balance(Suite):
    name = "balance"
    Config = BalanceConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        if ctx.target is None:
            return [self.not_checked("target_declared", "no column has role 'target'; class balance not checked")]
        real, synthetic = class_shares(ctx.train[ctx.target]), class_shares(ctx.synthetic[ctx.target])
        # Asked-for shares replace the real ones as the reference: they are what was sampled for.
        expected = ctx.target_shares or real
        classes = sorted(set(real) | set(synthetic) | set(expected))
        # Judged class by class against the policy's delta, widened to the sampling noise of the two shares where
        # the rows are few: real rows the generator never saw moved a class share by 0.11 on a 228-row table.
        n_real, n_synthetic = (0 if ctx.target_shares else len(ctx.train)), len(ctx.synthetic)
        noise = {c: share_noise(expected.get(c, 0.0), n_real, n_synthetic) for c in classes}
        allowed = {c: max(self.config.max_share_delta, noise[c]) for c in classes}
        worst = max(classes, key=lambda c: abs(expected.get(c, 0.0) - synthetic.get(c, 0.0)) - allowed[c])
        delta = abs(expected.get(worst, 0.0) - synthetic.get(worst, 0.0))
        table = {c: {"real": round(real.get(c, 0.0), 4), "synthetic": round(synthetic.get(c, 0.0), 4),
                     **({"requested": round(expected.get(c, 0.0), 4)} if ctx.target_shares else {})}
                 for c in classes}
        smallest = min(synthetic.get(c, 0.0) for c in real)
        checks = []
        if self.config.max_imbalance_ratio is not None:
            ratio = max(synthetic.values()) / smallest if smallest > 0 else float("inf")
            checks.append(self.check("imbalance_ratio", ratio, self.config.max_imbalance_ratio, "<=",
                                     {"target": ctx.target}))
        checks.append(self.check("class_share_delta", round(delta, 6), round(allowed[worst], 6), "<=",
                                 {"target": ctx.target, "shares": table, "class": worst,
                                  "sampling_error": round(noise[worst], 6), "reference": "policy target_distribution"
                                  if ctx.target_shares else "real training rows"},
                                 policy=self.config.max_share_delta, bounds=(0, 1)))
        if self.config.min_class_share is not None:
            checks.append(self.check("min_class_share", smallest, self.config.min_class_share, ">=",
                                     {"target": ctx.target, **sampled(ctx, smallest)}))
        return checks
