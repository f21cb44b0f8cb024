"""The dataset card: README.md in the Hugging Face dataset-card format (YAML header + prose),
so that a release folder can be pushed to a dataset hub as it is.

Built from report.json alone: names, counts, scores and the verdict, never a value.
"""

from __future__ import annotations

from typing import Any

import yaml

SIZES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
         (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")]
STANDING_LIMITATIONS = [
    "Synthetic rows are drawn from a model fitted on real records and no synthetic row is linked to a real "
    "one. The privacy checks in report.json (copies of any real record, close records, a membership attack) "
    "bound how close a row comes to a real person on the samples stated; they do not prove that none "
    "describes one.",
    "Fidelity and privacy are measured, not proven: the checks in report.json bound what was tested, on the "
    "samples stated there.",
]
PROVENANCE_NOTE = "instruction data: "  # the report note an instruction flow writes: what each released field is
UNLINKED_TEXT = "Rewritten or generated text is released apart from the table and is not linked to its rows."


def size_category(rows: int) -> str:
    return next((label for limit, label in SIZES if rows < limit), "n>1T")


def _task_categories(report: dict[str, Any]) -> list[str]:
    tasks = []
    if report.get("figures", {}).get("balance"):  # a categorical target was balanced and checked
        tasks.append("tabular-classification")
    if report.get("figures", {}).get("text"):
        tasks.append("text-generation")
    return tasks


def _text_line(report: dict[str, Any]) -> str:
    """What happened to free text, from the report's own notes: no claim about text that was not released."""
    notes = report.get("notes", [])
    provenance = next((n[len(PROVENANCE_NOTE):] for n in notes if n.startswith(PROVENANCE_NOTE)), None)
    if provenance:
        return provenance + "."
    if any("records rewritten by" in n for n in notes):
        return ("free text is a de-identified rewrite of real notes, not synthetic: scrubbed before a language "
                "model saw it and again after.")
    if any("from synthetic rows" in n for n in notes):
        return ("free text was written from synthetic rows, never from a real note; each note's numbers were "
                "checked against its row and against every real row (none singles out one patient), and each "
                "note was scrubbed.")
    if any(n.startswith("free-text column") for n in notes):
        return "free-text columns were not released."
    return "no free text was released."


def dataset_card(report: dict[str, Any], license: str, description: str, data_files: list[str]) -> str:
    rows = report.get("rows", {}).get("synthetic", 0)
    header: dict[str, Any] = {
        "license": license,
        "pretty_name": report["policy"]["name"],
        "size_categories": [size_category(rows)],
        "tags": ["synthetic", "synthguard"],
    }
    tasks = _task_categories(report)
    if tasks:
        header["task_categories"] = tasks
    if data_files:
        header["configs"] = [{"config_name": "default", "data_files": data_files[0]}]
    checks = report.get("checks", [])
    failed = [c for c in checks if c["severity"] == "fail" and not c["passed"]]
    warned = [c for c in checks if c["severity"] == "warn" and not c["passed"]]
    verdict = "PASSED: the policy gate allowed this release." if report["passed"] else \
        "FAILED: the policy gate blocked this release; no synthetic data is included."
    lines = [
        "---", yaml.safe_dump(header, sort_keys=False).strip(), "---", "",
        f"# {report['policy']['name']}", "",
        description or "Synthetic data released by synthguard.", "",
        "## Verdict", "", f"**{verdict}** {len(checks)} checks in "
        f"{len({c['suite'] for c in checks})} suites; {len(failed)} failed, {len(warned)} warnings. "
        "Every check, with its value, threshold and details, is in `report.json` and `report.html`.", "",
        "## How it was made", "",
        f"- synthguard {report.get('synthguard_version', '?')}, generator `{report.get('generator', '')}`, "
        f"seed {report.get('seed')}",
        f"- policy `{report['policy']['name']}`, SHA-256 `{report['policy']['sha256']}`",
        "- rows: " + ", ".join(f"{k} {v}" for k, v in report.get("rows", {}).items()),
        "- identifiers were replaced by surrogates or dropped before anything was modelled; " + _text_line(report),
        "- `manifest.json` holds the SHA-256 of every file; `synthguard report <folder>` verifies them.", "",
        "## Known limitations", "",
        *[f"- {text}" for text in STANDING_LIMITATIONS],
        *([f"- {UNLINKED_TEXT}"] if any("records rewritten by" in n for n in report.get("notes", [])) else []),
        *[f"- {c['suite']}.{c['name']} did not pass ({c['severity']}): value {c['value']} against "
          f"{c['op']} {c['threshold']}." for c in failed + warned],
        *[f"- {note}" for note in report.get("notes", [])],
        "",
    ]
    return "\n".join(lines)
