"""What differential privacy costs: smartnoise-synth MST and AIM at epsilon 1 and 10 beside the non-private
Gaussian copula, on a real table, each through the whole ``synthguard synth`` gate.

    python benchmarks/dp_utility.py [--out DIR]

The table is lifelines' GBSG2 (German Breast Cancer Study Group trial, 686 patients; target ``cens``).
The numeric bounds below are public knowledge about such a trial (ages 18-100, tumour size 0-150 mm, ...),
not read from the data, as differential privacy requires. Printed per generator: fit+sample+validate time,
SDMetrics column shapes and pair trends, real-vs-synthetic detection AUC, the train-on-synthetic utility
ratio, and the privacy suite's membership-attack AUC.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

BOUNDS = {"age": [18, 100], "tsize": [0, 150], "pnodes": [0, 60], "progrec": [0, 3000], "estrec": [0, 1500],
          "time": [0, 3000]}
RUNS = [("gaussian_copula (not private)", "gaussian_copula", {}),
        ("dp_mst epsilon 1", "dp_mst", {"epsilon": 1.0, "bounds": BOUNDS}),
        ("dp_mst epsilon 10", "dp_mst", {"epsilon": 10.0, "bounds": BOUNDS}),
        ("dp_aim epsilon 1", "dp_aim", {"epsilon": 1.0, "bounds": BOUNDS}),
        ("dp_aim epsilon 10", "dp_aim", {"epsilon": 10.0, "bounds": BOUNDS})]
SHOWN = ["column_shapes", "column_pair_trends", "detection_auc", "utility_ratio", "membership_attack_auc"]


def main() -> None:
    from lifelines.datasets import load_gbsg2

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=None, help="keep the releases here (default: a temporary folder)")
    args = parser.parse_args()
    work = Path(args.out or tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    load_gbsg2().to_csv(work / "gbsg2.csv", index=False)
    print(f"{'generator':32}{'seconds':>9}" + "".join(f"{name:>24}" for name in SHOWN) + f"{'gate':>8}")
    for label, synthesizer, parameters in RUNS:
        policy = {"name": "dp-utility", "data": {"source": "gbsg2.csv", "columns": {"cens": "target"}},
                  "generate": {"table": {"synthesizer": synthesizer, "parameters": parameters, "seed": 1}},
                  "validation": {"suites": {"fidelity": {"action": "warn"}}}}
        path = work / f"{synthesizer}-{parameters.get('epsilon', 0):g}.yaml"
        path.write_text(yaml.safe_dump(policy))
        out = work / path.stem
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "synthguard.cli", "synth", "--policy", str(path), "--output",
                        str(out), "--quiet"], check=False, capture_output=True)
        seconds = time.perf_counter() - started
        report = json.loads((out / "report.json").read_text())
        values = {c["name"]: c["value"] for c in report["checks"]}
        cells = "".join(f"{values.get(n) if values.get(n) is None else round(values[n], 3):>24}" for n in SHOWN)
        print(f"{label:32}{seconds:>9.1f}{cells}{'pass' if report['passed'] else 'FAIL':>8}")


if __name__ == "__main__":
    main()
