"""Scrubbing on Ray Data: ``map_batches`` over an actor pool, one Presidio engine per actor.

The driver reads the input in the same chunks as the local engine (so column types are
inferred alike), tags every row with its global row number and hands the chunks to Ray;
each actor builds spaCy/Presidio once and scrubs whole batches with the release key it
was given in memory, so surrogates agree across actors (the keyed HMAC, no per-actor
state). Ray Data restarts a dead actor and retries its batch (its actor pools default to
``max_restarts=-1, max_task_retries=-1``); a row's findings travel with the row, so a
retried batch replaces its output instead of adding to it: nothing is lost or written twice.
Output comes back in input order and is written by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pandas as pd

from synthguard.engines.ray.cluster import actor_pool, start_ray
from synthguard.errors import DataError
from synthguard.policy import Policy
from synthguard.scrub.columns import ColumnRules, plan_columns
from synthguard.scrub.frames import local_batcher, real_identifiers, scrub_frame, text_columns_of
from synthguard.scrub.operators import Operators

ROW = "__synthguard_row__"
FINDINGS = "__synthguard_findings__"


class ScrubActor:
    """Holds one Presidio engine; ``__call__`` scrubs a pandas batch tagged with ``ROW``."""

    def __init__(self, policy_json: str, key: bytes, plan, columns: list[str], real: frozenset[str] | None = None):
        from synthguard.scrub.engine import one_thread_each

        one_thread_each()  # one actor per CPU already
        self.policy = Policy.model_validate_json(policy_json)
        self.plan, self.columns, self.real = plan, columns, real
        scrub = self.policy.scrub
        self.operators = Operators(key, scrub.locale, dict(scrub.operators), scrub.default_operator,
                                   scrub.date_shift_days)
        self.batcher = local_batcher(self.policy, key)

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        if ROW not in batch:  # a user's Dataset (scrub_dataset): the scrubbed rows are the whole output
            return scrub_frame(batch.reset_index(drop=True), self.policy, self.plan, self.columns, self.operators,
                               self.batcher, 0, self.real).data
        rows = batch[ROW].to_numpy()
        done = scrub_frame(batch.drop(columns=[ROW]).reset_index(drop=True), self.policy, self.plan, self.columns,
                           self.operators, self.batcher, 0, self.real)
        per_row: list[list[dict]] = [[] for _ in range(len(batch))]
        for finding in done.findings:
            per_row[finding["row"]].append({**finding, "row": int(rows[finding["row"]])})
        out = done.data.copy()
        out[ROW] = rows
        out[FINDINGS] = [json.dumps(found) for found in per_row]
        return out


def _pool_kwargs(policy: Policy, plan, columns: list[str], key: bytes, real: frozenset[str] | None,
                 upstream_tasks: bool = False) -> dict:
    return {"fn_constructor_kwargs": {"policy_json": policy.model_dump_json(by_alias=True), "key": key,
                                      "plan": plan, "columns": columns, "real": real},
            "batch_size": None, "batch_format": "pandas", "compute": actor_pool(policy.ray, upstream_tasks),
            "num_cpus": policy.ray.cpus_per_actor}


def scrub_dataset(dataset, policy: Policy, text_columns: tuple[str, ...], key: bytes, plan_rows: int,
                  actor: type = ScrubActor):
    """A ``ray.data.Dataset`` scrubbed lazily on the actor pool (nothing runs until it is consumed).

    Columns are planned on the first ``plan_rows`` rows, as the file scrubber plans on its first chunk.
    Surrogates avoid the real identifiers of those rows only: a lazy Dataset is not read twice, so on a
    collision with a later row's value the output can differ from the file scrubber's."""

    first = dataset.limit(plan_rows).to_pandas()
    if first.empty:
        raise DataError("input ray Dataset: no rows")
    plan = plan_columns(first, ColumnRules.of(policy))
    columns = text_columns_of(plan, text_columns, first)
    real = real_identifiers(first, plan)
    return dataset.map_batches(actor, **_pool_kwargs(policy, plan, columns, key, real, upstream_tasks=True))


def scrub_chunks_on_ray(chunks: Iterable[pd.DataFrame], policy: Policy, plan, columns: list[str], key: bytes,
                        actor: type = ScrubActor, real: frozenset[str] | None = None
                        ) -> Iterator[tuple[pd.DataFrame, list[dict]]]:
    """(scrubbed batch, its findings) in input order."""

    ray = start_ray()
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    refs, offset = [], 0
    for chunk in chunks:
        refs.append(ray.put(chunk.assign(**{ROW: range(offset, offset + len(chunk))})))
        offset += len(chunk)
    dataset = ray.data.from_pandas_refs(refs).map_batches(actor, **_pool_kwargs(policy, plan, columns, key, real))
    for batch in dataset.iter_batches(batch_size=None, batch_format="pandas"):
        findings = [f for found in batch[FINDINGS] for f in json.loads(found)]
        yield batch.drop(columns=[ROW, FINDINGS]).reset_index(drop=True), findings
