"""SDV single-table synthesizers (BUSL-1.1 licensed; see README) behind the generator protocol.

Only the modelled columns reach SDV: identifiers and free text are removed by the
column plan before ``fit``, so SDV's own PII handling never sees a real value.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from synthguard.generators import register_table
from synthguard.generators.base import TableGenerator

TABLE_NAME = "data"
_OWN_ARGUMENTS = {"self", "metadata"}


def _quiet_sdv() -> None:
    # SDV logs every fit/sample event at INFO and warns about its own defaults;
    # the pipeline has its own progress display.
    for name in ("sdv", "SingleTableSynthesizer", "rdt", "copulas", "ctgan"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _SDVGenerator(TableGenerator):
    sdv_class_name: str

    @classmethod
    def _sdv_class(cls):
        import sdv.single_table

        return getattr(sdv.single_table, cls.sdv_class_name)

    @classmethod
    def check_parameters(cls, parameters: dict[str, Any]) -> None:
        if not parameters:
            return  # nothing to check, and no reason to import SDV while a policy is parsed
        accepted = set(inspect.signature(cls._sdv_class().__init__).parameters) - _OWN_ARGUMENTS
        for key in parameters:
            if key not in accepted:
                raise ValueError(
                    f"unknown parameter {key!r} for {cls.name}; allowed: {', '.join(sorted(accepted))}"
                )

    def _metadata(self, data: pd.DataFrame):
        from sdv.metadata import Metadata

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            metadata = Metadata.detect_from_dataframes({TABLE_NAME: data})
        table = metadata.tables[TABLE_NAME]
        if table.primary_key is not None:
            metadata.remove_primary_key(TABLE_NAME)
        for column, sdtype in self.sdtypes.items():
            if column in table.columns and table.columns[column]["sdtype"] != sdtype:
                metadata.update_column(column, sdtype=sdtype, table_name=TABLE_NAME)
        return metadata

    stratify_by: str | None = None
    # Below this many training rows a class is too small for a model of its own.
    MIN_STRATUM_ROWS = 30

    def stratify_on(self, column: str | None) -> None:
        # A Gaussian copula relates columns through one correlation matrix over uniform-encoded categories,
        # which loses a categorical target's link to its predictors (the heart example: Cramér's V of cp,
        # thalach and oldpeak with the target fell from 0.45/0.41/0.47 to 0.22/0.22/0.13). A model per
        # target class keeps every predictor's distribution within each class, so the links stay.
        self.stratify_by = column

    def _fit_one(self, data: pd.DataFrame):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # SDV clamps samples to the training minimum and maximum (enforce_min_max_values), which can
            # release a column's real extreme; turning it off overflowed its datetime sampling on the shipped
            # example, so the policy's top/bottom codes bound quasi-identifiers before fitting instead. Date
            # inequalities arrive as gaps in days (date_gaps.WithDateGaps, around every generator).
            synthesizer = self._fit_sdv(data, self.parameters)
            degenerate = _degenerate_betas(synthesizer, data)
            if degenerate:
                # copulas' beta fit on a small class can collapse to a point mass (the heart example's 66-row
                # class: a = 1.8e6, b = 0 for age, KS complement 0.72): those columns are learnt as truncnorm.
                chosen = {**self.parameters.get("numerical_distributions", {}),
                          **dict.fromkeys(degenerate, "truncnorm")}
                synthesizer = self._fit_sdv(data, {**self.parameters, "numerical_distributions": chosen})
            poor = _poor_fits(synthesizer, data)
            if poor:
                # A spike the parametric marginal cannot hold: a third of the heart example's oldpeak values
                # are 0, and beta put them nowhere (KS complement 0.68). A KDE holds it (0.91-0.94). Only where
                # the fit fails, and only on small tables: copulas inverts a KDE's CDF numerically per value.
                chosen = {**synthesizer.numerical_distributions, **dict.fromkeys(poor, "gaussian_kde")}
                synthesizer = self._fit_sdv(data, {**self.parameters, "numerical_distributions": chosen})
        return synthesizer

    def _fit_sdv(self, data: pd.DataFrame, parameters: dict[str, Any]):
        synthesizer = self._sdv_class()(self._metadata(data), **parameters)
        if self.constraints:
            synthesizer.add_constraints([c.to_sdv() for c in self.constraints])
        synthesizer.fit({TABLE_NAME: data})
        return synthesizer

    def fit(self, data: pd.DataFrame, seed: int = 0) -> _SDVGenerator:
        import torch

        _quiet_sdv()
        # GAN/VAE training draws from torch's and numpy's global generators.
        torch.manual_seed(seed)
        np.random.seed(seed)
        self.strata_ = None
        column = self.stratify_by
        if column is not None and column in data.columns:
            counts = data[column].value_counts(dropna=False)
            if len(counts) >= 2 and counts.min() >= self.MIN_STRATUM_ROWS:
                # Insertion order sorted by label so that the same data gives the same strata.
                labels = sorted(counts.index, key=str)
                self.strata_ = {
                    label: (int(counts[label]), self._fit_one(data[data[column] == label].reset_index(drop=True)))
                    for label in labels}
                self.synthesizer_ = None
                return self
        self.synthesizer_ = self._fit_one(data)
        return self

    def stratified(self) -> str | None:
        """The column whose classes each got a model, or None when one model learnt every row."""
        return self.stratify_by if getattr(self, "strata_", None) else None

    def _draw(self, synthesizer, seed: int, sample) -> pd.DataFrame:
        synthesizer.reset_sampling()
        # SDV seeds every sampler with one fixed constant unless told otherwise; the
        # private setter is the only hook (sdv 2.0) that makes the policy seed count.
        synthesizer._set_random_state(seed)
        # SDV draws its own tqdm bar when constraints are present; the pipeline shows progress.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            sampled = sample(synthesizer)
        return sampled[TABLE_NAME] if isinstance(sampled, dict) else sampled

    def _sample_strata(self, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        seeds = np.random.SeedSequence(seed).generate_state(len(self.strata_))
        parts = []
        for (label, (_, synthesizer)), part_seed in zip(self.strata_.items(), seeds, strict=True):
            n = counts.get(label, 0)
            if n:
                part = self._draw(synthesizer, int(part_seed), lambda s, n=n: s.sample(n))
                part[self.stratify_by] = label
                parts.append(part)
        frame = pd.concat(parts, ignore_index=True)
        return frame.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        if getattr(self, "strata_", None):
            from synthguard.data import class_counts

            total = sum(n for n, _ in self.strata_.values())
            counts = class_counts({label: n / total for label, (n, _) in self.strata_.items()}, num_rows)
            return self._sample_strata(counts, seed)
        return self._draw(self.synthesizer_, seed, lambda s: s.sample(num_rows)).reset_index(drop=True)

    def sample_conditioned(self, column: str, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        if getattr(self, "strata_", None) and column == self.stratify_by:
            unknown = [value for value in counts if value not in self.strata_]
            if unknown:
                raise ValueError(f"no class {unknown[0]!r} in the training rows of {column!r}")
            return self._sample_strata(counts, seed)
        from sdv.sampling import Condition

        conditions = [Condition(num_rows=n, column_values={column: value}) for value, n in counts.items() if n]
        sampled = self._draw(self.synthesizer_, seed, lambda s: s.sample_from_conditions(conditions))
        return sampled.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)


BETA_SHAPE_BOUNDS = (1e-2, 1e3)  # a or b outside: the fit put (nearly) all mass on one end


def _degenerate_betas(synthesizer, data: pd.DataFrame) -> list[str]:
    if not hasattr(synthesizer, "get_learned_distributions"):
        return []  # CTGAN, TVAE: no univariate fits
    low, high = BETA_SHAPE_BOUNDS
    # Only the table's own columns: an SDV constraint fits columns of its own ("low#high"), which
    # numerical_distributions refuses.
    return [column for column, fitted in synthesizer.get_learned_distributions().items()
            if column in data.columns and fitted.get("distribution") == "beta"
            and not all(low <= fitted["learned_parameters"].get(k, 1.0) <= high for k in ("a", "b"))]


POOR_FIT = 0.8  # a column whose sampled marginal scores below this KS complement against its data
KDE_MAX_ROWS = 5_000


def _poor_fits(synthesizer, data: pd.DataFrame) -> list[str]:
    if not hasattr(synthesizer, "get_learned_distributions") or len(data) > KDE_MAX_ROWS:
        return []
    from scipy.stats import ks_2samp

    fitted = [c for c, d in synthesizer.get_learned_distributions().items()
              if c in data.columns and d.get("distribution") != "gaussian_kde"
              and pd.api.types.is_numeric_dtype(data[c])]
    if not fitted:
        return []
    synthesizer._set_random_state(0)  # the check's own draw, fixed: the same data gives the same choice
    with contextlib.redirect_stderr(io.StringIO()):
        sampled = synthesizer.sample(len(data))
    synthesizer.reset_sampling()
    sampled = sampled[TABLE_NAME] if isinstance(sampled, dict) else sampled
    poor = []
    for column in fitted:
        real, synthetic = data[column].dropna(), pd.to_numeric(sampled[column], errors="coerce").dropna()
        if len(real) and len(synthetic) and 1 - ks_2samp(real, synthetic).statistic < POOR_FIT:
            poor.append(column)
    return poor


@register_table
class GaussianCopula(_SDVGenerator):
    name = "gaussian_copula"
    sdv_class_name = "GaussianCopulaSynthesizer"


@register_table
class CTGAN(_SDVGenerator):
    name = "ctgan"
    sdv_class_name = "CTGANSynthesizer"


@register_table
class TVAE(_SDVGenerator):
    name = "tvae"
    sdv_class_name = "TVAESynthesizer"


@register_table
class CopulaGAN(_SDVGenerator):
    name = "copulagan"
    sdv_class_name = "CopulaGANSynthesizer"
