"""Privacy: are synthetic rows copies of, or suspiciously close to, real records?

Copies, close records and the membership attack take every real record (training and holdout) as the
reference, record by record (``_membership.py``); real rows the generator never saw (the holdout split
off before fitting) are the baseline for what "close" means. The share checks (DCR, NNDR) read the same
distances as averages beside them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.measures.categories import category_strings
from synthguard.measures.distance import RecordEncoder, copies_of, nearest
from synthguard.validators import _membership, _reidentification, _residual, register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, wilson

NNDR_QUANTILE = 0.05
# Chance coincidences an honest release of this size is expected to hold (from the columns' coincidence rate)
# at which an exact match stops being evidence: below it, a copy names a real person. At 0.5 the 90-patient
# larynx table (0.2 expected) still fails one verbatim copy; the kidney-transplant table (0.7-0.9) allows them.
CHANCE_EXPECTED = 0.5


def coincidence(real: pd.DataFrame) -> float:
    """The chance that two real records agree on every column, were the columns independent: the product over
    columns of the chance that two rows agree on it, estimated without bias from pairs of rows (a column whose
    values are all distinct, a measurement, gives 0, not 1 / rows). About 1e-5 for a table of age, a day count
    and flags."""
    rows = len(real)
    if rows < 2:
        return 0.0
    chance = 1.0
    for column in real.columns:
        counts = category_strings(real[column]).value_counts().to_numpy(dtype=float)
        chance *= float(np.sum(counts * (counts - 1)) / (rows * (rows - 1)))
    return chance


class PrivacyConfig(SuiteConfig):
    exact_copy_rate_max: float = Field(
        0.01, ge=0, le=1,
        description="allowed share of synthetic rows equal to a real record that two or more real records "
                    "share, above the rate at which holdout rows equal a training row; a copy of a record "
                    "unique in the real data always fails (unique_record_copies)")
    close_record_quantile: float = Field(
        0.01, gt=0, lt=0.5,
        description="a synthetic record is close when its distance to its nearest real record, relative to "
                    "that record's own nearest real neighbour, is below this quantile of the same ratio for "
                    "holdout records; the gate fails when more are close than an honest generator would "
                    "make (binomial, 99%)")
    membership_auc_max: float = Field(
        0.6, ge=0.5, le=1,
        description="highest allowed AUC of the distance membership attack (training vs holdout records); "
                    "the gate fails when the AUC's 95% interval lies wholly above it")
    identified_margin: float = Field(
        0.1, gt=0, le=1,
        description="the attack names a training record when it lies closer to the release than this "
                    "share of the closest holdout record's distance; any named record fails the gate")
    dcr_share_margin: float = Field(
        0.05, ge=0, le=1,
        description="allowed excess of the share of synthetic rows closer to train than to "
                    "holdout, over the same share for holdout rows")
    nndr_margin: float = Field(
        0.05, ge=0, le=1,
        description="allowed excess over 5% of the share of synthetic rows whose nearest-neighbour "
                    "distance ratio is below the 5th percentile of the holdout's")
    dcr_max_rows: int = Field(
        5000, ge=100,
        description="synthetic and holdout rows drawn (seeded) for the distance checks; "
                    "exact copies are counted on every row")
    max_residual_pii: int = Field(
        0, ge=0,
        description="real identifier values allowed in the released identifier and text columns")
    pii_scan_max_rows: int = Field(5000, ge=100, description="released text rows scanned (seeded sample)")
    reidentification: Literal["auto", "required", "off"] = Field(
        "auto",
        description="anonymeter attacks on the quasi-identifiers and sensitive columns: auto runs them "
                    "when anonymeter is installed, required fails the gate when it is not")
    max_attack_risk: float = Field(
        0.10, ge=0, le=1,
        description="highest allowed singling-out, linkability and inference risk (anonymeter's "
                    "estimate: attack success on training rows beyond success on the holdout)")
    attacks: int = Field(200, ge=10, description="attacks per anonymeter evaluator (at most the holdout size)")
    attack_max_rows: int = Field(5000, ge=100, description="training and synthetic rows drawn for the attacks")
    confidence: float = Field(
        0.99, gt=0.5, lt=1,
        description="the share of honest releases (and of real rows the generator never saw) that the allowances "
                    "for sampling noise let pass: copies by chance, close records, the NNDR and DCR shares")


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
        if ctx.copies is None:
            copies, rows = int(copies_of(train, synthetic).sum()), len(synthetic)
        else:  # counted on every row of a table too large for this process (the ray engine)
            copies, rows = ctx.copies, ctx.population_rows
        copy_rate, baseline_copy = copies / max(rows, 1), float(copies_of(train, holdout).mean())
        real_copies = _membership.copies(train, holdout, synthetic)
        chance = coincidence(pd.concat([ctx.train, ctx.holdout], ignore_index=True))
        real_rows = len(train) + len(holdout)
        # Where a few discrete columns make whole records coincide by chance (a kidney-transplant table: age, a
        # day count and four flags), real people share records though none may in this sample: the rate at
        # which an unseen person equals one of the real records is the larger of what the records seen twice
        # say and what the columns' value shares say (independence; 0 for any table with a measurement).
        chance_rate = min(1.0, real_rows * chance)
        if len(synthetic) * chance_rate < CHANCE_EXPECTED:
            chance_rate = 0.0
        unseen_rate = max(real_copies.unseen_unique_rate, chance_rate)
        twins = real_copies.real_twins or len(train) * len(synthetic) * chance >= CHANCE_EXPECTED

        # Nearest-neighbour search costs rows x rows: the distance checks read a seeded
        # sample of the queries, always against the whole training set and holdout.
        rng = np.random.default_rng(ctx.seed)
        syn_q = _sample_rows(synthetic, self.config.dcr_max_rows, rng)
        hold_at = _sample_at(len(holdout), self.config.dcr_max_rows, rng)
        hold_q = holdout[hold_at]
        syn_two = nearest(train, syn_q, k=2)
        hold_two = nearest(train, hold_q, k=2)
        syn_to_train, hold_to_train = syn_two[:, 0], hold_two[:, 0]
        syn_to_holdout = nearest(holdout, syn_q)[:, 0]
        # Leave-one-out: each holdout row against the rest of the holdout, a set of
        # (almost) the same size, gives the share expected of rows the model never saw.
        hold_to_rest = nearest(holdout, hold_q, k=2)[:, 1] if ctx.holdout_groups is None else \
            _other_groups(holdout, hold_at, np.asarray(ctx.holdout_groups))
        share = _closer_share(syn_to_train, syn_to_holdout)
        baseline_share = _closer_share(hold_to_train, hold_to_rest)
        # Nearest-neighbour distance ratio: a row much closer to one training record than to
        # the next is a near copy of that patient even when its absolute distance looks normal.
        cutoff = float(np.quantile(_ratio(hold_two), NNDR_QUANTILE))
        nndr_share = float(np.mean(_ratio(syn_two) < cutoff))
        nndr_allowed = _nndr_allowed(len(hold_q), len(syn_q), self.config.confidence)
        close = _membership.closeness(train, holdout, syn_q, self.config.close_record_quantile, self.config.confidence)
        attack = _membership.distance_attack(_sample_rows(train, self.config.dcr_max_rows, rng), hold_q, syn_q,
                                             self.config.identified_margin, twins,
                                             _smallest_positive(hold_to_train))
        dcr_noise = _share_noise(len(syn_q), len(hold_q), self.config.confidence)
        if ctx.copies is not None:  # counted on every row by the engine (ray), not on the sample read here
            unique_copies = self.check("unique_record_copies", ctx.unique_copies, 0, "<=",
                                       {"reference": "training and holdout records", "counted": "on every row"},
                                       bounds=(0, rows)) \
                if ctx.unique_copies is not None else self.not_checked(
                    "unique_record_copies", "not counted by this engine", op="<=", threshold=0, required=True)
        else:
            allowed = _membership.allowed_unique_copies(len(synthetic), unseen_rate, self.config.confidence)
            unique_copies = self.check("unique_record_copies", real_copies.unique, allowed, "<=",
                                       {"reference": "training and holdout records",
                                        "copies_of_common_records": real_copies.common,
                                        "unseen_unique_rate": round(unseen_rate, 6),
                                        "allowance_meaning": "copies an honest release holds by chance where real "
                                                             "people share whole records (Good-Turing rate of "
                                                             "records seen once, or the columns' coincidence "
                                                             "rate)"},
                                       policy=0, bounds=(0, len(synthetic)))
        copy_noise = _rate_noise(baseline_copy, rows, len(holdout), self.config.confidence)
        return [
            unique_copies,
            self.check("exact_copy_rate", copy_rate if ctx.copies is not None else real_copies.common / max(rows, 1),
                       round(baseline_copy + self.config.exact_copy_rate_max + copy_noise, 6),
                       "<=", {"copies": copies if ctx.copies is not None else real_copies.common,
                              "synthetic_rows": rows,
                              "counted": "copies of training rows, on every row (engine ray)" if ctx.copies is not None
                              else "copies of records two or more real records share",
                              "holdout_copy_rate": round(baseline_copy, 6), "sampling_error": round(copy_noise, 6)},
                       policy=self.config.exact_copy_rate_max, bounds=(0, 1)),
            self.check("close_records", close.close, close.allowed, "<=",
                       {"ratio_cutoff": round(close.ratio_cutoff, 6), "expected_honest": round(close.expected, 2),
                        "quantile": self.config.close_record_quantile, "rows_measured": len(syn_q),
                        "reference": "training and holdout records"},
                       policy=round(close.expected, 2), bounds=(0, len(syn_q))),
            # Fails when the AUC's 95% interval lies wholly above the maximum: on 150 rows an honest sample's
            # AUC moves by about 0.06 from one seed to the next.
            self.check("membership_attack_auc", round(attack.auc, 6),
                       round(self.config.membership_auc_max + attack.auc - attack.ci95[0], 6), "<=",
                       {"ci95": attack.ci95, "attack": "distance to the nearest synthetic record",
                        "allowance_meaning": "the AUC minus the low end of its 95% interval: the check fails when "
                                             "the whole interval lies above the policy's maximum",
                        "members": attack.members, "non_members": attack.non_members},
                       policy=self.config.membership_auc_max, bounds=(0, 1)),
            self.check("membership_identified", attack.identified, 0, "<=",
                       {"margin": self.config.identified_margin,
                        "closest_member_over_closest_non_member": round(attack.closest_ratio, 6),
                        "meaning": "training records named as members with no false positive" +
                        ("; real people share whole records in this table, so exact twins name no one and only "
                         "near misses count" if twins else "")},
                       bounds=(0, attack.members)),
            self.check("dcr_closer_to_train_share", share,
                       round(baseline_share + self.config.dcr_share_margin + dcr_noise, 6),
                       "<=", {"holdout_share": round(baseline_share, 6), "ci95": wilson(share, len(syn_q)),
                              "margin": self.config.dcr_share_margin,
                              "sampling_error": round(dcr_noise, 6),
                              "rows_measured": {"synthetic": len(syn_q), "holdout": len(hold_q)},
                              "median_dcr_synthetic": round(float(np.median(syn_to_train)), 6),
                              "median_dcr_holdout": round(float(np.median(hold_to_train)), 6),
                              "histogram": _histograms(syn_to_train, hold_to_train)},
                       policy=self.config.dcr_share_margin, bounds=(0, 1)),
            self.check("nndr_low_share", nndr_share, round(nndr_allowed + self.config.nndr_margin, 6), "<=",
                       {"holdout_nndr_p5": round(cutoff, 6), "expected_share": NNDR_QUANTILE,
                        "ci95": wilson(nndr_share, len(syn_q)), "honest_share_bound": round(nndr_allowed, 6),
                        "allowance_meaning": "the cut-off is the holdout's 5th percentile: the share of unseen "
                                             "real rows below it, and of an honest sample's, at the confidence",
                        "rows_measured": len(syn_q)},
                       policy=NNDR_QUANTILE + self.config.nndr_margin, bounds=(0, 1)),
            *self._residual(ctx),
            *self._attacks(ctx),
        ]

    def _residual(self, ctx: ValidationContext) -> list[Check]:
        if ctx.released is None or ctx.real is None:
            return []
        found = _residual.residual_pii(ctx.real, ctx.released, ctx.identifier_columns, ctx.text_columns,
                                       ctx.scrub_settings, self.config.pii_scan_max_rows, ctx.seed,
                                       {c: r.texts for c, r in ctx.generated_text.items()})
        return [self.check("residual_pii", found.pop("leaks"), self.config.max_residual_pii, "<=", found,
                           bounds=(0, float("inf")))]

    def _attacks(self, ctx: ValidationContext) -> list[Check]:
        mode = self.config.reidentification
        if mode == "off":
            return []
        reason = ("no column has role 'quasi_identifier'; no attack to run" if not ctx.quasi_identifiers
                  else None if _reidentification.available()
                  else f"anonymeter is not installed ({_reidentification.INSTALL_HINT})")
        if reason:
            return [self.not_checked("reidentification_risk", reason, op="<=", required=mode == "required")]
        risks = _reidentification.attack_risks(
            ctx.train, ctx.holdout, ctx.synthetic, ctx.sdtypes, ctx.quasi_identifiers, ctx.sensitive,
            self.config.attacks, self.config.attack_max_rows, ctx.seed)
        return [self.check(f"{attack}_risk", risk.pop("risk"), self.config.max_attack_risk, "<=",
                           {**risk, "method": "anonymeter 1.1, control: holdout"}, bounds=(0, 1))
                for attack, risk in risks.items()]

    def reject(self, ctx: ValidationContext) -> np.ndarray:
        """Copies of any real record, and close records: what ``action: filter`` drops and samples again."""
        train, holdout, synthetic = self._encode(ctx)
        close, _ = _membership.close_mask(train, holdout, synthetic, self.config.close_record_quantile)
        return copies_of(np.vstack([train, holdout]), synthetic) | close


def _sample_at(rows: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(rows) if rows <= limit else np.sort(rng.choice(rows, size=limit, replace=False))


def _other_groups(holdout: np.ndarray, at: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each sampled holdout row's distance to its nearest holdout row of another patient. Its own patient's
    rows (the same drug on the next day) are nearer than any synthetic row can be to the holdout, which
    made the baseline share of a prescriptions table read low and honest synthetic rows look memorised."""
    out = np.full(len(at), np.inf)
    for group in np.unique(groups[at]):
        queries, others = at[groups[at] == group], groups != group
        if others.any():
            out[groups[at] == group] = nearest(holdout[others], holdout[queries])[:, 0]
    return out


def _sample_rows(matrix: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    if len(matrix) <= limit:
        return matrix
    return matrix[np.sort(rng.choice(len(matrix), size=limit, replace=False))]


def _smallest_positive(distances: np.ndarray) -> float | None:
    positive = distances[distances > 1e-12]
    return float(positive.min()) if len(positive) else None


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - (1 - confidence) / 2))


def _share_noise(synthetic_rows: int, holdout_rows: int, confidence: float = 0.95) -> float:
    """Standard errors (two-sided, at ``confidence``) of the difference of two shares near one half: on 83
    rows a share of 0.59 is noise (measured on an honest copula sample of a real lung-cancer table), on 5,000
    it is not."""
    return _z(confidence) * float(np.sqrt(0.25 * (1 / max(synthetic_rows, 1) + 1 / max(holdout_rows, 1))))


def _rate_noise(rate: float, rows: int, baseline_rows: int, confidence: float) -> float:
    """Standard errors of a rate measured on ``rows`` against the same rate measured on ``baseline_rows``."""
    return _z(confidence) * float(np.sqrt(rate * (1 - rate) * (1 / max(rows, 1) + 1 / max(baseline_rows, 1))))


def _nndr_allowed(holdout_rows: int, synthetic_rows: int, confidence: float) -> float:
    """The share of an honest sample below the holdout's 5th-percentile ratio, at ``confidence``: the cut-off is
    an order statistic of few holdout rows (Beta-distributed share), and the sample's share is binomial on it.
    Real rows the generator never saw failed a fixed 10% at a 69-row holdout (0.152)."""
    from scipy.stats import beta, binom

    k = max(1, int(np.ceil(NNDR_QUANTILE * holdout_rows)))
    share = float(beta.ppf(confidence, k, max(holdout_rows + 1 - k, 1))) if holdout_rows else NNDR_QUANTILE
    return float(binom.ppf(confidence, max(synthetic_rows, 1), share)) / max(synthetic_rows, 1)


def _ratio(two: np.ndarray) -> np.ndarray:
    return two[:, 0] / np.maximum(two[:, 1], 1e-12)


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
