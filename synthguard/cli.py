"""The command line: parse, call the API, map the outcome to an exit code.

0 released (or passed), 1 the policy gate failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from synthguard.errors import SynthguardError
from synthguard.version import __version__

EXIT_OK, EXIT_GATE, EXIT_INPUT = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_INPUT)


class _Group(click.Group):
    """Turns every SynthguardError into one line on stderr and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SynthguardError as error:
            _fail(str(error))


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="synthguard")
def main() -> None:
    """synthguard: synthetic data gated by a validation report."""


@main.command()
@click.option("--policy", "policy_path", required=True, type=click.Path(dir_okay=False),
              help="Policy YAML file.")
@click.option("--input", "input_path", type=click.Path(),
              help="Source table (CSV, Parquet, JSONL; a file or a folder of parts); overrides data.source.")
@click.option("--output", "output_dir", type=click.Path(file_okay=True),
              help="Release folder; overrides release.output.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Overrides generate.table.seed.")
@click.option("--llm-model", "llm_model", help="Local model folder or model name for text generation; "
              "overrides generate.text.llm.model (and turns text generation on).")
@click.option("--engine", type=click.Choice(["local", "ray"]), help="Override the policy's engine.")
@click.option("--quiet", is_flag=True, help="No progress display.")
def synth(policy_path: str, input_path: str | None, output_dir: str | None, seed: int | None,
          llm_model: str | None, engine: str | None, quiet: bool) -> None:
    """Scrub, generate, validate and release a table as the policy says."""
    from synthguard.pipeline import synthesize
    from synthguard.policy import load_policy
    from synthguard.progress import for_terminal
    from synthguard.release import check_output

    policy = load_policy(policy_path).overridden(seed=seed, engine=engine, llm_model=llm_model)
    output = Path(output_dir) if output_dir else policy.release.output
    if output is None:
        _fail("no output folder: give --output or release.output in the policy")
    check_output(output)
    release = synthesize(input_path, policy, progress=for_terminal(quiet))
    folder = release.write(output)
    click.echo(release.report.summary(), err=True)
    if release.passed:
        click.echo(f"released to {folder}")
        sys.exit(EXIT_OK)
    click.echo(f"report written to {folder}; no data released", err=True)
    sys.exit(EXIT_GATE)


@main.command()
@click.option("--real", "real_path", required=True, type=click.Path(),
              help="The real table the synthetic data was fitted on.")
@click.option("--synthetic", "synthetic_path", required=True, type=click.Path())
@click.option("--holdout", "holdout_path", type=click.Path(),
              help="Real rows the generator never saw; without it a share of --real is held out.")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
              help="Thresholds and roles; defaults apply without it.")
@click.option("--target", help="Target column for class balance, utility and fairness.")
@click.option("--protected", multiple=True, help="Protected attribute for the bias suite (repeatable).")
@click.option("--report", "report_dir", type=click.Path(), help="Write report.json/html here.")
def validate(real_path, synthetic_path, holdout_path, policy_path, target, protected, report_dir) -> None:
    """Run the validation suites on existing real and synthetic tables."""
    from synthguard.data import TEXT, read_table
    from synthguard.policy import load_policy, parse_policy
    from synthguard.validation import validate_tables

    policy = load_policy(policy_path) if policy_path else parse_policy({"name": "validate"})
    report = validate_tables(read_table(real_path, as_text=TEXT), read_table(synthetic_path, as_text=TEXT),
                             read_table(holdout_path, as_text=TEXT) if holdout_path else None, policy, target=target,
                             protected=tuple(protected))
    if report_dir:
        from synthguard.release import report_release

        report_release(report).write(report_dir)
    click.echo(json.dumps([c.to_dict() for c in report.checks], indent=1))
    click.echo(report.summary(), err=True)
    sys.exit(EXIT_OK if report.passed else EXIT_GATE)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path())
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False),
              help="Scrubbed table; CSV, Parquet or JSONL by its suffix.")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
              help="Policy YAML; without it, the medical defaults (HIPAA entities, every column judged).")
@click.option("--text-column", "text_columns", multiple=True, help="Scrub this column as free text (repeatable).")
@click.option("--findings", "findings_path", type=click.Path(dir_okay=False),
              help="Write one JSON line per detected span: row, column, start, end, entity_type, score, recognizer.")
@click.option("--workers", type=click.IntRange(1, 64), help="Processes for large inputs (default: up to 4).")
@click.option("--engine", type=click.Choice(["local", "ray"]), help="Override the policy's engine.")
@click.option("--group-column", help="A column naming each text's patient: a name found in one of a patient's texts "
                                     "is looked for in all of them, never in another patient's.")
@click.option("--quiet", is_flag=True, help="No progress display.")
def scrub(input_path, output_path, policy_path, text_columns, findings_path, workers, engine, group_column,
          quiet) -> None:
    """Replace PHI in a table's identifier and free-text columns."""
    from synthguard.policy import load_policy
    from synthguard.progress import for_terminal
    from synthguard.scrub.stream import scrub_file

    loaded = load_policy(policy_path) if policy_path else None
    counts = scrub_file(input_path, output_path, loaded, tuple(text_columns), findings_path, workers,
                        progress=for_terminal(quiet), engine=engine, group_column=group_column)
    identifiers = ", ".join(f"{i['column']} ({i['action']})" for i in counts["identifier_columns"]) or "none"
    click.echo(f"scrubbed {counts['rows']} rows: {counts['findings']} findings; text columns: "
               f"{', '.join(counts['text_columns']) or 'none'}; identifier columns: {identifiers}", err=True)
    if counts["uncovered_language"]:
        language = loaded.scrub.language if loaded else "en"
        click.echo(f"warning: {counts['uncovered_language']} texts are not in the policy's language ({language}) "
                   "and were replaced whole by [UNSUPPORTED_LANGUAGE]; set scrub.language (configured packs: en, ja)",
                   err=True)
    click.echo(f"wrote {output_path}")


@main.command()
@click.argument("release_dir", metavar="RELEASE_DIR", type=click.Path(file_okay=False))
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Also write the HTML re-rendered from report.json here.")
def report(release_dir, html_path) -> None:
    """Verify a release against its manifest and re-render its HTML from report.json."""
    from synthguard.release import verify_release
    from synthguard.report.html import render_html

    problems, checked = verify_release(release_dir)
    if problems:
        for problem in problems:
            click.echo(f"tampered: {problem}", err=True)
        click.echo(f"{release_dir}: {len(problems)} problem(s) against manifest.json", err=True)
        sys.exit(EXIT_GATE)
    folder = Path(release_dir)
    try:
        body = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        rendered = render_html(body)
    except (OSError, ValueError, KeyError, TypeError) as error:
        _fail(f"{folder / 'report.json'} cannot be rendered ({type(error).__name__})")
    same = (folder / "report.html").read_text(encoding="utf-8") == rendered
    click.echo(f"verified: {checked} files match manifest.json; report.html re-rendered from report.json: "
               + ("identical" if same else f"differs (written by synthguard {body.get('synthguard_version')})"))
    if html_path:
        Path(html_path).write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {html_path}")
    click.echo("gate " + ("PASSED" if body.get("passed") else "FAILED") + f" for policy {body['policy']['name']}")


@main.group()
def policy() -> None:
    """Inspect policies."""


@policy.command("schema")
def policy_schema() -> None:
    """Print the policy JSON schema."""
    from synthguard.policy import policy_json_schema

    click.echo(json.dumps(policy_json_schema(), indent=2))


@policy.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def policy_check(path: str) -> None:
    """Load a policy and report the first problem, if any."""
    from synthguard.policy import load_policy

    loaded = load_policy(path)
    click.echo(f"{path}: ok (policy {loaded.name!r}, sha256 {loaded.digest()[:16]})")


if __name__ == "__main__":
    main()
