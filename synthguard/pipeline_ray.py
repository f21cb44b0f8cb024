"""The table flow's sample → filter → assemble steps on Ray, keeping the synthetic table on the cluster.

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

from synthguard.engines import ray_table
from synthguard.engines.ray_table import Partitions
from synthguard.gate import context_for
from synthguard.generators.partitions import partition_seeds
from synthguard.pipeline import assemble_release, real_identifier_values, sample_filtered, unique_identifiers
from synthguard.progress import Progress
from synthguard.scrub.surrogates import surrogate_column
from synthguard.validators._distance import RecordEncoder, row_keys


@dataclass
class ClusterSample:
    released: Partitions  # the table as it would be written, on the cluster
    synthetic_sample: pd.DataFrame  # modelled columns of the validation sample (what the suites read)
    released_sample: pd.DataFrame  # the same rows with identifier surrogates (the residual-PII scan)
    dropped: int  # rows that filtering removed
    copies: int  # rows equal to a training row, counted on every row


def _partition_job(sample_filtered, draw, generaliser, suites, make_context, rounds, rows, seed):
    seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(rounds)]
    return sample_filtered(draw, generaliser, rows, seeds, suites, make_context, Progress())


def _assemble_one(frame, index, assemble, seeds, fixed):
    return assemble(frame, seeds[index], {c: values[index] for c, values in fixed.items()})


def sample_on_cluster(*, draw, generaliser, rows, seed, rounds, suites, make_context, sample_filtered,
                      assemble, unique_columns, surrogate_seed, encoder, train_keys, validate_rows,
                      policy, progress) -> ClusterSample:
    settings = policy.ray
    with progress.step(f"sampling {rows} rows in {settings.partitions} partitions on Ray"):
        job = partial(_partition_job, sample_filtered, draw, generaliser, suites, make_context, rounds)
        synthetic, dropped = ray_table.sample_partitions(job, rows, seed, settings.partitions,
                                                         settings.cpus_per_actor)
    with progress.step("adding identifier surrogates on Ray"):
        fixed = {column: _split(make(synthetic.rows), synthetic.sizes) for column, make in unique_columns.items()}
        seeds = partition_seeds(surrogate_seed, len(synthetic.sizes))
        released = ray_table.map_partitions(_assemble_one, synthetic, settings.cpus_per_actor, assemble, seeds, fixed)
    with progress.step(f"counting exact copies on all {synthetic.rows} rows, drawing a {validate_rows}-row "
                       "validation sample"):
        copies = ray_table.count_copies(synthetic, encoder, list(encoder.sdtypes_), train_keys,
                                        settings.cpus_per_actor)
        # The same seed picks the same row positions in both: assembly keeps rows one to one.
        synthetic_sample = ray_table.take_sample(synthetic, validate_rows, seed, settings.cpus_per_actor)
        released_sample = ray_table.take_sample(released, validate_rows, seed, settings.cpus_per_actor)
    return ClusterSample(released, synthetic_sample, released_sample, dropped, copies)


def _split(values: pd.Series, sizes: list[int]) -> list[pd.Series]:
    bounds = np.cumsum([0, *sizes])
    return [values.iloc[a:b].reset_index(drop=True) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def sample_for_release(draw, generaliser, rows, sample_seeds, suites, train, holdout, sdtypes, plan, frame, policy,
                       surrogate_seed, progress) -> ClusterSample:
    """The ray engine's sample → filter → assemble, with the local engine's own steps run per partition."""
    real_values = real_identifier_values(plan, frame)
    unique_columns = {
        ident.column: partial(_unique_surrogates, ident.kind, frame[ident.column], surrogate_seed + i,
                              policy.scrub.locale, real_values)
        for i, ident in unique_identifiers(plan, frame, policy)}
    encoder = RecordEncoder().fit(train, sdtypes)
    return sample_on_cluster(
        draw=draw, generaliser=generaliser, rows=rows, seed=sample_seeds[0], rounds=len(sample_seeds), suites=suites,
        make_context=partial(_filter_context, policy, train, holdout, sdtypes), sample_filtered=sample_filtered,
        assemble=partial(_assemble_partition, generaliser, plan, frame, policy), unique_columns=unique_columns,
        surrogate_seed=surrogate_seed, encoder=encoder, train_keys=row_keys(encoder.transform(train[list(sdtypes)])),
        validate_rows=policy.validation.max_rows, policy=policy, progress=progress)


def _unique_surrogates(kind, real, seed, locale, avoid, rows):
    return surrogate_column(kind, real, rows, seed, locale, unique=True, avoid=avoid)


def _filter_context(policy, train, holdout, sdtypes, synthetic):
    return context_for(policy, train, holdout, synthetic, sdtypes)


def _assemble_partition(generaliser, plan, frame, policy, synthetic, seed, fixed):
    return assemble_release(generaliser.restore_dtypes(synthetic), plan, frame, policy, seed, fixed)
