"""What a release holds must be usable (issue 17): the target's links and each column's shape are judged one
by one, dates of birth agree with ages, lengths of stay keep their spread, instruction records carry a quality
score, public facts survive scrubbing, the same data, policy and seed give the same text, progress shows in a
log, and the report's figures compare like with like."""

import io
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.validation import validate_tables
from tests.conftest import ROOT, ChatHandler, serve

TARGET_PREDICTORS = {"cp", "thalach", "oldpeak"}  # real Cramér's V with target 0.40-0.47 on the heart data


def _fidelity(train, synthetic, holdout):
    policy = parse_policy({"name": "links", "data": {"columns": {"target": "target"}},
                           "validate": {"suites": {"privacy": {"enabled": False}, "bias": {"enabled": False},
                                                   "balance": {"enabled": False}}}})
    return {c.name: c for c in validate_tables(train, synthetic, holdout, policy).checks if c.suite == "fidelity"}


@pytest.fixture(scope="module")
def one_model_sample(split):
    train, _ = split
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], {c: "numerical" for c in ["age", "chol"]})
    return generator.fit(train, seed=1).sample(len(train), seed=2)


@pytest.fixture(scope="module")
def stratified_sample(split):
    train, _ = split
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], {c: "numerical" for c in ["age", "chol"]})
    generator.stratify_on("target")
    sample = generator.fit(train, seed=1).sample(len(train), seed=2)
    assert generator.stratified() == "target"
    return sample


def test_a_copula_without_strata_loses_the_target_links_and_the_gate_sees_each(split, one_model_sample):
    train, holdout = split
    checks = _fidelity(train, one_model_sample, holdout)
    links = {name.split(":")[1]: c for name, c in checks.items() if name.startswith("target_link:")}
    assert set(links) >= TARGET_PREDICTORS
    lost = {column for column, c in links.items() if not c.passed}
    assert TARGET_PREDICTORS & lost, {c: links[c].details for c in links}
    assert all(abs(links[c].details["real"]) >= 0.1 and "holdout" in links[c].details for c in links)


def test_learning_each_class_apart_keeps_every_target_link(split, stratified_sample):
    train, holdout = split
    checks = _fidelity(train, stratified_sample, holdout)
    links = {name: c for name, c in checks.items() if name.startswith("target_link:")}
    assert links and all(c.passed for c in links.values()), {n: c.details for n, c in links.items()}
    assert stratified_sample["target"].value_counts(normalize=True).sub(
        train["target"].value_counts(normalize=True)).abs().max() < 0.05


def test_one_ruined_column_fails_the_worst_column_check_though_the_mean_passes(split, stratified_sample):
    train, holdout = split
    ruined = stratified_sample.assign(chol=200)
    checks = _fidelity(train, ruined, holdout)
    worst = next(c for n, c in checks.items() if n.startswith("column_shape_min:"))
    assert worst.name == "column_shape_min:chol" and not worst.passed
    assert checks["column_shapes"].passed


def test_no_default_threshold_is_one_that_cannot_fail():
    from synthguard.validators import SUITES

    for name, suite in SUITES.items():
        for field_name, field in suite.Config.model_fields.items():
            if not field_name.startswith("min_") and "_min" not in field_name:
                continue
            floor = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
            # A share or score of at least 0 holds for any data (counts such as min_released >= 1 can fail).
            if field.default is not None and floor == 0:
                assert field.default > 0, f"{name}.{field_name} defaults to 0: a check that cannot fail"


def test_surrogate_birth_dates_give_each_row_its_age_and_no_real_date():
    from synthguard.scrub.surrogates import birth_dates, fingerprints

    ages = pd.Series([63, 37, 41, 0, None])
    admitted = pd.Series(["2023-03-01", "2024-02-29", "2022-12-31", "2023-06-15", "2023-01-01"])
    real = fingerprints(["1960-01-15"])
    born = birth_dates(ages, admitted, seed=3, avoid=real)
    for age, day, birth in zip(ages[:4], admitted[:4], born[:4], strict=True):
        on, b = pd.Timestamp(day), pd.Timestamp(birth)
        assert on.year - b.year - ((on.month, on.day) < (b.month, b.day)) == age
    assert born[4] is None
    assert born.equals(birth_dates(ages, admitted, seed=3, avoid=real))


def test_a_gap_that_lost_its_shape_fails_though_every_row_keeps_the_order():
    rng = np.random.default_rng(0)
    admitted = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 300, 400), unit="D")
    real = pd.DataFrame({"admitted": admitted, "discharged": admitted + pd.to_timedelta(
        rng.integers(1, 12, 400), unit="D")})
    collapsed = real.assign(discharged=real["admitted"] + pd.to_timedelta(rng.choice([0, 10], 400), unit="D"))
    dates = dict.fromkeys(("admitted", "discharged"), "quasi_identifier")  # dates the policy models
    policy = parse_policy({"name": "gap", "data": {"columns": dates}, "generate": {"table": {
                           "constraints": [{"type": "inequality", "low": "admitted", "high": "discharged"}]}},
                           "validate": {"suites": {s: {"enabled": False} for s in
                                                   ("privacy", "bias", "balance", "fidelity")}}})
    by_name = lambda frame: {c.name: c for c in validate_tables(real, frame, real, policy).checks}  # noqa: E731
    kept, lost = by_name(real.sample(frac=1, random_state=1)), by_name(collapsed)
    assert kept["gap_shape:admitted/discharged"].passed
    assert lost["inequality:admitted/discharged"].passed and not lost["gap_shape:admitted/discharged"].passed


class _Rater(ChatHandler):
    """An OpenAI-compatible judge: rates 2 any response that mentions "vague", else 5."""

    def do_POST(self):
        asked = self.read_body()["messages"][-1]["content"]
        response = asked.split("Response:\n", 1)[-1]
        self.send_reply("Rating: 2" if "vague" in response else "5")


def test_records_get_a_quality_score_and_the_reason_a_junk_record_is_dropped():
    from synthguard.generators import chat_model
    from synthguard.generators._record_quality import score_records
    from synthguard.generators.instructions import ModeContext
    from synthguard.generators.llm import LLMSettings
    from synthguard.generators.text import TextSettings

    good = "Water boils at 100 degrees Celsius at sea level because vapour pressure equals air pressure."
    responses = [good, "O.O.O. " * 20, "#Rewritten Prompt#: explain why water boils",
                 "The kettle heats the water and " + " ".join(f"then step {i}" for i in range(40)),
                 "Can I help you with anything else?", "It is vague, something about heat."]
    with serve(_Rater) as url:
        settings = TextSettings(mode="augment", judge_min_rating=3,
                                llm=LLMSettings(backend="openai", model="rater", base_url=url, max_new_tokens=128))
        ctx = ModeContext(chat_model(settings.llm), None, settings, 0, None)
        scored = score_records(ctx, ["Why does water boil at 100 degrees?"] * len(responses), responses,
                               ["#Rewritten Prompt#: rewrite the given prompt"], seed=0)
    reasons = [s.reason for s in scored]
    assert reasons == [None, "repetition", "prompt_leak", "truncated", "deflection", "low_rating"]
    assert scored[0].quality == 1.0 and scored[5].quality < 0.5


def test_public_facts_survive_the_instruction_policy_while_contact_details_do_not():
    from synthguard.api import scrub_texts

    fact = "Barack Obama was born in Honolulu, Hawaii in 1961."
    policy = ROOT / "policies" / "instruction-tuning.yaml"
    (kept, mailed) = scrub_texts([fact, "Write to jane.canary@example.org or call (555) 013-3713."], policy,
                                 key=b"k").texts
    assert kept == fact
    assert "jane.canary@example.org" not in mailed and "013-3713" not in mailed


class _Careful(ChatHandler):
    def do_POST(self):
        note = self.read_body()["messages"][-1]["content"]
        self.send_reply("Summary: " + note.replace("presents with", "is seen for"))


def test_the_same_data_policy_and_seed_give_the_same_text_without_a_key(medical_raw, write_policy, tmp_path,
                                                                        monkeypatch):
    monkeypatch.delenv("SYNTHGUARD_KEY", raising=False)
    medical_raw["generate"]["table"].pop("scale", None)
    medical_raw["generate"]["table"]["rows"] = 100
    medical_raw["validate"]["suites"]["factuality"] = {"action": "warn"}
    with serve(_Careful) as url:
        medical_raw["generate"]["text"] = {"max_rows": 6, "llm": {"backend": "openai", "model": "careful",
                                                                  "base_url": url}}
        policy = write_policy(medical_raw)
        outputs = []
        for run in ("a", "b"):
            result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--output",
                                               str(tmp_path / run), "--quiet"])
            assert result.exit_code in (0, 1), result.output
            outputs.append((tmp_path / run / "synthetic_text.jsonl").read_bytes())
    # Without a key the surrogates come from a random key drawn once per process, so now and then one rewrite
    # fails its checks under the names drawn (5 of 6 once in a full run): what matters here is that both runs
    # of one process agree, and that text was released.
    assert outputs[0] == outputs[1] and 4 <= len(outputs[0].splitlines()) <= 6


def test_progress_writes_lines_when_the_output_is_no_terminal(monkeypatch):
    from synthguard.progress import LineProgress, for_terminal

    assert isinstance(for_terminal(), LineProgress)  # pytest captures stderr: no terminal
    stream = io.StringIO()
    progress = LineProgress(stream, every=0)
    with progress.step("evolving 2 records", total=4) as advance:
        for _ in range(4):
            advance()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("  evolving 2 records ...")
    assert [re.search(r"(\d)/4", line)[1] for line in lines[1:-1]] == ["1", "2", "3", "4"]
    assert "done" in lines[-1]


def test_dcr_figure_shows_shares_and_heatmaps_name_their_columns_and_scale():
    from synthguard.report.figures import dcr_shares
    from synthguard.report.svg import heatmap

    shares = dcr_shares({"edges": [0, 1, 2], "synthetic": [300, 100], "holdout": [30, 10]})
    assert shares["synthetic"] == shares["holdout"] == [0.75, 0.25]
    assert shares["rows"] == {"synthetic": 400, "holdout": 40}
    svg = str(heatmap(["age", "chol"], [[1, 0.2], [0.2, 1]], "real"))
    assert svg.count(">age<") == 2 and svg.count(">chol<") == 2  # a row label and a column label each
    assert ">-1<" in svg and ">1<" in svg  # the colour key's ends


def test_a_failed_report_shows_no_sample_text_and_a_check_without_value_describes_itself():
    from synthguard.report.model import Report
    from synthguard.validators.base import Check

    failing = Check("factuality", "kept_share:notes", None, 0.5, ">=", False, "fail")
    figures = {"text": [{"column": "notes", "samples": ["a released note."]}]}
    assert "samples" not in Report("p", "0" * 64, 0, [failing], figures=figures).to_dict()["figures"]["text"][0]
    passing = Check("factuality", "kept_share:notes", 1.0, 0.5, ">=", True, "fail")
    assert Report("p", "0" * 64, 0, [passing], figures=figures).to_dict()["figures"]["text"][0]["samples"]
    assert failing.describe() == "factuality.kept_share:notes: no value (needs >= 0.5)"


def test_the_readme_writes_its_example_release_where_no_demo_has_put_other_files():
    readme = (ROOT / "README.md").read_text()
    target = re.search(r'release\.write\("([^"]+)"\)', readme)[1].rstrip("/")
    demo_outputs = set(re.findall(r"--output (out/[\w-]+)", (ROOT / "Makefile").read_text()))
    folders_holding_demos = {output.rsplit("/", 1)[0] for output in demo_outputs}  # {"out"}
    assert demo_outputs and target not in folders_holding_demos  # write() refuses a folder that holds other files



def test_a_numeric_inequality_fits_beside_the_refitted_marginals(split):
    from synthguard.constraints import Inequality

    train, _ = split
    assert (train["thalach"] > train["age"]).all()
    rule = Inequality(type="inequality", low="age", high="thalach")
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [rule], {c: "numerical" for c in ["age", "thalach"]})
    generator.stratify_on("target")
    sample = generator.fit(train, seed=0).sample(200, seed=1)  # SDV's own "age#thalach" column is not refitted
    assert len(sample) == 200 and (sample["thalach"] >= sample["age"]).all()
