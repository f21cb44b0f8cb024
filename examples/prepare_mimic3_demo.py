"""Copy the MIMIC-III Clinical Database Demo v1.4 into ``examples/data/mimic3_demo/`` with its dates repaired.

    python examples/prepare_mimic3_demo.py SOURCE_DIR [--out examples/data/mimic3_demo]

The copy this project received had ``PATIENTS.csv`` and ``ADMISSIONS.csv`` through a spreadsheet, which wrote
dates as ``M/D/YY H:MM`` and lost the century (MIMIC shifts dates into 2100-2210, per patient). The century
comes back from the other files: an admission's is the one that puts it nearest its ICU stays' ``INTIME``
(ISO in ``ICUSTAYS.csv``); a date of death is the first with those two digits at or after the patient's first
admission year; a date of birth is the one that makes the patient 0-99 at the first admission (MIMIC writes
patients over 89 as born about 300 years earlier; those dates precede 1900, which the spreadsheet left as ISO
text, so they are kept as they are). Every other file is copied unchanged. The data stay under ODbL 1.0
(the licence file is copied with them): Johnson et al., MIMIC-III, Scientific Data 2016; PhysioNet.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

FILES = ["PATIENTS", "ADMISSIONS", "ICUSTAYS", "DIAGNOSES_ICD", "PROCEDURES_ICD", "PRESCRIPTIONS"]
ADMISSION_DATES = ["ADMITTIME", "DISCHTIME", "DEATHTIME", "EDREGTIME", "EDOUTTIME"]
DEATH_DATES = ["DOD", "DOD_HOSP", "DOD_SSN"]


def _short(values: pd.Series) -> pd.DataFrame:
    """Month, day, two-digit year and time of ``M/D/YY H:MM`` strings; NaN where a value is ISO or missing."""
    return values.astype("string").str.extract(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<yy>\d{2}) (?P<t>\d{1,2}:\d{2})$")


def _with_year(parts: pd.DataFrame, years: pd.Series) -> pd.Series:
    text = (years.astype("Int64").astype("string") + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
            + " " + parts["t"].str.zfill(5) + ":00")
    return pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce")


def _nearest_century(yy: pd.Series, near: pd.Series) -> pd.Series:
    base = (near // 100) * 100 + yy
    candidates = pd.concat([base - 100, base, base + 100], axis=1)
    return candidates.apply(lambda row, n=near: row.iloc[(row - n.loc[row.name]).abs().argmin()], axis=1)


def repair_admissions(admissions: pd.DataFrame, icustays: pd.DataFrame) -> pd.DataFrame:
    intime = pd.to_datetime(icustays["INTIME"]).groupby(icustays["HADM_ID"]).min()
    near = admissions["HADM_ID"].map(intime).dt.year.astype(float)
    out = admissions.copy()
    for column in ADMISSION_DATES:
        parts = _short(out[column])
        yy = pd.to_numeric(parts["yy"], errors="coerce")
        years = _nearest_century(yy.fillna(0), near.fillna(2150)).where(yy.notna())
        out[column] = _with_year(parts, years).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out


def repair_patients(patients: pd.DataFrame, admissions: pd.DataFrame) -> pd.DataFrame:
    first = pd.to_datetime(admissions["ADMITTIME"]).groupby(admissions["SUBJECT_ID"]).min()
    first_year = patients["SUBJECT_ID"].map(first).dt.year.astype(float)
    out = patients.copy()
    for column in ["DOB", *DEATH_DATES]:
        parts = _short(out[column])
        yy = pd.to_numeric(parts["yy"], errors="coerce")
        # Born 0-99 years before the first admission; died at or after the first admission year.
        years = first_year - (first_year - yy) % 100 if column == "DOB" else first_year + (yy - first_year) % 100
        repaired = _with_year(parts, years.where(yy.notna())).dt.strftime("%Y-%m-%d %H:%M:%S")
        iso = pd.to_datetime(out[column].where(parts["yy"].isna()), errors="coerce", format="ISO8601")
        out[column] = repaired.where(yy.notna(), iso.dt.strftime("%Y-%m-%d %H:%M:%S"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "mimic3_demo")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tables = {name: pd.read_csv(args.source / f"{name}.csv", dtype=str) for name in FILES}
    tables["ADMISSIONS"] = repair_admissions(tables["ADMISSIONS"], tables["ICUSTAYS"])
    tables["PATIENTS"] = repair_patients(tables["PATIENTS"], tables["ADMISSIONS"])
    for name, frame in tables.items():
        frame.to_csv(args.out / f"{name}.csv", index=False)
    shutil.copy(args.source / "LICENSE-ODbL-1.0.txt", args.out / "LICENSE-ODbL-1.0.txt")
    print(f"wrote {len(FILES)} tables to {args.out}")


if __name__ == "__main__":
    main()
