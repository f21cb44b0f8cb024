"""scrub → generate → validate → release: ``synthesize`` hands the input to its flow (flows/: one table, linked
tables, an instruction dataset) and turns the flow's Outcome into the Release (``release.release_of``)."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from synthguard.data import read_input
from synthguard.errors import DataError
from synthguard.flows.instructions import synthesize_instructions
from synthguard.flows.relational import synthesize_tables
from synthguard.flows.table import synthesize_table
from synthguard.generators import TEXT_MODES
from synthguard.policy import Policy, load_policy
from synthguard.progress import Progress
from synthguard.release import Release, release_of


def synthesize(data: str | Path | pd.DataFrame | None, policy: Policy | str | Path,
               progress: Progress | None = None) -> Release:
    """Run the policy on a table (path, DataFrame, or the policy's own source), linked tables (a relational
    policy) or an instruction dataset (an instruction text mode)."""
    policy = policy if isinstance(policy, Policy) else load_policy(policy)
    progress = progress or Progress()
    started = time.perf_counter()
    if policy.relational is not None:
        if data is not None:
            raise DataError("a relational policy reads its tables from relational.tables; give no input")
        outcome = synthesize_tables(policy, progress)
    else:
        frame = read_input(data, policy)
        instructions = policy.generate.text is not None and TEXT_MODES[policy.generate.text.mode].instruction_data
        outcome = (synthesize_instructions(frame, policy, progress) if instructions else
                   synthesize_table(frame, policy, progress, started))
    return release_of(outcome, policy)
