"""An ETL step: synthesize a patient extract inside a pipeline, release only if the gate passes.

    python examples/etl_job.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import synthguard

ROOT = Path(__file__).resolve().parents[1]


def main(output: Path) -> int:
    extract = pd.read_csv(ROOT / "examples" / "data" / "heart_patients.csv")  # your query here
    policy = synthguard.load_policy(ROOT / "policies" / "medical.yaml")
    # A checked copy (policies are frozen); the policy gives scale, which rows replaces.
    policy = policy.updated({"generate": {"table": {"rows": 1000, "scale": None}}})

    release = synthguard.synthesize(extract, policy)
    release.write(output)  # report always; data only when the gate passed
    print(release.report.summary())
    if not release.passed:
        for check in release.report.failures:
            print(f"  {check.describe()}")
        return 1
    print(f"{len(release.data)} synthetic rows released to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "etl"))
