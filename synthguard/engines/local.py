"""The local engine: sample, filter and assemble the release in this process."""

from __future__ import annotations

from synthguard.engines.base import RealRows, Sampled, SampleJob
from synthguard.steps import sample_filtered


class LocalEngine:
    name = "local"

    def start(self) -> None:
        pass

    def sample(self, job: SampleJob, real: RealRows, progress) -> Sampled:
        synthetic, dropped = sample_filtered(job.draw, job.generaliser, job.rows, job.seeds, job.suites,
                                             job.filter_evidence, progress)
        # Assembled before the gate so that the privacy suite scans what would be released.
        released = job.surrogates.assemble(job.generaliser.restore_dtypes(synthetic), job.surrogate_seed)
        return Sampled(synthetic, released, dropped, len(synthetic))
