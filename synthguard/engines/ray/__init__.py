"""Engine ray: every piece of Ray code in synthguard. ``sampling.RayEngine`` (registered as ``ray``) samples a table
in partitions that stay on the cluster (``table``, ``partitions``, ``payload``), scrubs chunks on an actor pool
(``scrub``), and loads in-process chat models once per actor (``chat``); ``cluster`` starts or joins Ray. Ray
itself is imported only when one of them runs."""

from synthguard.engines.ray.sampling import RayEngine

__all__ = ["RayEngine"]
