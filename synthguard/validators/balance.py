"""Class balance: does the synthetic target keep the real class shares?"""

from __future__ import annotations

from pydantic import Field

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, category_strings, sampled


class BalanceConfig(SuiteConfig):
    max_share_delta: float = Field(0.10, ge=0, le=1)
    # Unset, not 0: a share of at least 0 is a check that cannot fail.
    min_class_share: float | None = Field(None, gt=0, le=1, description="smallest synthetic share of any class")
    max_imbalance_ratio: float | None = Field(None, ge=1, description="largest / smallest synthetic class share")


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
        delta = max(abs(expected.get(c, 0.0) - synthetic.get(c, 0.0)) for c in classes)
        table = {c: {"real": round(real.get(c, 0.0), 4), "synthetic": round(synthetic.get(c, 0.0), 4),
                     **({"requested": round(expected.get(c, 0.0), 4)} if ctx.target_shares else {})}
                 for c in classes}
        smallest = min(synthetic.get(c, 0.0) for c in real)
        checks = []
        if self.config.max_imbalance_ratio is not None:
            ratio = max(synthetic.values()) / smallest if smallest > 0 else float("inf")
            checks.append(self.check("imbalance_ratio", ratio, self.config.max_imbalance_ratio, "<=",
                                     {"target": ctx.target}))
        checks.append(self.check("class_share_delta", delta, self.config.max_share_delta, "<=",
                                 {"target": ctx.target, "shares": table, "reference": "policy target_distribution"
                                  if ctx.target_shares else "real training rows"}))
        if self.config.min_class_share is not None:
            checks.append(self.check("min_class_share", smallest, self.config.min_class_share, ">=",
                                     {"target": ctx.target, **sampled(ctx, smallest)}))
        return checks
