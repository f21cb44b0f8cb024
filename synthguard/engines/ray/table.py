"""A synthetic table that stays on the cluster: one pandas frame per partition in Ray's object store.

With engine ray the driver never holds the whole synthetic table. Each partition is sampled,
filtered, given identifier surrogates and written by its own task; the driver receives the
partition sizes, a seeded validation sample of stated size, and the exact-copy counts of a
broadcast hash join (the training rows' keys travel once to every task, and each task
hashes its own rows against them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synthguard.data import write_table
from synthguard.engines.ray.cluster import start_ray
from synthguard.engines.ray.partitions import partition_seeds, partition_sizes


@dataclass
class Partitions:
    refs: list  # ObjectRefs of pandas DataFrames, in order
    sizes: list[int]

    @property
    def rows(self) -> int:
        return sum(self.sizes)


def _single_threaded(fn, *args):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one task per CPU already
        return fn(*args)


def sample_partitions(job, rows: int, seed: int, partitions: int, cpus: float) -> tuple[Partitions, int]:
    """``job(rows, seed) -> (frame, dropped)`` run once per partition with a derived seed.

    Returns the partitions and the total rows dropped by filtering.
    """

    ray = start_ray()
    sizes = partition_sizes(rows, partitions)
    shared = ray.put(job)  # the fitted synthesizer and the training rows travel once
    task = ray.remote(num_cpus=cpus, max_retries=3, num_returns=2)(_run_job)
    outputs = [task.remote(shared, n, s) for n, s in zip(sizes, partition_seeds(seed, len(sizes)), strict=True)]
    meta = ray.get([dropped for _, dropped in outputs])
    return Partitions([frame for frame, _ in outputs], [m[0] for m in meta]), sum(m[1] for m in meta)


def _run_job(job, rows: int, seed: int):
    frame, dropped = _single_threaded(job, rows, seed)
    frame = frame.reset_index(drop=True)
    return frame, (len(frame), dropped)


def map_partitions(fn, parts: Partitions, cpus: float, *shared) -> Partitions:
    """``fn(frame, index, *shared) -> frame`` on every partition; ``shared`` goes through the object store once."""

    ray = start_ray()
    shared_refs = [ray.put(value) for value in shared]
    task = ray.remote(num_cpus=cpus, max_retries=3)(_map_one)
    refs = [task.remote(fn, ref, i, *shared_refs) for i, ref in enumerate(parts.refs)]
    return Partitions(refs, list(parts.sizes))


def _map_one(fn, frame, index, *shared):
    return _single_threaded(fn, frame, index, *shared).reset_index(drop=True)


def gather(fn, parts: Partitions, cpus: float, *shared) -> list:
    """``fn(frame, index, *shared)`` on every partition; the (small) results come back in order."""

    ray = start_ray()
    shared_refs = [ray.put(value) for value in shared]
    task = ray.remote(num_cpus=cpus, max_retries=3)(_single_threaded)
    return ray.get([task.remote(fn, ref, i, *shared_refs) for i, ref in enumerate(parts.refs)])


def quotas(sizes: list[int], total: int) -> list[int]:
    """Rows each partition gives to a sample of ``total`` rows, in proportion to its size."""
    rows = sum(sizes)
    if total >= rows:
        return list(sizes)
    exact = [size * total / rows for size in sizes]
    counts = [int(e) for e in exact]
    for i in sorted(range(len(sizes)), key=lambda j: exact[j] - counts[j], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def take_sample(parts: Partitions, total: int, seed: int, cpus: float) -> pd.DataFrame:
    """A seeded sample of ``total`` rows (every row when the table is smaller), in partition order."""
    seeds = partition_seeds(seed, len(parts.sizes))
    wanted = quotas(parts.sizes, total)
    frames = gather(_sample_one, parts, cpus, wanted, seeds)
    return pd.concat(frames, ignore_index=True)


def _sample_one(frame: pd.DataFrame, index: int, wanted: list[int], seeds: list[int]) -> pd.DataFrame:
    if wanted[index] >= len(frame):
        return frame
    rows = np.sort(np.random.default_rng(seeds[index]).choice(len(frame), size=wanted[index], replace=False))
    return frame.iloc[rows].reset_index(drop=True)


def count_copies(parts: Partitions, encoder, columns: list[str], reference_keys: np.ndarray, cpus: float,
                 keys_of) -> int:
    """Synthetic rows equal to a reference row, over every partition: a broadcast hash join. ``keys_of`` turns
    encoded rows into the keys ``reference_keys`` holds (the privacy suite's own, measures.distance.row_keys)."""
    return int(sum(gather(_copies_one, parts, cpus, encoder, columns, reference_keys, keys_of)))


def _copies_one(frame, index, encoder, columns, reference_keys, keys_of) -> int:
    encoded = encoder.transform(frame[columns])
    if encoded.shape[1] == 0:
        return len(frame)
    return int(np.isin(keys_of(encoded), reference_keys).sum())


def write_partitions(parts: Partitions, folder: Path, stem: str, formats: tuple[str, ...],
                     cpus: float) -> dict[str, dict]:
    """Each partition writes ``stem/<fmt>/part-NNNNN.<fmt>`` itself (in parallel; ``folder`` must be storage every
    node sees); returns the manifest entries {relative path: {sha256, bytes}} the tasks computed."""
    entries: dict[str, dict] = {}
    for written in gather(_write_one, parts, cpus, str(folder), stem, formats):
        entries.update(written)
    return dict(sorted(entries.items()))


def _write_one(frame, index, folder, stem, formats) -> dict[str, dict]:
    out = {}
    for fmt in formats:
        (Path(folder) / stem / fmt).mkdir(parents=True, exist_ok=True)
        name = f"{stem}/{fmt}/part-{index:05d}.{fmt}"
        write_table(frame, Path(folder) / name, fmt)
        data = (Path(folder) / name).read_bytes()
        out[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return out


def collect(parts: Partitions) -> pd.DataFrame:
    """Every partition in one frame on the driver: for tests and benchmarks, never the pipeline."""

    return pd.concat(start_ray().get(list(parts.refs)), ignore_index=True)


def to_dataset(parts: Partitions):
    """The partitions as a ``ray.data.Dataset`` (no copy to the driver)."""

    return start_ray().data.from_pandas_refs(list(parts.refs))
