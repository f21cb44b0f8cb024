"""Is the released table usable? The shipped policy beside the same SDV GaussianCopula fitted as one model.

    python benchmarks/release_usability.py [--data CSV] [--policy YAML] [--seeds 42 43 44]

Per seed, both releases are made from the same data, policy and seed; the peer is the flow before issue 17:
SDV's GaussianCopula over all classes at once (``stratify_by_target: false``), SDV's own Inequality
constraint for the dates instead of synthguard's day gaps, and birth dates drawn within the real years
instead of from each row's age. Printed side by side:
- each predictor's association with the target (bias-corrected Cramér's V, numbers cut into real deciles),
  real training rows vs synthetic;
- train-on-synthetic, test-on-real: balanced accuracy on the release's own holdout rows of a gradient
  boosting model trained on the synthetic rows, beside the same model trained on the real training rows;
- length of stay (discharge - admission, days): 1 - KS against the real rows, and the share of rows on its
  two most common values;
- dates of birth that contradict the age column by more than 1.5 years on the admission date.
Measured with scipy and scikit-learn here, not with the validators the gate runs.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PREDICTORS = ["cp", "thalach", "oldpeak", "exang", "ca", "thal", "age", "sex"]


def cramers_v(x: pd.Series, y: pd.Series, edges: dict) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013)."""
    from scipy.stats import chi2_contingency

    if x.name in edges:
        x = pd.cut(x, edges[x.name], include_lowest=True)
    table = pd.crosstab(x.astype(str), y.astype(str)).to_numpy()
    if min(table.shape) < 2:
        return 0.0
    n = table.sum()
    phi2 = chi2_contingency(table, correction=False)[0] / n
    r, k = table.shape
    phi2 = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    r, k = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    return float(np.sqrt(phi2 / max(min(k - 1, r - 1), 1e-9)))


def tstr(train: pd.DataFrame, test: pd.DataFrame, target: str, features: list[str]) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import balanced_accuracy_score

    encode = lambda f: pd.get_dummies(f[features].astype({"thal": str}), dtype=float)  # noqa: E731
    x_train, x_test = encode(train), encode(test)
    x_test = x_test.reindex(columns=x_train.columns, fill_value=0.0)
    model = HistGradientBoostingClassifier(random_state=0).fit(x_train, train[target].astype(str))
    return float(balanced_accuracy_score(test[target].astype(str), model.predict(x_test)))


def stay_days(frame: pd.DataFrame) -> pd.Series:
    return (pd.to_datetime(frame["discharge_date"]) - pd.to_datetime(frame["admission_date"])).dt.days


def birth_mismatch(frame: pd.DataFrame) -> float:
    years = (pd.to_datetime(frame["admission_date"]) - pd.to_datetime(frame["date_of_birth"])).dt.days / 365.25
    return float(((years - frame["age"]).abs() > 1.5).mean())


def release(frame: pd.DataFrame, policy_path: Path, seed: int, before: bool):
    """The release and its own train/holdout split. ``before``: the flow before issue 17 (one model over all
    classes, SDV's Inequality constraint for the dates, birth dates drawn within the real years)."""
    import synthguard
    from synthguard.generators import date_gaps as _date_gaps
    from synthguard.steps import derived_seeds, split_holdout

    policy = synthguard.load_policy(policy_path).updated({
        "generate": {"table": {"seed": seed}, "text": None},
        "validate": {"action": "warn"}})  # the data of a failing release too: its failed checks are printed
    gaps = _date_gaps.DateGaps.__init__
    if before:
        policy = policy.updated({"generate": {"table": {"stratify_by_target": False}}, "data": {"columns": {
            name: {"age": None, "age_on": None} for name, spec in policy.data.columns.items()
            if getattr(spec, "age", None)}}})
        # No gap columns: the date inequality goes to SDV's own constraint, as before issue 17.
        _date_gaps.DateGaps.__init__ = lambda self, constraints, sdtypes: gaps(self, [], sdtypes)
    try:
        out = synthguard.synthesize(frame, policy)
    finally:
        _date_gaps.DateGaps.__init__ = gaps
    split_seed = derived_seeds(seed, 1)[0]
    model = list(out.report.columns["model"])
    train, holdout = split_holdout(frame[model], policy.validation.holdout, split_seed, "target")
    return out, train, holdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "examples" / "data" / "heart_patients.csv")
    parser.add_argument("--policy", type=Path, default=ROOT / "policies" / "medical.yaml")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42])
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    warnings.filterwarnings("ignore")
    frame = pd.read_csv(args.data)
    for seed in args.seeds:
        rows, failed = {}, {}
        for label, before in (("one model (peer)", True), ("synthguard", False)):
            out, train, holdout = release(frame, args.policy, seed, before)
            synthetic = out.data
            edges = {c: np.unique(np.quantile(train[c], np.linspace(0, 1, 11))) for c in ("thalach", "oldpeak", "age")}
            features = [c for c in PREDICTORS if c in train.columns]
            real_stay, synthetic_stay = stay_days(train), stay_days(synthetic)
            from scipy.stats import ks_2samp

            failed[label] = [f"{c.suite}.{c.name}" for c in out.report.checks if not c.passed]
            rows[label] = {
                **{f"V({c}, target)": cramers_v(synthetic[c].rename(c), synthetic["target"], edges)
                   for c in ("cp", "thalach", "oldpeak")},
                "TSTR balanced acc": tstr(synthetic, holdout, "target", features),
                "LOS 1-KS": 1 - ks_2samp(real_stay, synthetic_stay).statistic,
                "LOS top-2 share": float(synthetic_stay.value_counts(normalize=True).head(2).sum()),
                "DOB contradicts age": birth_mismatch(synthetic),
                "checks failed": str(sum(not c.passed for c in out.report.checks)),
            }
        real = {**{f"V({c}, target)": cramers_v(train[c].rename(c), train["target"], edges)
                   for c in ("cp", "thalach", "oldpeak")},
                "TSTR balanced acc": tstr(train, holdout, "target", features),
                "LOS 1-KS": 1.0, "LOS top-2 share": float(stay_days(train).value_counts(normalize=True).head(2).sum()),
                "DOB contradicts age": birth_mismatch(frame), "checks failed": ""}
        for label in rows:
            print(f"seed {seed}, {label}: failed {', '.join(failed[label]) or 'nothing'}")
        print(f"\nseed {seed} ({len(train)} training rows, {len(holdout)} holdout rows)")
        print(f"{'':22} {'real':>10} {'one model':>12} {'synthguard':>12}")
        for key in real:
            cells = [real[key], rows["one model (peer)"][key], rows["synthguard"][key]]
            print(f"{key:22} " + " ".join(f"{c:>{w}.3f}" if isinstance(c, float) else f"{c:>{w}}"
                                          for c, w in zip(cells, (10, 12, 12), strict=True)))


if __name__ == "__main__":
    main()
