"""MOSTLY AI's TabularARGN behind the generator protocol, on a real table (lifelines' GBSG2): selectable by
name, bad parameters refused when the policy loads, the same release for the same seed, target shares by
conditional sampling, policy constraints held by drawing again, values written like the real column's."""

import hashlib

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.constraints import Inequality
from synthguard.errors import PolicyError
from synthguard.policy import parse_policy

pytest.importorskip("mostlyai.engine")

from synthguard.generators import TABLE_GENERATORS  # noqa: E402
from synthguard.generators.tabular_argn import decimal_shares, round_like  # noqa: E402

FAST = {"max_epochs": 3}


@pytest.fixture(scope="module")
def gbsg2():
    from lifelines.datasets import load_gbsg2

    return load_gbsg2()


@pytest.mark.parametrize("parameters, needle", [
    ({"epochs": 3}, "unknown parameter epochs"),
    ({"model": "MOSTLY_AI/Huge"}, "parameters.model must be one of"),
    ({"max_epochs": -1}, "max_epochs must be a positive number"),
    ({"numeric_encoding": "quantile"}, "numeric_encoding must be one of"),
    ({"differential_privacy": {"delta": 1e-5}}, "max_epsilon is required"),
    ({"differential_privacy": {"max_epsilon": 2, "sigma": 1}}, "unknown differential_privacy key sigma"),
])
def test_bad_parameters_are_refused_when_the_policy_loads(parameters, needle):
    with pytest.raises(PolicyError, match=needle):
        parse_policy({"name": "argn", "generate": {"table": {"synthesizer": "tabular_argn",
                                                              "parameters": parameters}}})


def test_the_same_policy_and_seed_release_the_same_rows(gbsg2, tmp_path):
    gbsg2.to_csv(tmp_path / "gbsg2.csv", index=False)
    policy = {"name": "argn", "data": {"source": "gbsg2.csv", "columns": {"cens": "target"}},
              "generate": {"table": {"synthesizer": "tabular_argn", "parameters": FAST, "seed": 4}},
              "validation": {"suites": {"fidelity": {"action": "warn"}}}}
    (tmp_path / "argn.yaml").write_text(yaml.safe_dump(policy))
    digests = []
    for out in ("a", "b"):
        result = CliRunner().invoke(main, ["synth", "--policy", str(tmp_path / "argn.yaml"), "--output",
                                           str(tmp_path / out), "--quiet"])
        assert result.exit_code == 0, result.output
        digests.append(hashlib.sha256((tmp_path / out / "synthetic.csv").read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    synthetic = pd.read_csv(tmp_path / "a" / "synthetic.csv")
    assert list(synthetic.columns) == list(gbsg2.columns) and len(synthetic) > 0


def test_target_shares_and_constraints_are_kept(gbsg2):
    real = gbsg2[gbsg2["pnodes"] <= gbsg2["tsize"]].reset_index(drop=True)
    rule = Inequality(type="inequality", low="pnodes", high="tsize")
    generator = TABLE_GENERATORS["tabular_argn"](FAST, [rule], {}).fit(real, seed=1)
    try:
        conditioned = generator.sample_conditioned("cens", {0: 40, 1: 60}, seed=2)
        plain = generator.sample(200, seed=3)
    finally:
        generator.close()
    assert conditioned["cens"].value_counts().to_dict() == {1: 60, 0: 40}
    assert not rule.violated(conditioned).any() and not rule.violated(plain).any()
    assert len(plain) == 200 and plain.dtypes.to_dict() == real.dtypes.to_dict()


def test_sampled_values_are_written_to_the_real_columns_precision():
    # flchain's lambda: three significant digits, so 0.683 and 4.86; the engine samples 14 decimals.
    real = pd.Series([0.683, 0.912, 4.86, 1.72, 12.4, 0.047, 2.22])
    shares = decimal_shares(real)
    assert shares[-1] == {3: 1.0} and shares[0] == {2: 1.0} and shares[1] == {1: 1.0}
    sampled = pd.Series([0.41024704346815, 3.80354471713585, 17.2430384, np.nan])
    rounded = round_like(sampled, shares, seed=0)
    assert rounded.iloc[:3].tolist() == [0.41, 3.8, 17.2]
    assert np.isnan(rounded.iloc[3])


def test_missing_categories_come_back_as_nan_not_none(gbsg2):
    real = gbsg2.copy()
    real.loc[real.index[::5], "menostat"] = np.nan
    generator = TABLE_GENERATORS["tabular_argn"](FAST, [], {}).fit(real, seed=0)
    try:
        sampled = generator.sample(300, seed=1)
    finally:
        generator.close()
    missing = sampled["menostat"][sampled["menostat"].isna()]
    assert len(missing) > 0 and all(isinstance(v, float) for v in missing)
