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


STORAGE_WORDS = {"number": "numbers", "date": "dates", "text": "categories", "bool": "true/false"}


def _modelled(column: str, columns: dict[str, Any], settings: dict[str, Any]) -> tuple[str, str]:
    kind = (columns.get("types") or {}).get(column, {})
    sdtype = (columns.get("sdtypes") or {}).get(column, "")
    what = "categories" if sdtype in ("categorical", "boolean") else STORAGE_WORDS.get(kind.get("storage"), sdtype)
    if kind.get("whole") and sdtype == "numerical":
        what = "whole numbers"
    notes = []
    if column in (settings.get("top_codes") or {}):
        notes.append(f"top-coded: values above {settings['top_codes'][column]:g} are released as "
                     f"{settings['top_codes'][column]:g}")
    if column in (settings.get("bottom_codes") or {}):
        notes.append(f"bottom-coded at {settings['bottom_codes'][column]:g}")
    merged = (columns.get("generalised") or {}).get(column)
    if merged:
        # A code held as a number cannot hold the label: the generaliser blanks it (generalize.py).
        into = "released as blank" if kind.get("storage") == "number" else \
            f"merged into \"{settings.get('rare_category_label', 'Other')}\""
        notes.append(f"{merged} categor{'ies' if merged > 1 else 'y'} held by fewer than "
                     f"{settings.get('min_category_count', 5)} training rows {into}")
    if kind.get("dirty"):
        notes.append(f"{kind['dirty']} input cells that are not {STORAGE_WORDS.get(kind.get('storage'), '')} were "
                     "read as missing")
    if column in (settings.get("gaps") or {}):
        notes.append(f"learnt as days after {settings['gaps'][column]}")
    return f"modelled ({what})", "; ".join(notes)


def column_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(column, how it is released, what a reviewer should know) for every column of the input, in order."""
    columns, settings = report.get("columns") or {}, report.get("settings") or {}
    if "model" not in columns:  # linked tables and instruction data describe their columns elsewhere
        return []
    identifiers = {i["column"]: i for i in columns.get("identifiers", [])}
    texts = settings.get("text") or {}
    rows = []
    for column in columns.get("order") or [*columns.get("model", []), *identifiers, *columns.get("text", [])]:
        if column in identifiers:
            ident = identifiers[column]
            how = ("renumbered (a row number)" if ident["kind"] == "row_number" else
                   f"surrogate ({ident['kind']}), never a real value" if ident["action"] == "surrogate"
                   else "dropped")
            why = (f"**judged an identifier from its values** ({ident['reason']}); name it in the policy if it is "
                   "a measurement" if ident.get("judged_by_values") else f"identifier ({ident['reason']})")
            rows.append((column, how, why))
        elif column in columns.get("model", []):
            rows.append((column, *_modelled(column, columns, settings)))
        elif column in texts:
            t = texts[column]
            how = f"generated text ({t['mode']})"
            why = f"{t['released']} texts released"
            if t.get("rows_without_text"):
                reasons = ", ".join(f"{k} {v}" for k, v in sorted((t.get("reasons") or {}).items()))
                why += f"; {t['rows_without_text']} rows have none" + (f" (rejections by reason: {reasons})"
                                                                      if reasons else "")
            rows.append((column, how, why))
        elif column in columns.get("text", []):
            rows.append((column, "not released (free text)", "text generation was not configured"))
    return rows


def dataset_card(report: dict[str, Any], license: str, description: str, data_files: list[str],
                 attribution: str = "") -> str:
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
    unrun = [c for c in checks if c.get("state", "measured") != "measured" and c["passed"]]
    settings = report.get("settings") or {}
    attribution = attribution or settings.get("attribution", "")
    columns = column_rows(report)
    verdict = "PASSED: the policy gate allowed this release." if report["passed"] else \
        "FAILED: the policy gate blocked this release; no synthetic data is included."
    lines = [
        "---", yaml.safe_dump(header, sort_keys=False).strip(), "---", "",
        f"# {report['policy']['name']}", "",
        description or "Synthetic data released by synthguard.", "",
        "## Verdict", "", f"**{verdict}** {len(checks)} checks in "
        f"{len({c['suite'] for c in checks})} suites; {len(failed)} failed, {len(warned)} warnings. "
        "Every check, with its value, threshold and details, is in `report.json` and `report.html`.", "",
        "## Source and licence", "",
        f"- This release: `{license}`.",
        f"- Source data: {attribution}" if attribution else
        "- Source data: no attribution was given (`release.attribution` in the policy); a CC BY source requires one.",
        "",
        *(["## Columns", "", "| column | released as | notes |", "|---|---|---|",
           *[f"| {c} | {how} | {why} |" for c, how, why in columns], ""] if columns else []),
        "## How it was made", "",
        f"- synthguard {report.get('synthguard_version', '?')}, generator `{report.get('generator', '')}`, "
        f"seed {report.get('seed')}",
        *([f"- generator settings: {_settings_line(settings)}"] if settings.get("synthesizer") else []),
        *([f"- {_improve_line(settings['improve'])}"] if settings.get("improve") else []),
        f"- policy `{report['policy']['name']}`, SHA-256 `{report['policy']['sha256']}`",
        "- rows: " + ", ".join(f"{k} {v}" for k, v in report.get("rows", {}).items()),
        "- identifiers were replaced by surrogates or dropped before anything was modelled; " + _text_line(report),
        "- `manifest.json` holds the SHA-256 of every file; `synthguard report <folder>` verifies them.", "",
        "## Known limitations", "",
        *[f"- {text}" for text in STANDING_LIMITATIONS],
        *([f"- {UNLINKED_TEXT}"] if any("records rewritten by" in n for n in report.get("notes", [])) else []),
        *[f"- {c['suite']}.{c['name']} did not pass ({c['severity']}): value {_number(c['value'])} against "
          f"{c['op']} {_number(c['threshold'])}." for c in failed + warned],
        *[f"- {c['suite']}.{c['name']} was not checked: {c.get('details', {}).get('reason', c.get('outcome', ''))}."
          for c in unrun],
        *[f"- {note}" for note in report.get("notes", [])],
        "",
    ]
    return "\n".join(lines)


def _improve_line(improve: dict[str, Any]) -> str:
    rounds = improve["rounds"]
    shares = " → ".join(f"{r['kept_share']:.2f}" for r in rounds)
    adapter = improve.get("adapter")
    used = (f"the texts were generated with the round {adapter['round']} LoRA adapter, trained on "
            f"{adapter['trained_on']} kept records (scrubbed outputs that passed every filter, never source text)"
            if adapter else "no round beat the base model, which wrote the texts")
    return (f"the generator was self-trained (ReST^EM, `generate.text.improve`): {len(rounds) - 1} round(s), kept "
            f"share on {rounds[0]['held_out']} held-out source records {shares}; {used}")


def _number(value: Any) -> str:
    if value is None:
        return "none"
    value = float(value)
    return str(int(round(value))) if value == round(value) and abs(value) >= 1 else f"{value:.4g}"


def _settings_line(settings: dict[str, Any]) -> str:
    parts = [f"`{settings['synthesizer']}`"]
    selection = settings.get("selection")
    if selection:
        tried = ", ".join(f"`{c['generator']}` " + (c["skipped"] if "skipped" in c else
                                                    f"({len(c['failed'])} failed checks)")
                          for c in selection["candidates"])
        parts.append(f"chosen by `synthesizer: auto` ({selection['reason']}) from {tried}")
    if settings.get("parameters"):
        parts.append("parameters " + ", ".join(f"{k}={v}" for k, v in sorted(settings["parameters"].items())))
    if settings.get("stratified_by"):
        parts.append(f"one model per class of `{settings['stratified_by']}`")
    if settings.get("constraints"):
        parts.append("constraints " + "; ".join(settings["constraints"]))
    return ", ".join(parts)
