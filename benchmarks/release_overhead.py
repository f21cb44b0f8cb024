"""Wall time and leakage: synthguard's full release path vs SDV alone, same table, same run.

    python benchmarks/release_overhead.py [--repeats 3]

SDV alone: GaussianCopula with metadata detected by SDV, fit + sample on the whole
example table (identifiers, notes and all). synthguard: the shipped policy end to end
(column scan, fit, sample, validation, atomic write of the release). Leakage counts
how many real identifier/notes values reappear verbatim in each output.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "medical.yaml"
LEAK_COLUMNS = ["name", "mrn", "phone", "address", "date_of_birth", "notes"]


def sdv_alone(frame: pd.DataFrame, seed_rows: int) -> pd.DataFrame:
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes({"data": frame})
        synthesizer = GaussianCopulaSynthesizer(metadata, default_distribution="beta")
        synthesizer.fit({"data": frame})
        return synthesizer.sample(seed_rows)["data"]


def synthguard_release(out: Path) -> pd.DataFrame:
    import synthguard

    release = synthguard.synthesize(None, synthguard.load_policy(POLICY))
    release.write(out)
    return release.data


def leaked(real: pd.DataFrame, synthetic: pd.DataFrame) -> dict[str, int]:
    """Per column, how many distinct real values appear verbatim anywhere in the output."""
    text = synthetic.to_csv()
    return {c: sum(v in text for v in real[c].astype(str).unique()) for c in LEAK_COLUMNS}


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import synthguard  # noqa: F401  (imports and model loading are not what is measured)

    frame = pd.read_csv(ROOT / "examples" / "data" / "heart_patients.csv")
    sdv_times, sg_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            t_sdv, sdv_out = timed(sdv_alone, frame, len(frame))
            t_sg, sg_out = timed(synthguard_release, Path(tmp) / f"r{i}")
            sdv_times.append(t_sdv)
            sg_times.append(t_sg)
    sdv_median, sg_median = statistics.median(sdv_times), statistics.median(sg_times)
    print(f"table: {len(frame)} rows x {frame.shape[1]} columns; median of {args.repeats} runs")
    header = "".join(f"{c[:8]:>9}" for c in LEAK_COLUMNS)
    print(f"{'':34}{'wall s':>8}  real values leaked: {header}")
    for label, seconds, out in (("SDV GaussianCopula fit+sample", sdv_median, sdv_out),
                                ("synthguard synth (full release)", sg_median, sg_out)):
        counts = "".join(f"{n:>9}" for n in leaked(frame, out).values())
        print(f"{label:34}{seconds:>8.2f}  {'':20}{counts}")
    print(f"ratio synthguard / SDV: {sg_median / sdv_median:.2f}x")


if __name__ == "__main__":
    main()
