"""Where the table flow samples, filters and assembles: ``local`` (this process) or ``ray`` (partitions on a
cluster), behind one protocol so that ``pipeline.synthesize`` has no engine branches.

``ray`` is imported only when a policy or ``--engine`` asks for it (the extra ``ray``).
"""

from __future__ import annotations

from synthguard.engines.base import Engine, RealRows, Sampled, SampleJob


def engine(name: str, ray_settings=None, validate_rows: int = 0) -> Engine:
    """``ray_settings`` (policy.RaySection) and ``validate_rows`` (validate.max_rows): the ray engine's."""
    if name == "ray":
        from synthguard.engines.ray_release import RayEngine

        return RayEngine(ray_settings, validate_rows)
    from synthguard.engines.local import LocalEngine

    return LocalEngine()


__all__ = ["Engine", "RealRows", "SampleJob", "Sampled", "engine"]
