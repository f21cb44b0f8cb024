"""Types: every released column holds what the real column holds.

A generator that writes ``_RARE_`` into a date column, a category no real row has, or blanks where the real
column is full has broken the release however well the rest scores: column shapes read an unparsed date as
missing and pass. Each problem fails on its own row of the report, naming the column, with counts only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field
from scipy.stats import norm

from synthguard.measures.categories import category_strings
from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

STORAGE_WORDS = {"number": "numbers", "date": "dates", "text": "text", "bool": "true/false values"}


class TypesConfig(SuiteConfig):
    missing_share_margin: float = Field(
        0.02, ge=0, le=1, description="allowed difference between a column's share of missing values in the "
                                      "release and in the real rows, beyond sampling noise")
    confidence: float = Field(0.99, gt=0.5, lt=1, description="the share of honest samples whose missing "
                                                             "share the allowance for sampling noise covers")


def _missing_allowance(real_share: float, real_rows: int, synthetic_share: float, synthetic_rows: int,
                       margin: float, confidence: float) -> float:
    """The margin plus a two-proportion test's noise at ``confidence``: pooled share, both sample sizes."""
    rows = real_rows + synthetic_rows
    pooled = (real_share * real_rows + synthetic_share * synthetic_rows) / max(rows, 1)
    pooled = min(max(pooled, 1 / max(rows, 1)), 1 - 1 / max(rows, 1))
    noise = norm.ppf(1 - (1 - confidence) / 2) * np.sqrt(pooled * (1 - pooled) * (1 / max(real_rows, 1) +
                                                                                   1 / max(synthetic_rows, 1)))
    return float(margin + noise)


@register
class Types(Suite):
    name = "types"
    Config = TypesConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        rows = len(ctx.synthetic)
        return [*self._unreadable(ctx, rows), *self._foreign(ctx, rows), *self._missing(ctx)]

    def _unreadable(self, ctx: ValidationContext, rows: int) -> list[Check]:
        failing = [self.check(f"unreadable_values:{column}", int(mask.sum()), 0, "<=",
                              {"expected": STORAGE_WORDS[ctx.types[column].storage], "cells": int(mask.sum()),
                               "rows": rows, "meaning": "synthetic cells that do not read as the real column's "
                                                        "type (counted as missing elsewhere)"},
                              bounds=(0, rows))
                   for column, mask in ctx.unreadable.items() if mask.any()]
        if failing or not ctx.types:
            return failing if ctx.types else [self.not_checked("unreadable_values", "no column types were settled")]
        return [self.check("unreadable_values", 0, 0, "<=", {"columns": len(ctx.types), "rows": rows,
                                                             "meaning": "synthetic cells that do not read as their "
                                                                        "column's type"}, bounds=(0, rows))]

    def _foreign(self, ctx: ValidationContext, rows: int) -> list[Check]:
        from scipy.stats import binom

        real = pd.concat([ctx.train, ctx.holdout], ignore_index=True)
        known = real if ctx.known_values is None else pd.concat([real, ctx.known_values], ignore_index=True)
        checks = []
        for column, sdtype in ctx.sdtypes.items():
            if sdtype not in ("categorical", "boolean"):
                continue
            seen = category_strings(real[column].dropna()).value_counts()
            allowed = set(seen.index) | set(category_strings(known[column].dropna()) if column in known else []) | (
                {ctx.rare_label} if ctx.rare_label is not None else set())
            cells = int((~category_strings(ctx.synthetic[column].dropna()).isin(allowed)).sum())
            # Real rows the generator never saw hold categories the real rows lack about as often as the real rows
            # hold categories seen once (Good-Turing, add-one: a category held by one patient of 228 may be in
            # neither half): a tolerance of chance, not of a generator's own tokens in every row.
            unseen_rate = float(((seen == 1).sum() + 1) / (len(real) + 1))
            tolerated = int(binom.ppf(self.config.confidence, rows, unseen_rate))
            checks.append(self.check(f"foreign_values:{column}", cells, tolerated, "<=",
                                     {"cells": cells, "rows": rows, "unseen_category_rate": round(unseen_rate, 6),
                                      "meaning": "synthetic values of a category column that no real row holds "
                                                 "(the merged rare label excepted)"},
                                     policy=0, bounds=(0, rows)))
        failing = [c for c in checks if not c.passed]
        if failing or not checks:
            return failing
        worst = max(checks, key=lambda c: c.value - c.threshold)
        return [Check(worst.suite, "foreign_values", worst.value, worst.threshold, worst.op, True, worst.severity,
                      {**worst.details, "closest_column": worst.name.split(":", 1)[1], "columns": len(checks)},
                      worst.state, worst.policy_value, worst.allowance, worst.bounds)]

    def _missing(self, ctx: ValidationContext) -> list[Check]:
        pairs = [(c, pd.concat([ctx.train[c], ctx.holdout[c]], ignore_index=True), ctx.synthetic[c])
                 for c in ctx.sdtypes]
        if ctx.released is not None and ctx.real is not None:
            pairs += [(c, ctx.real[c], ctx.released[c]) for c in ctx.surrogate_columns
                      if c in ctx.real.columns and c in ctx.released.columns]
        checks, worst = [], None
        for column, real, synthetic in pairs:
            if not len(real) or not len(synthetic):
                continue
            real_share, synthetic_share = float(real.isna().mean()), float(synthetic.isna().mean())
            allowance = _missing_allowance(real_share, len(real), synthetic_share, len(synthetic),
                                           self.config.missing_share_margin, self.config.confidence)
            gap = abs(synthetic_share - real_share)
            details = {"real_share": round(real_share, 6), "synthetic_share": round(synthetic_share, 6),
                       "rows": {"real": len(real), "synthetic": len(synthetic)},
                       "meaning": "difference of the share of missing values, synthetic vs real"}
            check = self.check(f"missing_share:{column}", round(gap, 6), round(allowance, 6), "<=", details,
                               policy=self.config.missing_share_margin, bounds=(0, 1))
            if not check.passed:
                checks.append(check)
            elif worst is None or allowance - gap < worst[0]:
                worst = (allowance - gap, check)
        if checks or worst is None:
            return checks
        best = worst[1]
        return [Check(best.suite, "missing_share", best.value, best.threshold, best.op, best.passed, best.severity,
                      {**best.details, "closest_column": best.name.split(":", 1)[1], "columns": len(pairs)},
                      best.state, best.policy_value, best.allowance, best.bounds)]

    def reject(self, ctx: ValidationContext) -> np.ndarray | None:
        """Rows holding a value that does not read as its column's type: what ``action: filter`` draws again."""
        if not ctx.unreadable:
            return None
        return np.logical_or.reduce(list(ctx.unreadable.values()))
