"""Identifier and text columns are found even when the policy does not name them."""

import numpy as np
import pandas as pd
import pytest

import synthguard
from synthguard.generalize import RareCategoryGeneraliser
from synthguard.policy import parse_policy
from synthguard.scrub.columns import ColumnRules, kind_from_name, plan_columns, settle_sdtypes
from synthguard.scrub.surrogates import column_template, surrogate_column


@pytest.fixture
def bare_policy():
    """A policy that names only the target: every other column must be judged by synthguard."""
    # The copula, not auto: auto is TabularARGN where installed, and on these 242 training rows it weakened
    # the target's links (cp, oldpeak, ca, thal: 0.41-0.49 real, 0.14-0.26 synthetic), which fails the gate.
    return parse_policy({"name": "bare", "data": {"columns": {"target": "target"}},
                         "generate": {"table": {"seed": 3, "synthesizer": "gaussian_copula"}}})


@pytest.fixture
def disguised(patients):
    """The example with identifier columns renamed so their names give nothing away."""
    return patients.rename(columns={"name": "col_a", "phone": "col_b", "address": "col_c",
                                    "mrn": "col_d", "patient_id": "col_e", "date_of_birth": "dob"})


@pytest.mark.parametrize("column, kind", [
    ("patient_name", "name"), ("FirstName", "first_name"), ("e-mail", "email"), ("home_phone", "phone"),
    ("SSN", "ssn"), ("mrn", "mrn"), ("street_address", "address"), ("zip_code", "zip"),
    ("date_of_birth", "date_of_birth"), ("patient_id", "id"),
])
def test_identifier_names_are_recognised(column, kind):
    assert kind_from_name(column) == kind


@pytest.mark.parametrize("column", ["age", "chol", "thalach", "drug", "diagnosis", "admission_date",
                                    "zipper_size", "identity_score"])
def test_clinical_names_are_not_identifiers(column):
    assert kind_from_name(column) is None


def test_undeclared_identifiers_are_found_by_their_values(disguised, bare_policy):
    plan = plan_columns(disguised, ColumnRules.of(bare_policy))
    found = {i.column: (i.kind, i.reason) for i in plan.identifiers}
    assert found["col_a"][0] == "name" and "PERSON" in found["col_a"][1]
    assert found["col_b"][0] == "phone"
    assert found["col_c"][0] in ("city", "address")
    assert set(found) >= {"col_d", "col_e", "dob"}
    assert plan.text == ["notes"]
    assert {"age", "chol", "thal", "target"} <= set(plan.model)
    assert not set(plan.model) & set(found)


def test_sdv_never_sees_undeclared_identifiers(disguised, bare_policy, tmp_path):
    release = synthguard.synthesize(disguised, bare_policy)
    assert release.passed
    text = release.data.to_csv()
    for column in ("col_a", "col_b", "col_c", "col_d", "col_e", "notes"):
        leaked = [v for v in disguised[column].astype(str) if v in text]
        assert not leaked, f"{len(leaked)} values of {column} copied"


def test_ordinal_and_label_columns_stay_modelled(patients, bare_policy):
    plan = plan_columns(patients, ColumnRules.of(bare_policy))
    sdtypes = settle_sdtypes(patients, plan, ColumnRules.of(bare_policy))
    assert sdtypes["target"] == "categorical"
    assert {"cp", "ca", "slope"} <= set(plan.model)


def test_rare_categories_are_not_released_verbatim(patients, bare_policy):
    planted = patients.copy()
    planted.loc[[3, 10, 50], "thal"] = "carrier-Zq9"  # 3 patients < min_category_count 5
    release = synthguard.synthesize(planted, bare_policy)
    assert "carrier-Zq9" not in set(release.data["thal"].astype(str))
    assert release.report.columns["generalised"]["thal"] >= 1


def test_generaliser_replaces_rare_codes_in_numeric_columns():
    frame = pd.DataFrame({"code": [1] * 10 + [2] * 10 + [9, 9]})
    gen = RareCategoryGeneraliser(min_count=5).fit(frame, {"code": "categorical"})
    out = gen.transform(frame)
    assert out["code"].isna().sum() == 2 and set(out["code"].dropna()) == {1, 2}


def test_code_template_keeps_only_what_every_value_shares():
    rng = np.random.default_rng(0)
    real = pd.Series([f"MRN-{n:08d}" for n in rng.integers(0, 10**8, 50)])
    assert column_template(real) == "MRN-########"
    made = surrogate_column("mrn", real, 200, seed=1, unique=True)
    assert made.str.fullmatch(r"MRN-\d{8}").all() and made.is_unique
    assert not set(made) & set(real)


def test_surrogates_are_seeded():
    real = pd.Series(["Ann Lee", "Bo Li"])
    first = surrogate_column("name", real, 20, seed=5)
    assert first.equals(surrogate_column("name", real, 20, seed=5))
    assert not first.equals(surrogate_column("name", real, 20, seed=6))


def test_integer_codes_with_generalised_values_stay_integers():
    frame = pd.DataFrame({"code": [1] * 10 + [2] * 10 + [9, 9]})
    gen = RareCategoryGeneraliser(min_count=5).fit(frame, {"code": "categorical"})
    restored = gen.restore_dtypes(gen.transform(frame))
    assert str(restored["code"].dtype) == "Int64" and restored["code"].isna().sum() == 2


def test_countries_are_categories_not_identifiers(bare_policy):
    # HIPAA Safe Harbor removes places smaller than a state; a country of origin is a category to model.
    countries = ["United-States", "Mexico", "Germany", "Canada", "India", "Philippines"] * 20
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"origin": countries, "target": rng.integers(0, 2, len(countries))})
    plan = plan_columns(frame, ColumnRules.of(bare_policy))
    assert "origin" in plan.model and "origin" not in [i.column for i in plan.identifiers]


def test_a_shape_too_narrow_for_new_values_is_widened_not_a_crash():
    """Ids 1..103 leave few two-digit values that are not real; 172 distinct surrogates need wider ones (issue 28:
    a survey's respondent numbers once stopped the run after fitting)."""
    from synthguard.scrub.surrogates import surrogate_column

    real = pd.Series(range(1, 104))
    drawn = surrogate_column("id", real, 172, seed=1, unique=True)
    assert drawn.is_unique and len(drawn) == 172 and not set(drawn) & set(real)
    assert pd.api.types.is_integer_dtype(drawn) and drawn.min() >= 1000  # widened, and no leading zero
