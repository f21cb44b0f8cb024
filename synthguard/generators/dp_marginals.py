"""Differentially private generators: smartnoise-synth's MST and AIM (optional extra ``synthguard[dp]``).

Both measure noisy low-order marginals of the training rows under (epsilon, delta)-differential privacy
and sample from a graphical model fitted to them, so the guarantee covers every row sampled. Numeric
columns are binned between bounds the policy states (``bounds: {age: [18, 100]}``): bounds read from the
data would leak the extremes and void the guarantee. smartnoise-synth is MIT; it brings jax.

Not reproducible, by design: the engine draws its measurement noise from OpenDP's samplers, which read the
operating system's secure generator (noise from a known seed would void the guarantee), so two fits on the
same data and seed differ. The seed still fixes the rest (numpy's draws in fitting and sampling).
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthguard.generators import register_table
from synthguard.generators.base import TableGenerator

INSTALL_HINT = "pip install 'synthguard[dp]'"
EPOCH, DAY = pd.Timestamp("1970-01-01"), pd.Timedelta(days=1)


def _as_number(value) -> float:
    """A bound as a number: numbers as they are, dates ("2020-01-01") as days since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return float((pd.Timestamp(value) - EPOCH) / DAY)
ACCEPTED = {"epsilon", "delta", "bounds", "bins"}


def _engine_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("snsynth") is not None


class _Marginals(TableGenerator):
    mechanism: ClassVar[str]

    @classmethod
    def check_parameters(cls, parameters: dict[str, Any]) -> None:
        unknown = sorted(set(parameters) - ACCEPTED)
        if unknown:
            raise ValueError(f"{cls.name}: unknown parameter {', '.join(unknown)}; "
                             f"accepted: {', '.join(sorted(ACCEPTED))}")
        epsilon = parameters.get("epsilon")
        if not isinstance(epsilon, (int, float)) or not 0 < epsilon <= 100:
            raise ValueError(f"{cls.name}: parameters.epsilon is required, a number in (0, 100]")
        delta = parameters.get("delta", 1e-6)
        if not isinstance(delta, (int, float)) or not 0 <= delta < 1e-3:
            raise ValueError(f"{cls.name}: parameters.delta must be in [0, 0.001)")
        for column, bound in (parameters.get("bounds") or {}).items():
            try:
                ordered = isinstance(bound, (list, tuple)) and len(bound) == 2 and _as_number(bound[0]) < _as_number(
                    bound[1])
            except (TypeError, ValueError):
                ordered = False
            if not ordered:
                raise ValueError(f"{cls.name}: bounds.{column} must be [low, high] with low < high (numbers, or "
                                 "dates for a date column)")
        if not _engine_installed():
            raise ValueError(f"{cls.name} needs smartnoise-synth, which is not installed: {INSTALL_HINT}")

    def guarantee(self) -> dict[str, Any]:
        return {"mechanism": f"smartnoise-synth {self.mechanism.upper()}",
                "epsilon": float(self.parameters["epsilon"]), "delta": float(self.parameters.get("delta", 1e-6)),
                "reproducible": False}

    def check_columns(self, sdtypes: dict[str, str]) -> None:
        bounds = self.parameters.get("bounds") or {}
        unbounded = [c for c, t in sdtypes.items() if t in ("numerical", "datetime") and c not in bounds]
        if unbounded:
            raise ValueError(f"{self.name}: parameters.bounds must give [low, high] for every numeric and date column "
                             f"(bounds read from the data would leak its extremes; a date learnt as days after "
                             f"another takes its bounds in days): {', '.join(unbounded)}")

    def fit(self, data: pd.DataFrame, seed: int = 0) -> _Marginals:
        from snsynth import Synthesizer
        from snsynth.transform import BinTransformer, TableTransformer

        self.check_columns({c: self.sdtypes.get(c, "categorical") for c in data.columns})
        bounds = {c: [_as_number(v) for v in b] for c, b in (self.parameters.get("bounds") or {}).items()}
        numeric = [c for c in data.columns if self.sdtypes.get(c) in ("numerical", "datetime")]
        self.columns_, self.dtypes_ = list(data.columns), data.dtypes.to_dict()
        self.dated_ = [c for c in data.columns if self.sdtypes.get(c) == "datetime"]
        categorical = [c for c in data.columns if c not in numeric]
        frame = data.copy()
        for column in self.dated_:  # days since 1970, binned between the policy's date bounds like any number
            frame[column] = (pd.to_datetime(frame[column], errors="coerce") - EPOCH) / DAY
        for column in categorical:  # the engine wants one type per column; missing is its own category
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "(missing)").astype(str)
        for column in numeric:
            low, high = bounds[column]
            frame[column] = pd.to_numeric(frame[column], errors="coerce").clip(low, high).fillna(low)
        bins = int(self.parameters.get("bins", 20))
        transformer = TableTransformer.create(
            frame, style="cube", categorical_columns=categorical, continuous_columns=numeric,
            constraints={c: BinTransformer(bins=bins, lower=bounds[c][0], upper=bounds[c][1]) for c in numeric})
        self.synthesizer_ = Synthesizer.create(self.mechanism, epsilon=float(self.parameters["epsilon"]),
                                               delta=float(self.parameters.get("delta", 1e-6)), verbose=False)
        np.random.seed(seed % 2**32)  # the engine draws its noise from numpy's global generator
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.synthesizer_.fit(frame, transformer=transformer, preprocessor_eps=0.0)
        self.categorical_ = categorical
        return self

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        np.random.seed(seed % 2**32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = self.synthesizer_.sample(num_rows)
        out = out[self.columns_].copy()
        for column in self.columns_:
            if column in self.categorical_:
                values = out[column].astype(str).where(out[column].astype(str) != "(missing)", None)
                kind = self.dtypes_[column].kind
                out[column] = pd.to_numeric(values, errors="coerce") if kind in "iuf" else values
            if self.dtypes_[column].kind in "iu":
                out[column] = pd.to_numeric(out[column], errors="coerce").round().astype("Int64")
            if column in self.dated_:
                out[column] = EPOCH + pd.to_timedelta(pd.to_numeric(out[column], errors="coerce").round(), unit="D")
        return out.reset_index(drop=True)


@register_table
class MST(_Marginals):
    name = "dp_mst"
    mechanism = "mst"


@register_table
class AIM(_Marginals):
    name = "dp_aim"
    mechanism = "aim"
