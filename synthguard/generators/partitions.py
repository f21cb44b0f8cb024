"""Sampling in partitions, each with its own seed derived from the run's seed.

``numpy.random.SeedSequence(seed).spawn(n)`` gives independent, reproducible streams, so
the release is the same for a fixed partition count on any cluster. Each partition
reseeds the fitted synthesizer explicitly (``draw(rows, seed)``): in SDV 2.0 every
unpickled copy of a fitted synthesizer otherwise samples the same rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def partition_seeds(seed: int, partitions: int) -> list[int]:
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(partitions)]


def partition_sizes(rows: int, partitions: int) -> list[int]:
    base, extra = divmod(rows, partitions)
    return [base + (i < extra) for i in range(partitions) if base + (i < extra) > 0]


def sample_on_ray(draw, rows: int, seed: int, partitions: int, cpus: float = 1.0) -> pd.DataFrame:
    """``draw(rows, seed)`` run as one Ray task per partition; partitions concatenated in order."""
    from synthguard.engines.ray_engine import start_ray

    ray = start_ray()
    sizes = partition_sizes(rows, partitions)
    shared = ray.put(draw)  # the fitted synthesizer travels once, not once per task
    task = ray.remote(num_cpus=cpus, max_retries=3)(_draw_partition)
    parts = ray.get([task.remote(shared, n, s) for n, s in zip(sizes, partition_seeds(seed, len(sizes)),
                                                                strict=True)])
    return pd.concat(parts, ignore_index=True)


def _draw_partition(draw, rows: int, seed: int) -> pd.DataFrame:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return draw(rows, seed).reset_index(drop=True)
