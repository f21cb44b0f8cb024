"""Where work runs: ``local`` (this process, its worker pool) or ``ray`` (a cluster; ``engines/ray/``, the one
folder with Ray code), behind one protocol (``base.Engine``): sample a table, scrub chunks, load a chat model,
hand back the release's payload. Engines are plugins of the ``ENGINES`` registry, found by the policy's
``engine`` name, so the layers below ask for one by name and import none.

``ray`` imports Ray only when a policy or ``--engine`` asks for it (the extra ``ray``).
"""

from __future__ import annotations

from synthguard.engines.base import Engine, RealRows, Sampled, SampleJob
from synthguard.registry import ENGINES


def engine(name: str, ray_settings=None, validate_rows: int = 0) -> Engine:
    """``ray_settings`` (policy.RaySection) and ``validate_rows`` (validate.max_rows): the ray engine's."""
    return ENGINES[name](ray_settings, validate_rows)


__all__ = ["Engine", "RealRows", "SampleJob", "Sampled", "engine"]
