"""The table-generator protocol: configure in ``__init__``, learn in ``fit``, produce in ``sample``.

Generators are registered by name so a policy can pick one and a new engine (one that is
not SDV, whose licence is BUSL-1.1) is a new module, not a pipeline edit.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from synthguard.constraints import Constraint
from synthguard.errors import DataError
from synthguard.registry import TABLE_GENERATORS
from synthguard.version import __version__

MODEL_FILE, MANIFEST_FILE = "generator.pkl", "generator.json"


class TableGenerator:
    """Fits on the modelled columns of the training split; samples rows like them."""

    name: ClassVar[str]

    def __init__(self, parameters: dict[str, Any], constraints: list[Constraint],
                 sdtypes: dict[str, str]):
        self.parameters = parameters
        self.constraints = constraints
        self.sdtypes = sdtypes

    @classmethod
    def check_parameters(cls, parameters: dict[str, Any]) -> None:
        """Raise ValueError naming a parameter the engine does not accept."""

    def check_columns(self, sdtypes: dict[str, str]) -> None:
        """Raise ValueError when the modelled columns need something the parameters lack (before fitting)."""

    def fit(self, data: pd.DataFrame, seed: int = 0) -> TableGenerator:
        raise NotImplementedError

    def sample(self, num_rows: int, seed: int) -> pd.DataFrame:
        raise NotImplementedError

    def stratify_on(self, column: str | None) -> None:
        """Asked before ``fit`` to learn each class of ``column`` (the target) apart; a generator that keeps the
        target's links by itself (or must not: differential privacy) ignores it."""

    def stratified(self) -> str | None:
        """The column whose classes were learnt apart by ``fit``, if any."""
        return None

    def sample_conditioned(self, column: str, counts: dict[Any, int], seed: int) -> pd.DataFrame:
        """``counts[value]`` rows with ``column == value`` each (a policy's target distribution)."""
        raise NotImplementedError(f"{self.name} cannot sample to a target distribution")

    def save(self, folder: str | Path) -> Path:
        """Write the fitted generator to ``folder`` (created; it must not exist): the pickled generator and a
        manifest with its name, version and SHA-256. A fitted model carries what it learnt from the training
        rows: keep it as private as the data, and load only folders you wrote (unpickling runs code)."""

        folder = Path(folder)
        if folder.exists():
            raise DataError(f"{folder} exists; save a generator into a new folder")
        payload = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        staging = folder.with_name(f".{folder.name}.partial")
        staging.mkdir(parents=True)
        (staging / MODEL_FILE).write_bytes(payload)
        manifest = {"synthesizer": self.name, "synthguard_version": __version__, "sdtypes": self.sdtypes,
                    "sha256": hashlib.sha256(payload).hexdigest()}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        staging.rename(folder)  # the folder appears whole or not at all
        return folder


def load_generator(folder: str | Path) -> TableGenerator:
    """A generator saved by ``TableGenerator.save``, ready to ``sample``; its file must match the manifest's
    hash, and its synthesizer must be registered (a plugin's too)."""

    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
        payload = (folder / MODEL_FILE).read_bytes()
    except (OSError, ValueError):
        raise DataError(f"{folder}: not a saved generator (no readable {MANIFEST_FILE} and {MODEL_FILE})") from None
    if hashlib.sha256(payload).hexdigest() != manifest.get("sha256"):
        raise DataError(f"{folder}: {MODEL_FILE} does not match its manifest's SHA-256; not loading it")
    name = manifest.get("synthesizer")
    if name not in TABLE_GENERATORS:
        raise DataError(f"{folder}: {TABLE_GENERATORS.unknown(str(name))}")
    generator = pickle.loads(payload)  # noqa: S301 - hash-checked, and documented as trusted-only
    if not isinstance(generator, TABLE_GENERATORS[name]):
        raise DataError(f"{folder}: the file holds a {type(generator).__name__}, not a {name} generator")
    return generator


CONSTRAINT_ROUNDS = 10


def keep_valid(draw, broken, wanted: int, seed: int) -> pd.DataFrame:
    """``wanted`` rows of ``draw(rows, seed)`` for which ``broken(rows)`` is False, drawing again (twice what is
    missing, a new seed each round) up to CONSTRAINT_ROUNDS times. What is still missing then is filled from the
    first draw, broken rows included: left for the gate to fail in the report, not hidden."""
    rows = draw(wanted, seed)
    bad = broken(rows)
    if not bad.any():
        return rows
    kept = [rows[~bad]]
    have = len(kept[0])
    for round_ in range(1, CONSTRAINT_ROUNDS):
        if have >= wanted:
            break
        more = draw(max(wanted - have, 1) * 2, seed + round_)
        kept.append(more[~broken(more)])
        have += len(kept[-1])
    out = pd.concat(kept, ignore_index=True)
    if len(out) < wanted:
        out = pd.concat([out, rows.iloc[: wanted - len(out)]], ignore_index=True)
    return out.iloc[:wanted].reset_index(drop=True)
