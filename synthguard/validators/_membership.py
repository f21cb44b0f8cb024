"""Every real record is the reference: copies, close records and a membership attack, judged record by record.

The holdout (real people the generator never saw) is the baseline for what "close" means, never the only
thing a synthetic record is compared with: a copy of a holdout patient is as much a real person as a copy
of a training patient. The checks count records, not means: a release with ten near copies among ten
thousand honest rows has ten exposed patients, whatever the average distance says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthguard.measures.distance import nearest, row_keys

TINY = 1e-12


@dataclass(frozen=True)
class Copies:
    unique: int  # synthetic rows equal to a real record no other real record equals
    common: int  # synthetic rows equal to a real record that two or more real records share
    holdout_common_rate: float  # holdout rows equal to a training record (the baseline for common records)
    # How often a real person the generator never saw equals a record unique in the real data, by chance: where
    # real people share whole records (a few discrete columns), an unseen one matches a unique record too.
    # Good-Turing: the mass of records seen once is twice the records seen twice over the rows (0 when no two
    # real records are equal, as on any table with a measurement in it).
    unseen_unique_rate: float = 0.0
    real_twins: bool = False  # some real records equal another real record


def copies(train: np.ndarray, holdout: np.ndarray, synthetic: np.ndarray) -> Copies:
    real_keys = row_keys(np.vstack([train, holdout]))
    keys, counts = np.unique(real_keys, return_counts=True)
    unique_keys, common_keys = keys[counts == 1], keys[counts > 1]
    synthetic_keys = row_keys(synthetic)
    return Copies(int(np.isin(synthetic_keys, unique_keys).sum()), int(np.isin(synthetic_keys, common_keys).sum()),
                  float(np.isin(row_keys(holdout), row_keys(train)).mean()) if len(holdout) else 0.0,
                  float(2 * np.sum(counts == 2) / max(len(real_keys), 1)), bool(len(common_keys)))


def allowed_unique_copies(rows: int, rate: float, confidence: float) -> int:
    """Copies of unique real records an honest release of ``rows`` rows holds by chance, at ``confidence``."""
    from scipy.stats import binom

    return int(binom.ppf(confidence, rows, rate)) if rate > 0 else 0


@dataclass(frozen=True)
class Closeness:
    close: int  # synthetic records closer to a real record than the policy's quantile of new real people came
    ratio_cutoff: float
    expected: float  # how many an honest generator would produce: the quantile times the rows measured
    allowed: int


def closeness(train: np.ndarray, holdout: np.ndarray, synthetic: np.ndarray, quantile: float,
              confidence: float = 0.99) -> Closeness:
    """Per-record closeness: a synthetic record's distance to its nearest real record, divided by that real
    record's distance to its own nearest real neighbour. Dense regions allow small distances, an outlier
    (a 102-year-old) does not. The cut-off is the policy's quantile of the same ratio for holdout records
    against the training records, so an honest generator falls below it at about that rate; the allowance
    is the binomial count it stays under with ``confidence``."""
    from scipy.stats import beta, binom

    mask, cutoff = close_mask(train, holdout, synthetic, quantile)
    # The cut-off is an order statistic of the holdout's ratios: the share of new real people below it is
    # itself uncertain (Beta-distributed), so the allowance uses its upper bound at the same confidence.
    k = max(1, int(np.ceil(quantile * len(holdout))))
    share = float(beta.ppf(confidence, k, max(len(holdout) + 1 - k, 1))) if len(holdout) else quantile
    allowed = int(binom.ppf(confidence, len(synthetic), share))
    return Closeness(int(mask.sum()), cutoff, quantile * len(synthetic), allowed)


def close_mask(train: np.ndarray, holdout: np.ndarray, synthetic: np.ndarray, quantile: float
               ) -> tuple[np.ndarray, float]:
    """Which synthetic records are close (see ``closeness``), and the ratio cut-off."""
    real = np.vstack([train, holdout])
    syn_distance, syn_index = _nearest_with_index(real, synthetic)
    syn_ratio = syn_distance / np.maximum(_spacing(real, syn_index), TINY)
    hold_distance, hold_index = _nearest_with_index(train, holdout)
    hold_ratio = hold_distance / np.maximum(_spacing(train, hold_index), TINY)
    cutoff = float(np.quantile(hold_ratio, quantile)) if len(hold_ratio) else 0.0
    return (syn_ratio < cutoff) & (syn_distance > 0), cutoff  # exact copies are counted as copies


@dataclass(frozen=True)
class Attack:
    auc: float
    ci95: list[float]
    identified: int  # training records the attack names with no false positive
    closest_ratio: float  # the closest member's distance over the closest non-member's
    members: int
    non_members: int


def distance_attack(train: np.ndarray, holdout: np.ndarray, synthetic: np.ndarray, margin: float,
                    exact_twins: bool = False, real_spacing: float | None = None) -> Attack:
    """Membership inference by distance to the release: a training record closer to some synthetic record
    than real non-members are is guessed a member. AUC over training (members) against holdout
    (non-members), with the Hanley-McNeil 95% interval. ``identified``: members closer to the release than
    ``margin`` times the closest non-member, which the attacker can name with no false positive.

    ``exact_twins``: real people share whole records in this table, so a member with an exact twin in the release
    names no one (an unseen person has one as often); only near misses count, closer than ``margin`` times the
    smallest positive distance between two real people (``real_spacing``) as well, since such tables hold near
    twins too (a kidney-transplant table: same age, a day apart); copies are judged as copies."""
    from sklearn.metrics import roc_auc_score

    member = nearest(synthetic, train)[:, 0]
    outsider = nearest(synthetic, holdout)[:, 0]
    scores = -np.concatenate([member, outsider])
    labels = np.concatenate([np.ones(len(member)), np.zeros(len(outsider))])
    auc = float(roc_auc_score(labels, scores)) if len(member) and len(outsider) else 0.5
    if exact_twins:
        positive = outsider[outsider > TINY]
        closest = float(positive.min()) if len(positive) else 0.0
        if real_spacing is not None and real_spacing > TINY:
            closest = min(closest, real_spacing) if closest > 0 else real_spacing
        identified = int(np.sum((member > TINY) & (member < margin * closest)))
    else:
        closest = float(outsider.min()) if len(outsider) else 0.0
        identified = int(np.sum(member < margin * closest))
    ratio = float(member.min() / closest) if closest > 0 and len(member) else 1.0
    return Attack(auc, _hanley_mcneil(auc, len(member), len(outsider)), identified, ratio, len(member),
                  len(outsider))


def _spacing(reference: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Distance from each indexed reference record to its nearest other reference record; only the records
    some query landed on are measured (rows x rows over the whole real table would dominate the suite)."""
    if len(index) == 0:
        return np.zeros(0)
    needed, inverse = np.unique(index, return_inverse=True)
    return nearest(reference, reference[needed], k=2)[:, 1][inverse]


def _nearest_with_index(reference: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.neighbors import NearestNeighbors

    if len(queries) == 0:
        return np.zeros(0), np.zeros(0, dtype=int)
    distances, index = NearestNeighbors(n_neighbors=1, algorithm="brute").fit(reference).kneighbors(queries)
    return distances[:, 0], index[:, 0]


def _hanley_mcneil(auc: float, positives: int, negatives: int) -> list[float]:
    if positives == 0 or negatives == 0:
        return [0.0, 1.0]
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (
        positives * negatives)
    half = 1.96 * float(np.sqrt(max(variance, 0.0)))
    return [round(max(0.0, auc - half), 6), round(min(1.0, auc + half), 6)]
