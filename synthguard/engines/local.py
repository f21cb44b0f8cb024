"""The local engine: sample, filter and assemble the release in this process."""

from __future__ import annotations

from synthguard.engines.base import Sampled, SampleJob
from synthguard.gate import context_for
from synthguard.steps import assemble_release, sample_filtered


class LocalEngine:
    name = "local"

    def start(self) -> None:
        pass

    def sample(self, job: SampleJob) -> Sampled:
        policy = job.policy
        synthetic, dropped = sample_filtered(
            job.draw, job.generaliser, job.rows, job.seeds, job.suites,
            lambda rows: context_for(policy, job.train, job.holdout, rows, job.sdtypes, plan=job.plan), job.progress)
        # Assembled before the gate so that the privacy suite scans what would be released.
        released = assemble_release(job.generaliser.restore_dtypes(synthetic), job.plan, job.frame, policy,
                                    job.surrogate_seed)
        return Sampled(synthetic, released, dropped, len(synthetic))
