"""The engine protocol: what an engine is given (SampleJob) and gives back (Sampled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd


@dataclass
class SampleJob:
    """What an engine needs: the fitted drawer, the rows to make, and what the release is assembled from."""

    draw: Any  # draw(rows, seed) -> modelled columns (steps.drawer)
    generaliser: Any  # generalize.RareCategoryGeneraliser fitted on the training rows
    rows: int
    seeds: list[int]  # the first draw's seed, then one per filtering round
    suites: list  # (suite, action) from gate.build_suites
    train: pd.DataFrame
    holdout: pd.DataFrame
    sdtypes: dict[str, str]
    plan: Any  # scrub.columns.ColumnPlan
    frame: pd.DataFrame  # the input table (identifier values that no surrogate may equal)
    policy: Any  # policy.Policy
    surrogate_seed: int
    progress: Any  # progress.Progress


@dataclass
class Sampled:
    """An engine's result. ``synthetic``: the modelled columns the suites read (on Ray, a seeded sample of
    ``validate.max_rows``); ``released``: the same rows with identifier surrogates."""

    synthetic: pd.DataFrame
    released: pd.DataFrame
    dropped: int  # rows that ``action: filter`` removed
    rows: int  # synthetic rows in the release
    parts: Any = None  # Ray: the release as partitions on the cluster; None: ``released`` is the release
    # Ray: the release's size and its exact copies, counted on every row (None: the suites count them)
    population_rows: int | None = None
    copies: int | None = None
    unique_copies: int | None = None


class Engine(Protocol):
    name: str

    def start(self) -> None:
        """Fail now, before the fit, on a missing extra or an unreachable cluster."""

    def sample(self, job: SampleJob) -> Sampled: ...
