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

from synthguard.engines.base import RealRows, Sampled, SampleJob
from synthguard.engines.ray import table as ray_table
from synthguard.engines.ray.cluster import start_ray
from synthguard.engines.ray.partitions import partition_seeds
from synthguard.engines.ray.payload import PartitionsPayload
from synthguard.engines.ray.table import Partitions
from synthguard.measures.distance import RecordEncoder, row_keys
from synthguard.policy import RaySection
from synthguard.progress import Progress
from synthguard.registry import ENGINES, LLM_BACKENDS
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


@ENGINES.register
class RayEngine:
    name = "ray"

    def __init__(self, settings: RaySection | None = None, validate_rows: int = 0):
        self.settings, self.validate_rows = settings or RaySection(), validate_rows

    def start(self) -> None:
        start_ray()

    def sample(self, job: SampleJob, real: RealRows, progress) -> Sampled:
        cluster = sample_for_release(job, real, self.settings, self.validate_rows, progress)
        rows = cluster.released.rows
        return Sampled(cluster.synthetic_sample, cluster.released_sample, cluster.dropped, rows,
                       parts=cluster.released, population_rows=rows, copies=cluster.copies,
                       unique_copies=cluster.unique_copies)

    def payload(self, sampled: Sampled, texts) -> PartitionsPayload:
        return PartitionsPayload(sampled.parts, texts, self.settings.cpus_per_actor)

    def loads_on_actors(self, llm) -> bool:
        """A model that runs in-process is loaded once per Ray actor; a served one is called from here."""
        return LLM_BACKENDS[llm.backend].loads_weights

    def chat_model(self, llm):
        if self.loads_on_actors(llm):
            from synthguard.engines.ray.chat import RayChat

            return RayChat(llm, self.settings)
        from synthguard.generators import chat_model

        return chat_model(llm)

    def scrub_chunks(self, chunks, policy, plan, columns, key, real, *, workers: int = 1, actor=None):
        """(scrubbed chunk, its findings) in input order, scrubbed on an actor pool (``workers``: the local
        engine's; the pool's size is the policy's ``ray`` section's)."""
        from synthguard.engines.ray.scrub import ScrubActor, scrub_chunks_on_ray

        return scrub_chunks_on_ray(chunks, policy, plan, columns, key, actor or ScrubActor, real)

    def scrub_dataset(self, dataset, policy, text_columns, key, plan_rows: int):
        from synthguard.engines.ray.scrub import scrub_dataset

        return scrub_dataset(dataset, policy, text_columns, key, plan_rows)

    def dataset_of(self, frame: pd.DataFrame):
        return start_ray().data.from_pandas(frame)
