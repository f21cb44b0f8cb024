"""Sequential CART in the synthpop tradition: each column drawn from the training values in its leaf of a tree
fitted on the columns before it.

synthpop (Nowok, Raab and Dibben, 2016) is R only and no maintained Python port exists, so it is written here
on scikit-learn's decision trees. Its defaults are kept: the first column is drawn from its own values, every
later one from the training rows that share its leaf (at least ``min_samples_leaf`` of them). Numbers with
decimals (and whole numbers of twenty values or more, rounded back; a spike excepted) are smoothed with a
Gaussian kernel of Silverman's bandwidth within the leaf (synthpop's ``smoothing = "density"``, here on by
default) so that no such value is a training row's own; codes of a few values are drawn as they are, missing
values like any other. A drawn row equal to a training record no other training row shares is drawn again
(synthpop's ``sdc(rm.replicated.uniques = TRUE)``), and so is one closer to a training record than the closest
1% of training records are to each other (``_closeness``). Small clinical tables are where it wins: a tree needs no
epochs and no validation split, and a leaf keeps the rules the data holds.

The target (``stratify_on``) is visited first, so every predictor is drawn given it and its links are kept.
Date columns are modelled as days; policy rules the trees cannot know are kept by drawing again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthguard.generators import register_table
from synthguard.generators._closeness import Closeness
from synthguard.generators.base import TableGenerator, keep_valid
from synthguard.generators.tabular_argn import decimal_shares, round_like

ACCEPTED = {"min_samples_leaf", "smoothing", "max_depth", "visit_order"}
MANY_WHOLE_VALUES = 20  # a whole-number column with this many distinct values is smoothed like a decimal one
CLOSENESS_MAX_ROWS = 20_000  # training rows up to which a drawn record too near a training one is drawn again
SPIKE_SHARE = 0.10  # a value this share of a column's filled cells hold is a spike: drawn, never smoothed
EPOCH, DAY = pd.Timestamp("1970-01-01"), pd.Timedelta(days=1)


def _whole(values: pd.Series) -> bool:
    return bool(np.all(np.mod(values.dropna().to_numpy(float), 1) == 0))


def _record_keys(frame: pd.DataFrame) -> np.ndarray:
    """One hash per row, missing values alike whatever their dtype (NaN, None, <NA>)."""
    text = frame.astype(object).where(frame.notna(), None).astype(str)
    return pd.util.hash_pandas_object(text, index=False).to_numpy()


def _held_by(values: pd.Series, rows: float) -> np.ndarray:
    """The values at least ``rows`` training rows hold."""
    counts = values.dropna().astype(float).value_counts()
    return counts.index[counts >= rows].to_numpy(float)


def _silverman(values: np.ndarray) -> float:
    """synthpop's bw.nrd0: 0.9 x min(sd, IQR / 1.34) x n^(-1/5)."""
    if len(values) < 2:
        return 0.0
    spread = min(np.std(values, ddof=1), (np.quantile(values, 0.75) - np.quantile(values, 0.25)) / 1.34)
    spread = spread if spread > 0 else np.std(values, ddof=1)
    return float(0.9 * spread * len(values) ** -0.2)


class _Encoder:
    """Predictor columns as numbers a tree can split: numbers as they are (missing below the minimum), categories
    as codes (missing its own code)."""

    def __init__(self, frame: pd.DataFrame, numeric: set[str]):
        self.numeric = numeric
        self.codes = {c: {v: i for i, v in enumerate(sorted(frame[c].dropna().astype(str).unique()))}
                      for c in frame.columns if c not in numeric}
        self.fill = {c: float(np.nanmin(frame[c].to_numpy(dtype=float))) - 1 if frame[c].notna().any() else -1.0
                     for c in frame.columns if c in numeric}

    def transform(self, frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
        parts = []
        for column in columns:
            if column in self.numeric:
                parts.append(pd.to_numeric(frame[column], errors="coerce").fillna(self.fill[column]).to_numpy(float))
            else:
                codes = frame[column].astype(object).where(frame[column].notna(), None)
                parts.append(codes.map(lambda v, m=self.codes[column]: m.get(str(v), -1) if v is not None else -2)
                             .to_numpy(dtype=float))
        return np.column_stack(parts) if parts else np.zeros((len(frame), 0))


@register_table
class SequentialCART(TableGenerator):
    name = "cart"

    @classmethod
    def check_parameters(cls, parameters: dict[str, Any]) -> None:
        unknown = sorted(set(parameters) - ACCEPTED)
        if unknown:
            raise ValueError(f"{cls.name}: unknown parameter {', '.join(unknown)}; accepted: "
                             f"{', '.join(sorted(ACCEPTED))}")
        leaf = parameters.get("min_samples_leaf", 5)
        if not isinstance(leaf, int) or isinstance(leaf, bool) or leaf < 1:
            raise ValueError(f"{cls.name}: parameters.min_samples_leaf must be a positive integer")
        if not isinstance(parameters.get("smoothing", True), bool):
            raise ValueError(f"{cls.name}: parameters.smoothing must be true or false")

    stratify_by: str | None = None

    def stratify_on(self, column: str | None) -> None:
        self.stratify_by = column  # visited first: every other column is drawn given it

    def stratified(self) -> str | None:
        return None  # one model: the target leads the visiting order instead

    def _order(self, columns: list[str]) -> list[str]:
        order = list(self.parameters.get("visit_order") or [])
        unknown = [c for c in order if c not in columns]
        if unknown:
            raise ValueError(f"{self.name}: visit_order names {', '.join(unknown)}, not a modelled column")
        lead = [self.stratify_by] if self.stratify_by in columns and self.stratify_by not in order else []
        return lead + order + [c for c in columns if c not in order and c not in lead]

    def fit(self, data: pd.DataFrame, seed: int = 0) -> SequentialCART:
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

        self.columns_, self.dtypes_ = list(data.columns), data.dtypes.to_dict()
        self.dated_ = [c for c in data.columns if pd.api.types.is_datetime64_any_dtype(data[c])]
        frame = self._as_numbers(data)
        self.numeric_ = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                         and self.sdtypes.get(c, "numerical") in ("numerical", "datetime")}
        # Decimals are smoothed, and so are whole numbers of many values (ages, days, lab counts), rounded back to
        # whole: drawn as they are, a small table's leaves handed whole training rows back (GBSG2, 343 rows:
        # unique-record copies and membership failed; smoothing only the values fewer than five rows hold left
        # near copies on the kidney and AIDS tables). A spike, a value a tenth of the rows hold, is drawn as it is,
        # as synthpop leaves a dominant value unsmoothed: Adult's 40 working hours (47%) and zero capital gains
        # (92%) blurred by a kernel let a classifier tell the rows apart (detection AUC 0.88). So is a code of a
        # few values (a grade, 0-4).
        self.smoothed_ = {c for c in self.numeric_ if not _whole(frame[c])
                          or frame[c].nunique() >= MANY_WHOLE_VALUES}
        # Decimals stay smoothed throughout: flchain's creatinine of 1.0 (a spike) drawn as it is left its rows
        # closer to the training rows than to unseen ones (dcr_closer_to_train_share failed).
        self.spikes_ = {c: _held_by(frame[c], SPIKE_SHARE * frame[c].notna().sum()) for c in self.smoothed_
                        if _whole(frame[c])}
        # A smoothed value is written to as many decimals as the real column writes at its magnitude (1.2, not
        # 1.2173...; a whole number stays whole): a classifier tells fourteen-decimal numbers apart at once.
        self.decimals_ = {c: decimal_shares(frame[c]) for c in self.smoothed_ if c not in self.dated_}
        self.whole_days_ = {c for c in self.dated_ if _whole(frame[c])}
        keys = pd.Series(_record_keys(data))
        self.uniques_ = keys[~keys.duplicated(keep=False)].to_numpy()
        # Near copies come from small leaves on small tables; the exact nearest-neighbour search costs rows x rows,
        # so above CLOSENESS_MAX_ROWS only the unique-record rule runs.
        self.closeness_ = Closeness(frame, self.numeric_) if len(frame) <= CLOSENESS_MAX_ROWS else None
        self.order_ = self._order(self.columns_)
        self.encoder_ = _Encoder(frame, self.numeric_)
        self.first_ = frame[self.order_[0]].to_numpy(dtype=object)
        self.trees_: dict[str, tuple[Any, dict[int, np.ndarray]]] = {}
        leaf = int(self.parameters.get("min_samples_leaf", 5))
        depth = self.parameters.get("max_depth")
        for k, column in enumerate(self.order_[1:], start=1):
            x = self.encoder_.transform(frame, self.order_[:k])
            y = frame[column]
            present = y.notna().to_numpy()
            if column in self.numeric_:
                target = y.fillna(y.min() - 1 if present.any() else 0).to_numpy(dtype=float)
                tree = DecisionTreeRegressor(min_samples_leaf=leaf, max_depth=depth, random_state=seed + k)
            else:
                target = y.astype(str).where(present, "\x00missing").to_numpy()
                tree = DecisionTreeClassifier(min_samples_leaf=leaf, max_depth=depth, random_state=seed + k)
            tree.fit(x, target)
            leaves = tree.apply(x)
            donors = {int(node): y.to_numpy(dtype=object)[leaves == node] for node in np.unique(leaves)}
            self.trees_[column] = (tree, donors)
        return self

    def _as_numbers(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column in self.dated_:
            out[column] = (pd.to_datetime(out[column], errors="coerce") - EPOCH) / DAY
        return out

    def _draw(self, rows: int, seed: int, first: np.ndarray | None = None) -> pd.DataFrame:
        rng = np.random.default_rng(seed % 2**32)
        smoothing = bool(self.parameters.get("smoothing", True))
        out = pd.DataFrame(index=range(rows))
        lead = self.order_[0]
        out[lead] = first if first is not None else self.first_[rng.integers(0, len(self.first_), rows)]
        if lead in self.smoothed_ and first is None and smoothing:
            out[lead] = self._smoothed(lead, out[lead].to_numpy(), self.first_, rng)
        for k, column in enumerate(self.order_[1:], start=1):
            tree, donors = self.trees_[column]
            leaves = tree.apply(self.encoder_.transform(out, self.order_[:k]))
            values = np.empty(rows, dtype=object)
            for node in np.unique(leaves):
                at = np.flatnonzero(leaves == node)
                pool = donors.get(int(node))
                values[at] = pool[rng.integers(0, len(pool), len(at))]
                if column in self.smoothed_ and smoothing:
                    values[at] = self._smoothed(column, values[at], pool, rng)
            out[column] = values
        return self._restore(out[self.columns_], seed)

    def _smoothed(self, column: str, drawn: np.ndarray, pool: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        numbers = pd.to_numeric(pd.Series(drawn), errors="coerce").to_numpy(float)
        moved = self._smooth(numbers, pool, rng)
        spikes = self.spikes_.get(column)
        return moved if spikes is None or not len(spikes) else np.where(np.isin(numbers, spikes), numbers, moved)

    @staticmethod
    def _smooth(values: np.ndarray, pool: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each drawn number moved by a Gaussian kernel of the leaf's bandwidth: the value is no training row's
        own, and the leaf's spread is kept. A leaf of one value stays as it is."""
        known = pd.to_numeric(pd.Series(pool), errors="coerce").dropna().to_numpy(float)
        if len(np.unique(known)) < 2:
            return values
        low, high, width = known.min(), known.max(), _silverman(known)
        smoothed = values + rng.normal(0.0, width, len(values))
        # Kept inside the leaf's range by drawing the noise again, then by reflection at its ends: clipping would
        # pile draws onto the leaf's real extremes, and a record of such values is a training row again.
        for _ in range(5):
            outside = (smoothed < low) | (smoothed > high)
            if not outside.any():
                break
            smoothed[outside] = values[outside] + rng.normal(0.0, width, int(outside.sum()))
        smoothed = np.where(smoothed < low, 2 * low - smoothed, np.where(smoothed > high, 2 * high - smoothed,
                                                                           smoothed))
        return np.where(np.isnan(values), np.nan, np.clip(smoothed, low, high))

    def _restore(self, rows: pd.DataFrame, seed: int) -> pd.DataFrame:
        out = rows.copy()
        for k, (column, dtype) in enumerate(self.dtypes_.items()):
            if column in self.dated_:
                days = pd.to_numeric(out[column], errors="coerce")
                days = days.round() if column in self.whole_days_ else days
                out[column] = EPOCH + pd.to_timedelta(days, unit="D")
            elif dtype.kind in "iuf":
                values = pd.to_numeric(out[column], errors="coerce")
                if column in self.decimals_:
                    values = round_like(values.astype("float64"), self.decimals_[column], seed + k)
                out[column] = values.round().astype("Int64" if values.isna().any() else dtype) if dtype.kind in "iu" \
                    else values.astype("float64")
            elif dtype.kind == "b":
                out[column] = out[column].astype(dtype)
            else:
                out[column] = out[column].astype(object).where(out[column].notna(), np.nan)
        return out.reset_index(drop=True)

    def _broken(self, rows: pd.DataFrame) -> pd.Series:
        """Rows that break the policy's rules or replay a training record: a tree draws a leaf's values, not
        what a rule allows, and where every value of a record is common its combination may still be one
        person's (UCI Adult)."""
        broken = np.isin(_record_keys(rows), self.uniques_)
        if self.closeness_ is not None:
            broken |= self.closeness_.too_close(self._as_numbers(rows))
        broken = pd.Series(broken, index=rows.index)
        for constraint in self.constraints:
            broken |= constraint.violated(rows)
        return broken

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        return keep_valid(self._draw, self._broken, num_rows, seed)

    def sample_conditioned(self, column: str, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        if column != self.order_[0]:
            raise ValueError(f"{self.name} conditions on its first column ({self.order_[0]!r}), not {column!r}")
        values = np.concatenate([np.full(n, value, dtype=object) for value, n in counts.items() if n])
        rng = np.random.default_rng(seed % 2**32)
        values = values[rng.permutation(len(values))]
        return keep_valid(lambda n, s: self._draw(n, s, first=np.resize(values, n)), self._broken, len(values),
                          seed)
