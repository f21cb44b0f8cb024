"""Sampling in partitions, each with its own seed derived from the run's seed.

``numpy.random.SeedSequence(seed).spawn(n)`` gives independent, reproducible streams, so
the release is the same for a fixed partition count on any cluster. Each partition
reseeds the fitted synthesizer explicitly (``draw(rows, seed)``): in SDV 2.0 every
unpickled copy of a fitted synthesizer otherwise samples the same rows. The partitions
themselves run in ``engines.ray.table``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd


def partition_seeds(seed: int, partitions: int) -> list[int]:
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(partitions)]


def partition_sizes(rows: int, partitions: int) -> list[int]:
    base, extra = divmod(rows, partitions)
    return [base + (i < extra) for i in range(partitions) if base + (i < extra) > 0]


def unfiltered(draw):
    """A partition job (``job(rows, seed) -> (frame, rows dropped)``) that only draws."""
    return partial(_unfiltered, draw)


def _unfiltered(draw, rows: int, seed: int) -> tuple[pd.DataFrame, int]:
    return draw(rows, seed), 0
