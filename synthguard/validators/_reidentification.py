"""Re-identification risk by attack (anonymeter): singling out, linkability, inference.

anonymeter plays an attacker who holds the synthetic table and tries to single out,
link or infer facts about training patients; the same attack on the holdout (patients
the generator never saw) is the control, so the risk is what the release adds.
anonymeter 1.1 pins numpy<1.27 and pyarrow<22, which is why it is an optional extra.
"""

from __future__ import annotations

import contextlib
import importlib.util
import warnings
from typing import Any

import numpy as np
import pandas as pd

from synthguard.measures.distance import numeric_values

# anonymeter's default, 10 million query attempts, spins for minutes when few columns
# allow few distinct singling-out queries (two quasi-identifiers: age and sex).
MAX_ATTEMPTS_PER_ATTACK = 200
SINGLING_OUT_ROWS_PER_ATTACK = 10
INSTALL_HINT = "pip install 'synthguard[anonymeter]'"


def available() -> bool:
    return importlib.util.find_spec("anonymeter") is not None


@contextlib.contextmanager
def _seeded(seed: int):
    """anonymeter's linkability and inference attacks draw from numpy's global generator."""
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(state)


def _attack_frame(frame: pd.DataFrame, columns: list[str], sdtypes: dict[str, str]) -> pd.DataFrame:
    """Dates as integer days (anonymeter's singling-out queries fail on datetime columns)."""
    out = frame[columns].reset_index(drop=True)
    for column in columns:
        if sdtypes[column] == "datetime":
            out[column] = numeric_values(out[column], "datetime")
        elif sdtypes[column] in ("categorical", "boolean"):
            out[column] = out[column].astype(str)
    return out


def _risk(evaluator, n_attacks: int) -> dict[str, Any]:
    risk = evaluator.risk(confidence_level=0.95)
    results = evaluator.results()
    return {"risk": float(risk.value), "ci95": [round(float(risk.ci[0]), 6), round(float(risk.ci[1]), 6)],
            "attack_success_rate": round(float(results.attack_rate.value), 6),
            "control_success_rate": round(float(results.control_rate.value), 6)
            if results.control_rate is not None else None,
            "attacks": n_attacks}


def attack_risks(train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame,
                 sdtypes: dict[str, str], quasi_identifiers: list[str], sensitive: list[str],
                 n_attacks: int, max_rows: int, seed: int) -> dict[str, dict[str, Any]]:
    """{attack name: risk, 95% CI, success rates, attacks} for the attacks the roles allow."""
    from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator, SinglingOutEvaluator

    columns = list(dict.fromkeys(quasi_identifiers + sensitive))
    # Attacks cost rows x attacks: bounded samples keep a million-row table in memory.
    ori, syn = (_attack_frame(f.sample(min(len(f), max_rows), random_state=seed), columns, sdtypes)
                for f in (train, synthetic))
    control = _attack_frame(holdout, columns, sdtypes)
    # The control set limits the attacks: each is tried once on a distinct holdout row.
    attacks = max(1, min(n_attacks, len(control), len(ori)))
    risks: dict[str, dict[str, Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anonymeter warns when the attack rate is below baseline
        if quasi_identifiers:
            # Against as many training rows as there are holdout rows: a query singles out one
            # row of a small table more easily, and anonymeter's size correction for unequal sets
            # put independent draws from the marginals at a 0.25 risk on the example (61 holdout rows).
            targets = ori.sample(min(len(ori), len(control)), random_state=seed)
            # Query generation scans the synthetic rows once per candidate query: 500 attacks
            # on 4,000 rows took 15 s, 200 on 2,000 rows 2 s (UCI Adult, 2 cores).
            sources = syn.sample(min(len(syn), SINGLING_OUT_ROWS_PER_ATTACK * attacks), random_state=seed)
            evaluator = SinglingOutEvaluator(targets[quasi_identifiers], sources[quasi_identifiers],
                                             n_attacks=attacks, n_cols=min(3, len(quasi_identifiers)),
                                             control=control[quasi_identifiers], seed=seed,
                                             max_attempts=MAX_ATTEMPTS_PER_ATTACK * attacks)
            risks["singling_out"] = _risk(evaluator.evaluate(mode="multivariate"), attacks)
        if len(quasi_identifiers) >= 2:
            half = len(quasi_identifiers) // 2
            aux = (quasi_identifiers[:half], quasi_identifiers[half:])
            with _seeded(seed):
                evaluator = LinkabilityEvaluator(ori, syn, aux_cols=aux, n_attacks=attacks,
                                                 n_neighbors=10, control=control).evaluate(n_jobs=1)
            risks["linkability"] = {**_risk(evaluator, attacks), "aux_columns": [list(a) for a in aux]}
        inference = []
        for secret in (s for s in sensitive if quasi_identifiers and s not in quasi_identifiers):
            with _seeded(seed):
                evaluator = InferenceEvaluator(ori, syn, aux_cols=quasi_identifiers, secret=secret,
                                               regression=sdtypes[secret] in ("numerical", "datetime"),
                                               n_attacks=attacks, control=control).evaluate(n_jobs=1)
            inference.append({**_risk(evaluator, attacks), "secret": secret})
        if inference:
            worst = max(inference, key=lambda r: r["risk"])
            risks["inference"] = {**worst, "per_secret": {r["secret"]: round(r["risk"], 6) for r in inference}}
    risks_rows = {"train": len(ori), "synthetic": len(syn), "holdout": len(control)}
    for risk in risks.values():
        risk["rows_measured"] = risks_rows
    return risks
