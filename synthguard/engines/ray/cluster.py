"""Ray: connect or start, once per process, with a clear error when the extra is missing.

RAY_ADDRESS (a running cluster) is used when set; otherwise a local instance starts with
the machine's CPUs. Ray 2.59+ turns on token authentication and writes ~/.ray/auth_token.
"""

from __future__ import annotations

import logging
import os
import warnings

from synthguard.errors import DataError


def ray_module():
    try:
        import ray
    except ImportError:
        raise DataError("engine ray needs Ray: pip install 'synthguard[ray]'") from None
    return ray


def start_ray():
    """The ray module, initialised (idempotent)."""
    ray = ray_module()
    # Ray Data logs every finished dataset at INFO and warns about pool sizes on small inputs;
    # synthguard draws its own progress.
    logging.getLogger("ray").setLevel(logging.WARNING)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"ray\.")
    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS") or None, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, ignore_reinit_error=True)
        ray.data.DataContext.get_current().enable_progress_bars = False
    return ray


def pool_size(settings) -> int:
    """Actors in a pool: the policy's ``ray.actors``, else as many as the cluster's CPUs allow."""
    cpus = start_ray().cluster_resources().get("CPU", 1)
    return settings.actors or max(1, int(cpus // settings.cpus_per_actor))


def actor_pool(settings, upstream_tasks: bool = False):
    """Ray Data's actor-pool strategy for the policy's ``ray`` section.

    ``upstream_tasks``: the dataset still has tasks to run before the pool (reads, repartitions).
    A fixed pool as large as the cluster holds every CPU from the start and those tasks never
    get one (measured: a read_parquet feeding a 2-actor pool on 2 CPUs hangs); the pool then
    grows from one actor instead.
    """
    ray = start_ray()
    size = pool_size(settings)
    if upstream_tasks and size > 1:
        return ray.data.ActorPoolStrategy(min_size=1, max_size=size)
    return ray.data.ActorPoolStrategy(size=size)
