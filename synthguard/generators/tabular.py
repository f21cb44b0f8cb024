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
            if table.columns[column]["sdtype"] != sdtype:
                metadata.update_column(column, sdtype=sdtype, table_name=TABLE_NAME)
        return metadata

    def fit(self, data: pd.DataFrame, seed: int = 0) -> _SDVGenerator:
        import torch

        _quiet_sdv()
        # GAN/VAE training draws from torch's and numpy's global generators.
        torch.manual_seed(seed)
        np.random.seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # SDV clamps samples to the training minimum and maximum (enforce_min_max_values), which can
            # release a column's real extreme; turning it off overflowed its datetime sampling on the shipped
            # example, so the policy's top/bottom codes bound quasi-identifiers before fitting instead.
            synthesizer = self._sdv_class()(self._metadata(data), **self.parameters)
            if self.constraints:
                synthesizer.add_constraints([c.to_sdv() for c in self.constraints])
            synthesizer.fit({TABLE_NAME: data})
        self.synthesizer_ = synthesizer
        return self

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        self.synthesizer_.reset_sampling()
        # SDV seeds every sampler with one fixed constant unless told otherwise; the
        # private setter is the only hook (sdv 2.0) that makes the policy seed count.
        self.synthesizer_._set_random_state(seed)
        # SDV draws its own tqdm bar when constraints are present; the pipeline shows progress.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            sampled = self.synthesizer_.sample(num_rows)
        return sampled[TABLE_NAME].reset_index(drop=True)

    def sample_conditioned(self, column: str, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        from sdv.sampling import Condition

        self.synthesizer_.reset_sampling()
        self.synthesizer_._set_random_state(seed)
        conditions = [Condition(num_rows=n, column_values={column: value}) for value, n in counts.items() if n]
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            sampled = self.synthesizer_.sample_from_conditions(conditions)
        if isinstance(sampled, dict):
            sampled = sampled[TABLE_NAME]
        return sampled.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)


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
