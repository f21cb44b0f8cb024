"""Scrubbing files of any size: read in chunks, shard texts across worker processes, write as we go.

Memory holds one chunk at a time. Each worker builds its Presidio engine once and keeps
it; all of them share the release key (passed in memory, never written), so the same
original gets the same surrogate whichever worker sees it. Output and findings go to
hidden temporary files renamed into place at the end: a failed run leaves nothing.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

import pandas as pd

from synthguard.data import FORMATS, detect_format, table_files
from synthguard.errors import DataError, opaque_errors
from synthguard.policy import Policy, default_policy
from synthguard.progress import Progress
from synthguard.registry import engine as choose_engine
from synthguard.scrub.columns import ColumnRules, plan_columns
from synthguard.scrub.frames import local_batcher, real_identifiers, text_columns_of
from synthguard.scrub.operators import UNCOVERED, release_key

CHUNK_ROWS = 5000
# Below this many texts in a chunk, starting workers costs more than it saves. Measured on real nursing notes,
# 2 cores: the whole command took 18.2 s with 1 worker and 20.7 s with 2 on 1,000 notes, 58.8 s and 40.7 s
# on 5,000 (the pool's start-up is about 7 s more, its rate twice); the two meet near 1,350.
PARALLEL_MIN_TEXTS = 1500

_worker_batcher = None


def _init_worker(policy_json: str, key: bytes) -> None:
    global _worker_batcher
    from synthguard.scrub.engine import one_thread_each

    one_thread_each()  # one process per core already
    _worker_batcher = local_batcher(Policy.model_validate_json(policy_json), key)
    _worker_batcher([], [])  # build the engine now, not inside the first timed batch


def _run_shard(shard: tuple[list[str], list[str], frozenset[str], list, list[str] | None]):
    return _worker_batcher(*shard)


class ShardedBatcher:
    """Splits each batch of texts across a pool of processes, one Presidio engine per worker."""

    def __init__(self, policy: Policy, key: bytes, workers: int):
        self.local = local_batcher(policy, key)
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self._init = (policy.model_dump_json(by_alias=True), key)

    def __call__(self, texts: list[str], patients: list[str], avoid: frozenset[str] = frozenset(),
                 known: list[list[tuple[str, str]]] | None = None, groups: list[str] | None = None):
        if self.workers < 2 or len(texts) < PARALLEL_MIN_TEXTS:
            return self.local(texts, patients, avoid, known, groups)
        known = known or [[] for _ in texts]
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_init_worker, initargs=self._init)
        size = -(-len(texts) // self.workers)
        # A group's texts stay in one shard, so that a name found in one of them is looked for in all.
        order = sorted(range(len(texts)), key=lambda i: groups[i]) if groups else list(range(len(texts)))
        parts: list[list[int]] = [[]]
        for position, i in enumerate(order):
            if len(parts[-1]) >= size and (not groups or groups[i] != groups[order[position - 1]]):
                parts.append([])
            parts[-1].append(i)
        shards = [([texts[i] for i in part], [patients[i] for i in part], avoid, [known[i] for i in part],
                   [groups[i] for i in part] if groups else None) for part in parts]
        scrubbed, found = [""] * len(texts), [[] for _ in texts]
        for part, (part_texts, part_found) in zip(parts, self.pool.map(_run_shard, shards), strict=True):
            for i, text, spans in zip(part, part_texts, part_found, strict=True):
                scrubbed[i], found[i] = text, spans
        return scrubbed, found

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def read_chunks(path: Path, fmt: str, rows: int) -> Iterator[pd.DataFrame]:
    """The input in chunks of ``rows``; CSV must be UTF-8."""
    try:
        if fmt == "csv":
            yield from pd.read_csv(path, chunksize=rows, encoding="utf-8", encoding_errors="strict",
                                   low_memory=False)
        elif fmt == "jsonl":
            yield from pd.read_json(path, lines=True, chunksize=rows, dtype=False)
        else:
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
                yield batch.to_pandas()
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise DataError(f"{path}: cannot read as {fmt} ({type(error).__name__})") from None


def _read_parts(files: list[Path], fmt: str, rows: int) -> Iterator[pd.DataFrame]:
    for path in files:
        yield from (chunk for chunk in read_chunks(path, fmt, rows) if len(chunk))


class _Writer:
    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt, self.first, self.parquet = path, fmt, True, None

    def write(self, frame: pd.DataFrame) -> None:
        if self.fmt == "csv":
            frame.to_csv(self.path, mode="w" if self.first else "a", header=self.first, index=False,
                         lineterminator="\n")
        elif self.fmt == "jsonl":
            with self.path.open("w" if self.first else "a", encoding="utf-8") as handle:
                frame.to_json(handle, orient="records", lines=True, date_format="iso", force_ascii=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self.parquet is None:
                self.parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self.parquet.write_table(table.cast(self.parquet.schema))
        self.first = False

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


def _staging(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def scrub_file(source: str | Path, output: str | Path, policy: Policy | None = None,
               text_columns: tuple[str, ...] = (), findings_path: str | Path | None = None,
               workers: int | None = None, chunk_rows: int = CHUNK_ROWS,
               progress: Progress | None = None, engine: str | None = None, ray_actor: type | None = None,
               group_column: str | None = None) -> dict:
    """Scrub ``source`` into ``output`` (CSV, Parquet or JSONL by suffix). Returns counts.

    ``engine``: ``local`` (processes on this machine) or another registered engine (``ray``: engines/ray);
    default: the policy's. Both give the same output for the same input and key.
    """
    policy = policy or default_policy()
    if group_column:
        policy = policy.model_copy(update={"scrub": policy.scrub.model_copy(update={"group_column": group_column})})
    engine = engine or policy.engine
    progress = progress or Progress()
    source, output = Path(source), Path(output)
    # The file named on the command line says its own format; data.format is for the policy's own input
    # (and for a suffix that says nothing).
    files, in_fmt = table_files(source, "auto" if FORMATS.get(source.suffix.lower()) else policy.data.format)
    if source.is_file() and source.stat().st_size == 0:
        raise DataError(f"{source}: the file is empty")
    out_fmt = detect_format(output)
    if output.resolve() == source.resolve() or source.resolve() in output.resolve().parents:
        raise DataError("--output must differ from the input and lie outside an input folder")
    key = release_key()
    workers = workers or policy.scrub.workers or min(4, os.cpu_count() or 1)
    runner = choose_engine(engine, policy.ray)
    staged_out = _staging(output)
    staged_findings = _staging(Path(findings_path)) if findings_path else None
    writer = _Writer(staged_out, out_fmt)
    counts = {"rows": 0, "findings": 0, "text_columns": [], "identifier_columns": [], "uncovered_language": 0}
    findings_handle = None
    try:
        with progress.step(f"scrubbing {source.name}") as advance:
            findings_handle = staged_findings.open("w", encoding="utf-8") if staged_findings else None
            first = next(_read_parts(files, in_fmt, chunk_rows), None)
            if first is None or first.empty:
                raise DataError(f"{source}: no rows")
            if policy.scrub.group_column and policy.scrub.group_column not in first.columns:
                raise DataError(f"{source}: no column {policy.scrub.group_column!r} to group texts by; columns: "
                                f"{', '.join(map(str, first.columns))}")
            plan = plan_columns(first, ColumnRules.of(policy))
            columns = text_columns_of(plan, text_columns, first)
            counts["text_columns"] = columns
            counts["identifier_columns"] = [i.__dict__ for i in plan.identifiers]
            # A first pass over the identifier columns: surrogates avoid every real identifier of the
            # input, the same set in every chunk (and on every Ray actor).
            real = frozenset().union(*(real_identifiers(chunk, plan)
                                       for chunk in _read_parts(files, in_fmt, chunk_rows)))
            chunks = _read_parts(files, in_fmt, chunk_rows)
            done_chunks = runner.scrub_chunks(chunks, policy, plan, columns, key, real, workers=workers,
                                              actor=ray_actor)
            with closing(done_chunks), opaque_errors(f"scrubbing ({engine} engine)"):
                for data, found in done_chunks:
                    writer.write(data)
                    if findings_handle:
                        findings_handle.writelines(json.dumps(f) + "\n" for f in found)
                    counts["rows"] += len(data)
                    counts["findings"] += len(found)
                    counts["uncovered_language"] += sum(f["entity_type"] == UNCOVERED for f in found)
                    advance(len(data))
            if findings_handle:
                findings_handle.close()
        writer.close()
        staged_out.replace(output)
        if staged_findings:
            staged_findings.replace(Path(findings_path))
    except BaseException:
        writer.close()
        if staged_findings is not None and findings_handle is not None and not findings_handle.closed:
            findings_handle.close()
        for path in (staged_out, staged_findings):
            if path is not None and path.exists():
                path.unlink()
        raise
    return counts
