"""A release held as partitions on the cluster: each partition task writes its own files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from synthguard.engines.ray.table import Partitions, to_dataset, write_partitions
from synthguard.release import DATA_STEM, write_texts


@dataclass(frozen=True)
class PartitionsPayload:
    """Engine ray: the table stays on the cluster as partitions, written by one task each as
    synthetic/<format>/part-NNNNN.<format>; the generated text is written by the driver."""

    parts: Partitions
    texts: pd.DataFrame | None = None
    cpus: float = 1.0  # for each task that writes a partition

    def write(self, staging: Path, formats: tuple[str, ...]) -> tuple[list[str], dict[str, dict]]:
        written = write_partitions(self.parts, staging, DATA_STEM, formats, self.cpus)
        write_texts(self.texts, staging)
        return [f"{DATA_STEM}/{fmt}/*.{fmt}" for fmt in formats], written

    def to_ray(self):
        return to_dataset(self.parts)
