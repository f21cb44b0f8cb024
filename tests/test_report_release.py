"""The release a reviewer signs: report.html in a real browser (headless Chromium), the dataset card,
the manifest that `synthguard report` verifies, and a report that stays light for a wide table."""

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from synthguard.cli import main
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's own background services, not the page: they appear in a net log whatever is loaded.
BROWSER_HOSTS = ("google.com", "gvt1.com", "googleapis.com", "gstatic.com")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    from tests.conftest import EXAMPLE_CSV, MEDICAL_POLICY

    folder = tmp_path_factory.mktemp("release")
    raw = yaml.safe_load(MEDICAL_POLICY.read_text())
    raw["data"]["source"] = str(EXAMPLE_CSV)
    raw["release"].pop("output", None)
    raw["generate"].pop("text", None)
    policy = folder / "policy.yaml"
    policy.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--output", str(folder / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder / "out"


def _copy(release, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(release, target)
    return target


def load_in_chromium(page, tmp_path) -> tuple[list[str], list[str]]:
    """Console messages and requested URLs (beyond the page itself) when Chromium loads ``page``."""
    net_log = tmp_path / "net.json"
    done = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         f"--log-net-log={net_log}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert "</html>" in done.stdout, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    events = json.loads(net_log.read_text()).get("events", [])
    urls = {e["params"]["url"] for e in events if "url" in e.get("params", {})}
    requested = sorted(u for u in urls if u != page.as_uri() and not any(h in u for h in BROWSER_HOSTS))
    return console, requested


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium_without_console_errors_or_requests(release, tmp_path):
    console, requested = load_in_chromium(release / "report.html", tmp_path)
    assert console == [] and requested == []
    # The harness does see both: a page with a script and an external image is caught.
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><body><img src="http://127.0.0.1:9/x.png">'
                   '<script>console.error("boom")</script></body></html>')
    console, requested = load_in_chromium(bad, tmp_path / "second")
    assert any("boom" in line for line in console) and requested == ["http://127.0.0.1:9/x.png"]


def test_report_holds_the_plots_a_reviewer_needs(release):
    html = (release / "report.html").read_text()
    report = json.loads((release / "report.json").read_text())
    figures = report["figures"]
    assert report["schema_version"] == 1
    assert {"age", "chol", "sex", "admission_date"} <= set(figures["distributions"])
    assert set(figures["representation"]) == {"age", "sex"} and figures["balance"]["column"] == "target"
    assert len(figures["correlations"]["real"]) == len(figures["correlations"]["columns"]) > 10
    assert sum(figures["dcr"]["synthetic"]) > 0 and sum(figures["dcr"]["holdout"]) > 0
    # Verdict first, then the checks table, then the plots.
    assert html.index("PASSED") < html.index("<h2>Checks</h2>") < html.index("<svg")
    assert html.count("<svg") >= len(figures["distributions"]) + 3
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_dataset_card_has_the_hub_header_and_the_verdict(release):
    card = (release / "README.md").read_text()
    _, header, body = card.split("---\n", 2)
    meta = yaml.safe_load(header)
    assert meta["license"] == "cc-by-4.0" and meta["size_categories"] == ["n<1K"]
    assert meta["task_categories"] == ["tabular-classification"]
    assert (release / meta["configs"][0]["data_files"]).is_file()
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["policy"]["sha256"] in body and "PASSED" in body and "synthguard" in body
    assert "Known limitations" in body


def test_report_command_verifies_and_rerenders_identically(release, tmp_path):
    result = CliRunner().invoke(main, ["report", str(release), "--html", str(tmp_path / "again.html")])
    assert result.exit_code == 0, result.output
    assert "identical" in result.output and "gate PASSED" in result.output
    assert (tmp_path / "again.html").read_text() == (release / "report.html").read_text()


@pytest.mark.parametrize("tamper, named", [
    (lambda d: d.joinpath("synthetic.csv").write_text(d.joinpath("synthetic.csv").read_text() + "1\n"),
     "changed: synthetic.csv"),
    (lambda d: d.joinpath("report.json").write_text(d.joinpath("report.json").read_text().replace(
        '"seed": 42', '"seed": 43')), "changed: report.json"),
    (lambda d: d.joinpath("README.md").unlink(), "missing: README.md"),
    (lambda d: d.joinpath("notes.txt").write_text("added later"), "extra: notes.txt"),
    (lambda d: d.joinpath("synthetic.parquet").write_bytes(d.joinpath("synthetic.parquet").read_bytes()[:-1] + b"x"),
     "changed: synthetic.parquet"),
])
def test_tampering_with_any_file_makes_report_exit_1_naming_it(release, tmp_path, tamper, named):
    folder = _copy(release, tmp_path)
    tamper(folder)
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 1 and named in result.output


def test_report_on_a_folder_that_is_not_a_release_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "not a synthguard release" in result.output


def test_report_for_a_100_column_table_stays_under_5_mb(tmp_path):
    rng = np.random.default_rng(0)
    adult = pd.read_csv(ROOT / "tests" / "data" / "uci_adult_5000.csv").head(2000)
    columns = {}
    for i in range(100):
        source = adult.columns[i % len(adult.columns)]
        values = adult[source]
        if pd.api.types.is_numeric_dtype(values):
            values = values + rng.normal(0, values.std() / 10 + 1e-9, len(values)).round(2)
        columns[f"{source}_{i}"] = values.to_numpy()
    real = pd.DataFrame(columns)
    synthetic = real.apply(lambda c: c.sample(frac=1, random_state=1).to_numpy())  # marginals kept
    real.to_csv(tmp_path / "real.csv", index=False)
    synthetic.to_csv(tmp_path / "synthetic.csv", index=False)
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump({"name": "wide", "scrub": {"detect_unlisted": False},
                                      "validate": {"suites": {"bias": {"enabled": False}}}}))
    result = CliRunner().invoke(main, ["validate", "--real", str(tmp_path / "real.csv"), "--synthetic",
                                       str(tmp_path / "synthetic.csv"), "--policy", str(policy),
                                       "--report", str(tmp_path / "report")])
    assert result.exit_code in (0, 1), result.output
    size = sum(p.stat().st_size for p in (tmp_path / "report").glob("report.*"))
    figures = json.loads((tmp_path / "report" / "report.json").read_text())["figures"]
    assert len(figures["distributions"]) == 100 and len(figures["correlations"]["columns"]) == 30
    assert (tmp_path / "report" / "report.html").stat().st_size < 5_000_000
    assert size < 5_000_000


def test_the_card_claims_only_what_was_checked():
    from synthguard.report.card import dataset_card

    base = {"policy": {"name": "p", "sha256": "0" * 64}, "passed": True, "checks": [], "rows": {"synthetic": 10}}
    plain = dataset_card({**base, "notes": ["free-text column 'notes' is not released: text generation is not "
                                            "configured"]}, "other", "", [])
    assert "describe no real person" not in plain and "do not prove" in plain
    assert "free-text columns were not released" in plain and "language model" not in plain
    rewritten = dataset_card({**base, "notes": ["free-text column 'notes': 3 records rewritten by m and released; "
                                                "These are de-identified rewrites of real patients' notes "
                                                "(paraphrase), not synthetic"]}, "other", "", [])
    assert "de-identified rewrites of real patients' notes" in rewritten and "scrubbed before" in rewritten


def test_histogram_ends_are_round_and_hide_the_extremes_among_enough_people():
    import numpy as np
    import pandas as pd

    from synthguard.report.figures import numeric_distribution

    ages = pd.Series(np.r_[np.random.default_rng(0).normal(55, 9, 300).round(), [102.0]])
    figure = numeric_distribution(ages, ages, "numerical", min_count=5)
    below, above = figure["real"][0] * len(ages), figure["real"][-1] * len(ages)
    assert round(below) >= 5 and round(above) >= 5  # the 102-year-old hides among at least five
    low, high = (float(x) for x in figure["labels"][1].split("–")[0:1] + figure["labels"][-2].split("–")[1:])
    assert low == round(low) and high == round(high) and "102" not in " ".join(figure["labels"])
