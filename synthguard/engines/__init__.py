"""Where work runs: ``local`` (this process, its worker pool) or ``ray`` (a cluster; ``engines/ray/``, the one
folder with Ray code), behind one protocol (``base.Engine``): sample a table, scrub chunks, load a chat model,
hand back the release's payload. Engines are plugins of the ``ENGINES`` registry, found by the policy's
``engine`` name through ``registry.engine`` (the one place that chooses), so the layers below ask for one
by name and import none.

``ray`` imports Ray only when a policy or ``--engine`` asks for it (the extra ``ray``).
"""

from __future__ import annotations

from synthguard.engines.base import Engine, RealRows, Sampled, SampleJob
from synthguard.registry import engine

__all__ = ["Engine", "RealRows", "SampleJob", "Sampled", "engine"]
