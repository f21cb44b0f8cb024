"""The table-generator protocol: configure in ``__init__``, learn in ``fit``, produce in ``sample``.

Generators are registered by name so a policy can pick one and a new engine (one that is
not SDV, whose licence is BUSL-1.1) is a new module, not a pipeline edit.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from synthguard.constraints import Constraint


class TableGenerator:
    """Fits on the modelled columns of the training split; samples rows like them."""

    name: ClassVar[str]

    def __init__(self, parameters: dict[str, Any], constraints: list[Constraint],
                 sdtypes: dict[str, str]):
        self.parameters = parameters
        self.constraints = constraints
        self.sdtypes = sdtypes

    @classmethod
    def check_parameters(cls, parameters: dict[str, Any]) -> None:
        """Raise ValueError naming a parameter the engine does not accept."""

    def check_columns(self, sdtypes: dict[str, str]) -> None:
        """Raise ValueError when the modelled columns need something the parameters lack (before fitting)."""

    def fit(self, data: pd.DataFrame, seed: int = 0) -> TableGenerator:
        raise NotImplementedError

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        raise NotImplementedError

    def sample_conditioned(self, column: str, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        """``counts[value]`` rows with ``column == value`` each (a policy's target distribution)."""
        raise NotImplementedError(f"{self.name} cannot sample to a target distribution")
