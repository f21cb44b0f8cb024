"""The engine protocol: what an engine is given (SampleJob) and gives back (Sampled).

A ``SampleJob`` is what travels to where the sampling runs (a Ray worker, with engine ray): the fitted drawer,
the identifier ``SurrogatePlan`` and, only when a suite filters rows, the evidence the filter compares a draw
with. It holds neither the input table (identifiers, notes, unmodelled columns) nor the policy: both stay on the
driver (tests/test_sample_job.py). The fitted generator is shipped as it is: a CART model's leaves hold the
training rows' modelled values, which is how CART draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from synthguard.scrub.surrogate_plan import SurrogatePlan


@dataclass(frozen=True)
class SampleJob:
    """The fitted drawer, the rows to make, the filters and how identifiers are released."""

    draw: Any  # draw(rows, seed) -> modelled columns (steps.drawer)
    generaliser: Any  # generalize.RareCategoryGeneraliser fitted on the training rows
    rows: int
    seeds: tuple[int, ...]  # the first draw's seed, then one per filtering round
    suites: tuple  # (suite, action) from gate.build_suites: a ``filter`` suite rejects rows between rounds
    filter_evidence: Any  # validators.ValidationContext without synthetic rows, or None when nothing filters
    surrogates: SurrogatePlan
    surrogate_seed: int


@dataclass(frozen=True)
class RealRows:
    """The training and holdout rows, kept on the driver: an engine that samples elsewhere counts exact copies
    against them there (engine ray), without shipping them."""

    train: pd.DataFrame
    holdout: pd.DataFrame
    sdtypes: dict[str, str]


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
    """Where work runs. Built by ``registry.engine(name, ray_settings, validate_rows)``."""

    name: str

    def start(self) -> None:
        """Fail now, before the fit, on a missing extra or an unreachable cluster."""

    def sample(self, job: SampleJob, real: RealRows, progress) -> Sampled: ...

    def payload(self, sampled: Sampled, texts):
        """The release's payload (release.TablePayload, or partitions that write themselves)."""

    def loads_on_actors(self, llm) -> bool:
        """Whether ``chat_model`` loads the model away from this process."""

    def chat_model(self, llm):
        """A ``ChatModel`` for the policy's ``generate.text.llm`` settings."""

    def scrub_chunks(self, chunks, policy, plan, columns, key, real, *, workers: int = 1, actor=None):
        """(scrubbed chunk, its findings) in input order: scrub/stream.py hands it a file's chunks."""

    # Engine ray also offers ``scrub_dataset`` / ``dataset_of`` for its own datasets.
