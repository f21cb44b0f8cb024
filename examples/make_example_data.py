"""Build examples/data/heart_patients.csv: real UCI heart data plus FAKE identifiers and notes.

The clinical columns are the UCI Heart Disease (Cleveland) table, unchanged (CC BY 4.0,
Detrano et al. 1989). Every name, MRN, phone, address, date and note added here is made
up by Faker from a fixed seed: no real person is described. They exist so that the
example has identifiers and free text to protect.

    python examples/make_example_data.py
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from faker import Faker

HERE = Path(__file__).parent / "data"
CHEST_PAIN = {1: "typical angina", 2: "atypical angina", 3: "non-anginal pain", 4: "no chest pain"}
REFERENCE = date(2024, 1, 1)


def note(fake: Faker, rng: random.Random, row: pd.Series, name: str, phone: str) -> str:
    sex = "M" if row["sex"] == 1 else "F"
    pain = CHEST_PAIN.get(int(row["cp"]), "chest discomfort")
    return (f"{name}, {int(row['age'])}{sex}, presents with {pain}. BP {int(row['trestbps'])}/"
            f"{rng.randint(60, 95)}, chol {int(row['chol'])}. Seen by Dr. {fake.last_name()}; "
            f"call back at {phone}.")


def main() -> None:
    heart = pd.read_csv(HERE / "uci_heart_cleveland.csv")
    fake = Faker("en_US")
    fake.seed_instance(20241)
    rng = random.Random(20241)
    rows = []
    for i, row in heart.iterrows():
        name = fake.name()
        phone = f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        born = REFERENCE - timedelta(days=int(row["age"]) * 365 + rng.randint(0, 364))
        admitted = REFERENCE + timedelta(days=rng.randint(0, 364))
        stay = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 10])
        rows.append({
            "patient_id": f"P{100000 + i}",
            "name": name,
            "mrn": f"MRN-{rng.randint(0, 99_999_999):08d}",
            "phone": phone,
            "address": fake.address().replace("\n", ", "),
            "date_of_birth": born.isoformat(),
            "admission_date": admitted.isoformat(),
            "discharge_date": (admitted + timedelta(days=stay)).isoformat(),
            **row.to_dict(),
            "notes": note(fake, rng, row, name, phone),
        })
    out = pd.DataFrame(rows)
    out.to_csv(HERE / "heart_patients.csv", index=False, lineterminator="\n")
    print(f"wrote {len(out)} rows to {HERE / 'heart_patients.csv'}")


if __name__ == "__main__":
    main()
