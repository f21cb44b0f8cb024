"""The local engine: sample, filter and assemble the release in this process; chat models load here too."""

from __future__ import annotations

from synthguard.engines.base import RealRows, Sampled, SampleJob
from synthguard.registry import ENGINES
from synthguard.release import TablePayload
from synthguard.steps import sample_filtered


@ENGINES.register
class LocalEngine:
    name = "local"

    def __init__(self, settings=None, validate_rows: int = 0):
        pass  # nothing to settle: everything runs in this process (scrubbing: its own worker pool)

    def start(self) -> None:
        pass

    def sample(self, job: SampleJob, real: RealRows, progress) -> Sampled:
        synthetic, dropped = sample_filtered(job.draw, job.generaliser, job.rows, job.seeds, job.suites,
                                             job.filter_evidence, progress)
        # Assembled before the gate so that the privacy suite scans what would be released.
        released = job.surrogates.assemble(job.generaliser.restore_dtypes(synthetic), job.surrogate_seed)
        return Sampled(synthetic, released, dropped, len(synthetic))

    def payload(self, sampled: Sampled, texts) -> TablePayload:
        return TablePayload(sampled.released, texts)

    def loads_on_actors(self, llm) -> bool:
        return False

    def chat_model(self, llm):
        from synthguard.generators import chat_model

        return chat_model(llm)
