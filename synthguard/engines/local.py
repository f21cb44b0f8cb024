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

    def scrub_chunks(self, chunks, policy, plan, columns, key, real, *, workers: int = 1, actor=None):
        """(scrubbed chunk, its findings) in input order, scrubbed by this process and ``workers`` processes."""
        from synthguard.errors import opaque_errors
        from synthguard.scrub.frames import scrub_frame
        from synthguard.scrub.operators import Operators
        from synthguard.scrub.stream import ShardedBatcher

        batcher = ShardedBatcher(policy, key, workers)
        operators = Operators(key, policy.scrub.locale, dict(policy.scrub.operators),
                              policy.scrub.default_operator, policy.scrub.date_shift_days)
        offset = 0
        try:
            for chunk in chunks:
                with opaque_errors("scrubbing"):
                    done = scrub_frame(chunk, policy, plan, columns, operators, batcher, offset, real)
                offset += len(chunk)
                yield done.data, done.findings
        finally:
            batcher.close()

    def payload(self, sampled: Sampled, texts) -> TablePayload:
        return TablePayload(sampled.released, texts)

    def loads_on_actors(self, llm) -> bool:
        return False

    def chat_model(self, llm):
        from synthguard.generators import chat_model

        return chat_model(llm)
