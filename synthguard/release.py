"""The release folder, written atomically: data only when the gate passed, always the report.

Files are written to a hidden sibling folder and renamed into place, so a reader never
sees half a release, and a failed run leaves the previous release untouched until the
new folder is complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from synthguard.data import write_table
from synthguard.errors import OutputError
from synthguard.policy import Policy
from synthguard.registry import engine
from synthguard.report import Report
from synthguard.report.card import dataset_card
from synthguard.report.html import render_html

RELEASE_FORMAT = "synthguard-release"
DATA_STEM = "synthetic"
PACKAGES = ("synthguard", "sdv", "sdmetrics", "rdt", "copulas", "ctgan", "presidio-analyzer", "presidio-anonymizer",
            "spacy", "faker", "pandas", "numpy", "pyarrow", "scikit-learn", "torch", "transformers",
            "sentence-transformers", "datasketch", "fairlearn", "great-expectations", "anonymeter")


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def is_release(folder: Path) -> bool:
    try:
        return json.loads((folder / "manifest.json").read_text())["format"] == RELEASE_FORMAT
    except (OSError, ValueError, KeyError, TypeError):
        return False


def check_output(folder: str | Path) -> Path:
    """Refuse, before any work, a folder that exists and holds something other than a release."""
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise OutputError(f"output {folder} exists and is not a folder")
        if any(folder.iterdir()) and not is_release(folder):
            raise OutputError(f"output folder {folder} exists and is not a previous synthguard "
                              "release; choose a new folder or empty it")
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class TablePayload:
    """One synthetic table, and the free text generated beside it."""

    data: pd.DataFrame
    texts: pd.DataFrame | None = None  # one row per released record (column, text[, row])
    # generate.text.improve: the LoRA adapter the texts were generated with (generators.improve.Adapter), trained
    # on released texts only; written as adapter/ and hashed in the manifest like every file.
    adapter: Any = None

    def write(self, staging: Path, formats: tuple[str, ...]) -> tuple[list[str], dict[str, dict]]:
        files = []
        for fmt in formats:
            write_table(self.data, staging / f"{DATA_STEM}.{fmt}", fmt)
            files.append(f"{DATA_STEM}.{fmt}")
        write_texts(self.texts, staging)
        if self.adapter is not None:
            self.adapter.save(staging / "adapter")
        return files, {}


@dataclass(frozen=True)
class LinkedTablesPayload:
    """A relational policy: every table by name, written as synthetic/<name>.<format>."""

    tables: dict[str, pd.DataFrame]

    def write(self, staging: Path, formats: tuple[str, ...]) -> tuple[list[str], dict[str, dict]]:
        (staging / DATA_STEM).mkdir()
        files = []
        for name, frame in self.tables.items():
            for fmt in formats:
                write_table(frame, staging / DATA_STEM / f"{name}.{fmt}", fmt)
                files.append(f"{DATA_STEM}/{name}.{fmt}")
        return files, {}


class Payload(Protocol):
    """What a release holds when the gate passed: ``TablePayload``, ``LinkedTablesPayload``, or an engine's own
    (engine ray: partitions on the cluster, engines/ray/payload.py). It writes itself into the staging folder and
    returns the data files the card lists and any manifest entries it computed ({path: {sha256, bytes}})."""

    def write(self, staging: Path, formats: tuple[str, ...]) -> tuple[list[str], dict[str, dict]]: ...


def write_texts(texts: pd.DataFrame | None, staging: Path) -> None:
    """Generated free text beside the table: one JSON line per released record."""
    if texts is not None:
        write_table(texts, staging / f"{DATA_STEM}_text.jsonl", "jsonl")


@dataclass
class Outcome:
    """What a flow found and would release: everything the report states, and the payload. ``release_of`` turns
    it into the Report and the Release, the one place either is built."""

    checks: list
    generator: str
    rows: dict[str, int]
    columns: dict[str, Any]
    notes: list[str]
    timings: dict[str, float]
    figures: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    payload: Payload | None = None


def report_of(outcome: Outcome, policy: Policy) -> Report:
    return Report(policy_name=policy.name, policy_sha256=policy.digest(), seed=policy.generate.table.seed,
                  checks=outcome.checks, generator=outcome.generator, rows=outcome.rows, columns=outcome.columns,
                  notes=outcome.notes, timings=outcome.timings, figures=outcome.figures, settings=outcome.settings)


def release_of(outcome: Outcome, policy: Policy) -> Release:
    """The Report, and the Release that holds the payload only when the gate passed (fail-closed)."""
    report = report_of(outcome, policy)
    return Release(report, outcome.payload if report.passed else None, tuple(policy.release.formats),
                   policy.release.license, policy.description)


def report_release(report: Report) -> Release:
    """A release of the report alone (``synthguard validate --report-dir``): no data, whatever the verdict."""
    return Release(report, None)


@dataclass(frozen=True)
class Release:
    """What ``synthesize`` returns: the report, and the payload, None when the gate failed."""

    report: Report
    payload: Payload | None = None
    formats: tuple[str, ...] = ("parquet", "csv")
    license: str = "other"  # for the dataset card (policy release.license)
    description: str = ""  # for the dataset card (policy description)

    @property
    def passed(self) -> bool:
        return self.report.passed

    @property
    def data(self) -> pd.DataFrame | None:
        """The released table (None when the gate failed, on engine ray and for linked tables)."""
        return self.payload.data if isinstance(self.payload, TablePayload) else None

    @property
    def texts(self) -> pd.DataFrame | None:
        return getattr(self.payload, "texts", None)

    @property
    def parts(self):
        """Engine ray: the table as partitions on the cluster."""
        return getattr(self.payload, "parts", None)

    @property
    def tables(self) -> dict[str, pd.DataFrame] | None:
        return self.payload.tables if isinstance(self.payload, LinkedTablesPayload) else None

    def to_ray(self):
        """The released table as a ``ray.data.Dataset`` (None when the gate failed or for linked tables)."""
        if hasattr(self.payload, "to_ray"):
            return self.payload.to_ray()
        if self.data is not None:
            return engine("ray").dataset_of(self.data)
        return None

    def write(self, folder: str | Path) -> Path:
        """Write the release folder atomically; returns its path."""
        folder = check_output(folder).absolute()
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.parent / f".{folder.name}.tmp-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            self._write_files(staging)
            _swap_into_place(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return folder

    def _write_files(self, staging: Path) -> None:
        data_files, written = [], {}
        if self.passed and self.payload is not None:
            data_files, written = self.payload.write(staging, self.formats)
        body = json.loads(json.dumps(self.report.to_dict()))  # as report.json reads back: re-renders match
        (staging / "report.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        (staging / "report.html").write_text(render_html(body), encoding="utf-8")
        (staging / "README.md").write_text(dataset_card(body, self.license, self.description, data_files),
                                           encoding="utf-8")
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        entries = {p.relative_to(staging).as_posix(): written.get(p.relative_to(staging).as_posix())
                   or {"sha256": _sha256(p), "bytes": p.stat().st_size} for p in files}
        manifest = {
            "format": RELEASE_FORMAT,
            "passed": self.passed,
            "policy": {"name": self.report.policy_name, "sha256": self.report.policy_sha256},
            "seed": self.report.seed,
            "files": dict(sorted(entries.items())),
            "packages": package_versions(),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                               encoding="utf-8")


def verify_release(folder: str | Path) -> tuple[list[str], int]:
    """Problems with a release folder against its manifest ("changed: x", "missing: x", "extra: x")
    and how many files were checked. A folder that is not a release is an OutputError."""
    folder = Path(folder)
    if not folder.is_dir() or not is_release(folder):
        raise OutputError(f"{folder} is not a synthguard release (no readable manifest.json)")
    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    problems = []
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif _sha256(path) != entry.get("sha256"):
            problems.append(f"changed: {name}")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    problems += [f"extra: {name}" for name in sorted(present - set(listed) - {"manifest.json"})]
    return problems, len(listed)


def _swap_into_place(staging: Path, folder: Path) -> None:
    if not folder.exists():
        staging.rename(folder)
        return
    retired = folder.parent / f".{folder.name}.old-{uuid.uuid4().hex[:8]}"
    folder.rename(retired)
    try:
        staging.rename(folder)
    except OSError:
        retired.rename(folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)
