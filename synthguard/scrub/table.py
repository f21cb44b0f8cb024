"""Scrubbing a table: identifier columns by the policy's action, free-text columns by Presidio.

The same original always gets the same surrogate within a release (keyed HMAC), in a
cell or inside a note, so a name in the ``name`` column and in the note agree.
"""

from __future__ import annotations

from typing import Any

from synthguard.data import is_ray_dataset, read_input
from synthguard.policy import Policy, default_policy
from synthguard.registry import engine
from synthguard.scrub.columns import ColumnRules, plan_columns
from synthguard.scrub.frames import (  # noqa: F401 - the frame-level helpers, importable from here as before
    KIND_ENTITY,
    Scrubbed,
    local_batcher,
    real_identifiers,
    row_identifiers,
    scrub_frame,
    text_columns_of,
)
from synthguard.scrub.operators import Operators, release_key


def scrub(data, policy: Policy | None = None, text_columns: tuple[str, ...] = (),
          key: bytes | None = None) -> Scrubbed | Any:
    """Scrub a DataFrame or a table file (or folder) in memory (use ``scrub_file`` for large files).

    A ``ray.data.Dataset`` comes back as a Dataset, scrubbed lazily on Ray actors (findings stay
    with the file and DataFrame paths)."""

    policy = policy or default_policy()
    key = key or release_key()
    if is_ray_dataset(data):
        from synthguard.scrub.stream import CHUNK_ROWS

        return engine("ray", policy.ray).scrub_dataset(data, policy, text_columns, key, CHUNK_ROWS)
    frame = read_input(data, policy)
    plan = plan_columns(frame, ColumnRules.of(policy))
    columns = text_columns_of(plan, text_columns, frame)
    operators = Operators(key, policy.scrub.locale, dict(policy.scrub.operators),
                          policy.scrub.default_operator, policy.scrub.date_shift_days)
    return scrub_frame(frame, policy, plan, columns, operators, local_batcher(policy, key))
