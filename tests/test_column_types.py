"""Every column keeps its type and meaning through every registered generator, and the gate fails closed when
it does not (issue 27): dates stay dates in the input's format, a date gap keeps its shape, integers stay
integers, codes keep their leading zeros, and no generator's own token (``_RARE_``) or a blank where the real
column is full reaches a release unseen."""

import numpy as np
import pandas as pd
import pytest

from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from tests.conftest import EXAMPLE_CSV

ICD10 = {1: "I20.9", 2: "I20.8", 3: "R07.89", 4: "R07.9"}  # chest pain type as the diagnosis code it would carry
WARDS = {0: "007", 1: "012", 2: "023"}  # a code written in digits with leading zeros (restecg's ward)
FAST = {"ctgan": {"epochs": 20}, "tvae": {"epochs": 20}, "copulagan": {"epochs": 20},
        "tabular_argn": {"model": "MOSTLY_AI/Small"},
        "dp_mst": {"epsilon": 10.0, "bins": 8}, "dp_aim": {"epsilon": 10.0, "bins": 8}}


def typed_table() -> pd.DataFrame:
    """The heart example with every kind of column: dates (and a gap), a datetime, integers, floats,
    categories and two code columns."""
    real = pd.read_csv(EXAMPLE_CSV)
    rng = np.random.default_rng(0)
    hours = pd.to_timedelta(rng.integers(0, 24 * 60, len(real)), unit="min")
    return pd.DataFrame({
        "admission_date": real["admission_date"], "discharge_date": real["discharge_date"],
        "triaged_at": (pd.to_datetime(real["admission_date"]) + hours).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "age": real["age"], "chol": real["chol"], "oldpeak": real["oldpeak"], "sex": real["sex"],
        "thal": real["thal"], "icd10": real["cp"].map(ICD10), "ward": real["restecg"].map(WARDS),
        "target": real["target"]})


def _bounds(frame: pd.DataFrame) -> dict:
    # Public bounds a DP user would state: generous ranges, dates as dates, the stay in days.
    return {"admission_date": ["2020-01-01", "2026-12-31"], "triaged_at": ["2020-01-01", "2026-12-31"],
            "discharge_date": [0, 60], "age": [18, 100], "chol": [100, 600], "oldpeak": [0, 7]}


def _policy(name: str, parameters: dict) -> dict:
    # Dates of a person are identifiers unless the policy models them (HIPAA Safe Harbor): these are named.
    dates = dict.fromkeys(("admission_date", "discharge_date", "triaged_at"), "quasi_identifier")
    return {"name": f"types-{name}", "data": {"columns": {"target": "target", **dates}},
            "generate": {"table": {"synthesizer": name, "parameters": parameters, "seed": 3,
                                   "constraints": [{"type": "inequality", "low": "admission_date",
                                                    "high": "discharge_date"}]}},
            "validate": {"action": "warn", "suites": {"privacy": {"enabled": False}, "bias": {"enabled": False}}}}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed")
    frame = typed_table()
    frame.to_csv(folder / "typed.csv", index=False)
    as_parquet = frame.assign(**{c: pd.to_datetime(frame[c], format="ISO8601") for c in (
        "admission_date", "discharge_date", "triaged_at")})
    as_parquet.to_parquet(folder / "typed.parquet", index=False)
    return {"csv": folder / "typed.csv", "parquet": folder / "typed.parquet"}


def _installed(name: str) -> bool:
    try:
        TABLE_GENERATORS[name].check_parameters(FAST.get(name, {}) or {"epsilon": 1.0})
    except ValueError as error:
        return "not installed" not in str(error)
    return True


# Every generator synthguard registers (a plugin's is tested by its own distribution).
GENERATORS = [n for n in TABLE_GENERATORS if TABLE_GENERATORS[n].__module__.startswith("synthguard.")]
CASES = [(g, "csv") for g in GENERATORS] + [("gaussian_copula", "parquet"), ("tabular_argn", "parquet"),
                                             ("dp_mst", "parquet"), ("cart", "parquet")]


@pytest.mark.parametrize("generator,fmt", CASES)
def test_every_generator_keeps_each_columns_type_and_meaning(generator, fmt, sources):
    from synthguard.pipeline import synthesize

    if not _installed(generator):
        pytest.skip(f"{generator}'s extra is not installed")
    parameters = dict(FAST.get(generator, {}))
    if generator.startswith("dp_"):
        parameters["bounds"] = _bounds(typed_table())
    release = synthesize(sources[fmt], parse_policy(_policy(generator, parameters)))
    real = pd.read_csv(sources["csv"], dtype={"ward": str}) if fmt == "csv" else pd.read_parquet(sources["parquet"])
    out = release.data
    assert out is not None and list(out.columns) == list(real.columns)
    types = {c.name: c for c in release.report.checks if c.suite == "types"}
    assert types["unreadable_values"].passed and types["foreign_values"].passed, types
    for column in ("admission_date", "discharge_date", "triaged_at"):
        if fmt == "csv":  # written back as the input wrote them
            fmt_ = "%Y-%m-%d %H:%M:%S" if column == "triaged_at" else "%Y-%m-%d"
            assert out[column].map(type).eq(str).all(), column
            assert pd.to_datetime(out[column], format=fmt_, errors="coerce").notna().all(), column
        else:
            assert pd.api.types.is_datetime64_any_dtype(out[column]), column
    days = pd.to_datetime(out["discharge_date"]) - pd.to_datetime(out["admission_date"])
    assert (days >= pd.Timedelta(0)).all()
    for column in ("age", "chol"):
        assert pd.api.types.is_integer_dtype(out[column]), column
    assert pd.api.types.is_float_dtype(out["oldpeak"]) or pd.api.types.is_integer_dtype(out["oldpeak"])
    allowed = {"Other"}
    for column in ("thal", "icd10", "ward", "sex", "target"):
        assert set(out[column].dropna().astype(str)) <= set(real[column].dropna().astype(str)) | allowed, column
    assert out["ward"].dropna().str.match(r"^0\d\d$").all()  # the code's leading zero kept
    flat = out.astype(str)
    assert not flat.apply(lambda c: c.str.contains("_RARE_")).any().any()
    for column in real.columns:  # no blank where the real column has none
        if real[column].notna().all():
            assert out[column].notna().mean() >= 0.98, column
    if generator in ("tabular_argn", "cart"):
        from scipy.stats import ks_2samp

        real_days = (pd.to_datetime(real["discharge_date"]) - pd.to_datetime(real["admission_date"])).dt.days
        assert ks_2samp(real_days, days.dt.days).statistic <= 0.1


def test_whole_numbers_keep_the_storage_the_input_gave_them():
    """A DataFrame or Parquet file that holds ages as floats (31.0) gets floats back; text from a CSV and
    integer columns get integers. A user's schema is not changed by the release."""
    from synthguard.column_types import infer, restore

    drawn = pd.Series([46.0, 31.0, np.nan])
    as_float = restore(drawn, infer(pd.Series([31.0, 64.0, 38.0])))
    as_int = restore(drawn.fillna(50), infer(pd.Series([31, 64, 38])))
    from_text = restore(drawn, infer(pd.Series(["31", "64", "38"], dtype=object)))
    assert as_float.dtype == "float64" and as_float.iloc[1] == 31.0
    assert as_int.dtype == "int64" and from_text.dtype == "Int64"
