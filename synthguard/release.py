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
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from synthguard.cluster.ray_engine import start_ray
from synthguard.cluster.ray_table import to_dataset, write_partitions
from synthguard.data import write_table
from synthguard.errors import OutputError
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


@dataclass
class Release:
    """What ``synthesize`` returns. ``data`` is None when the gate failed (fail-closed)."""

    data: pd.DataFrame | None
    report: Report
    formats: tuple[str, ...] = ("parquet", "csv")
    texts: pd.DataFrame | None = None  # generated free text: one row per released record (column, text)
    license: str = "other"  # for the dataset card (policy release.license)
    description: str = ""  # for the dataset card (policy description)
    # engine ray: the table stays on the cluster as partitions (engines.ray_table.Partitions), written by
    # one task each as synthetic/<format>/part-NNNNN.<format>; ``data`` is then None (see ``to_ray``).
    parts: Any = None
    partition_cpus: float = 1.0
    # a relational policy: every table by name, written as synthetic/<name>.<format>; None when the gate failed
    tables: dict[str, pd.DataFrame] | None = None

    @property
    def passed(self) -> bool:
        return self.report.passed

    def to_ray(self):
        """The released table as a ``ray.data.Dataset`` (engine ray; None when the gate failed)."""
        if self.parts is not None:

            return to_dataset(self.parts)
        if self.data is not None:

            return start_ray().data.from_pandas(self.data)
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
        if self.passed and self.parts is not None:

            written = write_partitions(self.parts, staging, DATA_STEM, self.formats, self.partition_cpus)
            data_files = [f"{DATA_STEM}/{fmt}/*.{fmt}" for fmt in self.formats]
        elif self.passed and self.data is not None:
            for fmt in self.formats:
                write_table(self.data, staging / f"{DATA_STEM}.{fmt}", fmt)
                data_files.append(f"{DATA_STEM}.{fmt}")
            if self.texts is not None:
                write_table(self.texts, staging / f"{DATA_STEM}_text.jsonl", "jsonl")
        elif self.passed and self.tables is not None:
            (staging / DATA_STEM).mkdir()
            for name, frame in self.tables.items():
                for fmt in self.formats:
                    write_table(frame, staging / DATA_STEM / f"{name}.{fmt}", fmt)
                    data_files.append(f"{DATA_STEM}/{name}.{fmt}")
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
