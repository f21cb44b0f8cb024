"""Reading and writing tables: the one place where files become DataFrames.

Every failure is a DataError naming the file and the problem, never a cell's content.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from synthguard.errors import DataError

if TYPE_CHECKING:
    from synthguard.policy import Policy

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl"}


def detect_format(path: Path, declared: str = "auto") -> str:
    if declared != "auto":
        return declared
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"{path}: cannot tell the format from the suffix; use .csv, .parquet or .jsonl "
                        "or set data.format")
    return fmt


def table_files(path: Path, declared: str = "auto") -> tuple[list[Path], str]:
    """The files of a table (one file, or a folder of parts in name order) and their format.

    A folder is what Spark, Ray and Hive-style exports write: ``part-*.parquet`` and the like;
    hidden and marker files (``.crc``, ``_SUCCESS``) are skipped, and the parts must share one format.
    """
    if not path.exists():
        raise DataError(f"input not found: {path}")
    if path.is_file():
        return [path], detect_format(path, declared)
    if not path.is_dir():
        raise DataError(f"input is not a file or folder: {path}")
    parts = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_"))
                   and p.stat().st_size > 0)
    kinds = {p: FORMATS.get(p.suffix.lower()) for p in parts}
    wanted = {declared} if declared != "auto" else {k for k in kinds.values() if k}
    if not wanted:
        raise DataError(f"{path}: the folder holds no .csv, .parquet or .jsonl file")
    if len(wanted) > 1:
        raise DataError(f"{path}: the folder mixes formats ({', '.join(sorted(wanted))}); keep one per folder")
    fmt = wanted.pop()
    files = [p for p in parts if kinds[p] == fmt]
    if not files:
        raise DataError(f"{path}: the folder holds no {fmt} file")
    return files, fmt


TEXT = ("*",)  # as_text: every CSV column as text, its type settled from its values (synthguard.column_types)


def read_table(path: str | Path, fmt: str = "auto", as_text: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read CSV (UTF-8), Parquet or JSON Lines (a file, or a folder of parts) into a DataFrame with rows.

    ``as_text`` names CSV columns of codes written in digits (NDC 00006494300), read as text so that their
    leading zeros stay; ``TEXT`` reads every CSV column as text, for the flows that settle each column's type
    from its values (a ward "007" stays a code, a blood pressure column with "n/a" in it stays numbers)."""
    files, fmt = table_files(Path(path), fmt)
    if len(files) == 1 and files[0] == Path(path):
        return _read_file(files[0], fmt, as_text=as_text)
    frames = [_read_file(f, fmt, whole=False, as_text=as_text) for f in files]
    first = list(frames[0].columns)
    for file, frame in zip(files[1:], frames[1:], strict=True):
        if list(frame.columns) != first:
            raise DataError(f"{file}: its columns differ from those of {files[0].name}")
    return check_frame(pd.concat(frames, ignore_index=True), str(path))


def _read_file(path: Path, fmt: str, whole: bool = True, as_text: tuple[str, ...] = ()) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty")
    try:
        if fmt == "csv":
            frame = _read_csv(path, as_text)
        elif fmt == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_json(path, lines=True, dtype=False)
    except DataError:
        raise
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (byte {error.start}); re-save it as UTF-8") from None
    except Exception as error:  # parsers raise many types; the message names the file and kind
        raise DataError(f"{path}: cannot read as {fmt} ({type(error).__name__})") from None
    return check_frame(frame, str(path)) if whole else frame  # a part of a folder may hold no rows


def _read_csv(path: Path, as_text: tuple[str, ...] = ()) -> pd.DataFrame:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: a Latin-1 export must not be half-decoded
    text = text.removeprefix("\ufeff")
    try:
        dtype = str if as_text == TEXT else ({c: str for c in as_text} or None)
        return pd.read_csv(io.StringIO(text), dialect=None, on_bad_lines="error", low_memory=False, dtype=dtype)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no header and no rows") from None
    except (pd.errors.ParserError, csv.Error) as error:
        line = _line_of(str(error))
        raise DataError(f"{path}: malformed CSV{line}") from None


def _line_of(message: str) -> str:
    # pandas says "Expected 14 fields in line 7, saw 15"; keep the position, not the text.
    found = re.search(r"line (\d+)", message)
    return f" at line {found.group(1)}" if found else ""


def check_frame(frame: pd.DataFrame, origin: str = "data") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{origin}: expected a pandas DataFrame or a path, got {type(frame).__name__}")
    if frame.shape[1] == 0:
        raise DataError(f"{origin}: no columns")
    if len(frame) == 0:
        raise DataError(f"{origin}: no rows")
    names = [str(c) for c in frame.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise DataError(f"{origin}: duplicated column names: {', '.join(duplicated)}")
    frame = frame.copy()
    frame.columns = names
    numeric = frame.select_dtypes(include="number")
    infinite = [c for c in frame.columns if (np.isinf(numeric[c].to_numpy(dtype="float64", na_value=np.nan)).any()
                                             if c in numeric.columns else _infinite_text(frame[c]))]
    if infinite:  # no synthesizer or distance handles them; refused before any fitting
        plural = len(infinite) > 1
        raise DataError(f"{origin}: column{'s' * plural} {', '.join(infinite)} hold{'' if plural else 's'} infinite "
                        "values; replace them (missing, or a bound) or drop those rows")
    return frame.reset_index(drop=True)


INFINITE_WORDS = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _infinite_text(series: pd.Series) -> bool:
    """A column read as text that spells an infinity ("inf"): it would read as an infinite number."""
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return False
    return bool(series.dropna().astype(str).str.strip().str.lower().isin(INFINITE_WORDS).any())


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write deterministically: same frame, same bytes."""
    if fmt == "parquet":
        frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    elif fmt == "csv":
        frame.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "jsonl":
        # force_ascii off: Japanese notes stay readable in the file, not \u escapes.
        frame.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def is_ray_dataset(data) -> bool:
    return type(data).__module__.startswith("ray.data") and hasattr(data, "to_pandas")


def read_input(data: str | Path | pd.DataFrame | None, policy: Policy) -> pd.DataFrame:
    """The input table: a DataFrame, a file or folder of parts, or a ``ray.data.Dataset``.

    A Dataset is gathered here because a synthesizer fits in one process (SDV has no
    distributed fit); the sampling, validation and writing that follow stay on the cluster.
    """
    if isinstance(data, pd.DataFrame):
        frame = check_frame(data, "input DataFrame")
    elif is_ray_dataset(data):
        frame = check_frame(data.to_pandas(), "input ray Dataset")
    elif isinstance(data, (str, Path)):
        frame = read_table(data, policy.data.format, as_text=TEXT)
    elif data is not None:
        raise DataError(f"data must be a path, a pandas DataFrame or a ray Dataset, got {type(data).__name__}")
    elif policy.data.source is not None:
        frame = read_table(policy.data.source, policy.data.format, as_text=TEXT)
    else:
        raise DataError("no input: give data, --input, or data.source in the policy")
    named = list(policy.data.columns) + ([policy.data.primary_key] if policy.data.primary_key else [])
    named += [c for rule in policy.generate.table.constraints for c in rule.columns]
    named += [c for columns in policy.validation.suite_columns().values() for c in columns]
    missing = [c for c in dict.fromkeys(named) if c not in frame.columns]
    if missing:
        raise DataError(f"the policy names column{'s' * (len(missing) > 1)} "
                        f"{', '.join(missing)} that the data does not have")
    return frame


def class_counts(shares: dict[str, float], rows: int) -> dict[str, int]:
    """Rows per class, largest remainder first, summing to ``rows``."""
    exact = {label: share * rows for label, share in shares.items()}
    counts = {label: int(value) for label, value in exact.items()}
    for label in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: rows - sum(counts.values())]:
        counts[label] += 1
    return counts


def frame_digest(frame: pd.DataFrame, *parts: object) -> bytes:
    """SHA-256 of a frame's columns and values (and of ``parts``, a policy digest and seed): the same input
    gives the same digest in every process."""
    import hashlib

    digest = hashlib.sha256()
    digest.update("\x00".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    for part in parts:
        digest.update(f"\x00{part}".encode())
    return digest.digest()
