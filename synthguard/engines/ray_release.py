"""The ray engine: the table flow's sample → filter → assemble steps on Ray, keeping the synthetic table on the cluster.

Every partition runs the local engine's own sampling loop (draw, generalise, drop the rows
a ``filter`` suite rejects, draw again) with its own derived seed. Identifier surrogates
are drawn per partition too, except for columns that must stay unique across the whole
release: those are drawn once here, because only one place can see every value, and
sent to their partitions. The suites then read a seeded sample of ``validate.max_rows``
rows, while exact copies are counted on every row by a hash join on the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from synthguard.cluster import ray_table
from synthguard.cluster.partitions import partition_seeds
from synthguard.cluster.ray_engine import start_ray
from synthguard.cluster.ray_table import Partitions
from synthguard.engines.base import RealRows, Sampled, SampleJob
from synthguard.measures.distance import RecordEncoder, row_keys
from synthguard.policy import RaySection
from synthguard.progress import Progress
from synthguard.steps import derived_seeds, sample_filtered


@dataclass
class ClusterSample:
    released: Partitions  # the table as it would be written, on the cluster
    synthetic_sample: pd.DataFrame  # modelled columns of the validation sample (what the suites read)
    released_sample: pd.DataFrame  # the same rows with identifier surrogates (the residual-PII scan)
    dropped: int  # rows that filtering removed
    copies: int  # rows equal to a training row, counted on every row
    unique_copies: int = 0  # rows equal to a real record (training or holdout) no other real record equals


def _partition_job(job: SampleJob, rows: int, seed: int):
    # The local engine's own loop, its rounds seeded from the partition's seed as the pipeline seeds its own.
    return sample_filtered(job.draw, job.generaliser, rows, derived_seeds(seed, len(job.seeds)), job.suites,
                           job.filter_evidence, Progress())


def _assemble_one(frame, index, generaliser, surrogates, seeds, fixed):
    return surrogates.assemble(generaliser.restore_dtypes(frame), seeds[index],
                               {column: parts[index] for column, parts in fixed.items()})


def _split(values: pd.Series, sizes: list[int]) -> list[pd.Series]:
    bounds = np.cumsum([0, *sizes])
    return [values.iloc[a:b].reset_index(drop=True) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def sample_for_release(job: SampleJob, real: RealRows, settings: RaySection, validate_rows: int,
                       progress) -> ClusterSample:
    """The ray engine's sample → filter → assemble, with the local engine's own steps run per partition. Only
    ``job`` travels to the workers; the training and holdout rows stay here (exact copies are counted against
    their keys)."""
    cpus, seed = settings.cpus_per_actor, job.seeds[0]
    with progress.step(f"sampling {job.rows} rows in {settings.partitions} partitions on Ray"):
        synthetic, dropped = ray_table.sample_partitions(partial(_partition_job, job), job.rows, seed,
                                                         settings.partitions, cpus)
    with progress.step("adding identifier surrogates on Ray"):
        surrogates = job.surrogates
        fixed = {column.column: _split(surrogates.draw(column, synthetic.rows, job.surrogate_seed, unique=True),
                                       synthetic.sizes)
                 for column in surrogates.unique}
        seeds = partition_seeds(job.surrogate_seed, len(synthetic.sizes))
        released = ray_table.map_partitions(_assemble_one, synthetic, cpus, job.generaliser, surrogates, seeds,
                                            fixed)
    train, holdout, sdtypes = real.train, real.holdout, real.sdtypes
    with progress.step(f"counting exact copies on all {synthetic.rows} rows, drawing a {validate_rows}-row "
                       "validation sample"):
        encoder = RecordEncoder().fit(train, sdtypes)
        copies = ray_table.count_copies(synthetic, encoder, list(sdtypes),
                                        row_keys(encoder.transform(train[list(sdtypes)])), cpus, row_keys)
        real_keys, counts = np.unique(row_keys(encoder.transform(pd.concat([train, holdout])[list(sdtypes)])),
                                      return_counts=True)
        unique_copies = ray_table.count_copies(synthetic, encoder, list(sdtypes), real_keys[counts == 1], cpus,
                                                row_keys)
        # The same seed picks the same row positions in both: assembly keeps rows one to one.
        synthetic_sample = ray_table.take_sample(synthetic, validate_rows, seed, cpus)
        released_sample = ray_table.take_sample(released, validate_rows, seed, cpus)
    return ClusterSample(released, synthetic_sample, released_sample, dropped, copies, unique_copies)


class RayEngine:
    name = "ray"

    def __init__(self, settings: RaySection, validate_rows: int):
        self.settings, self.validate_rows = settings, validate_rows

    def start(self) -> None:
        start_ray()

    def sample(self, job: SampleJob, real: RealRows, progress) -> Sampled:
        cluster = sample_for_release(job, real, self.settings, self.validate_rows, progress)
        rows = cluster.released.rows
        return Sampled(cluster.synthetic_sample, cluster.released_sample, cluster.dropped, rows,
                       parts=cluster.released, population_rows=rows, copies=cluster.copies,
                       unique_copies=cluster.unique_copies)
