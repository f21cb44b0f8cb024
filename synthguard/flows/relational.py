"""Several linked tables through one flow: split by patient, fit parents first, children as sequences of
their synthetic parent, fresh keys, dates back from offsets, every check per table, per patient and across.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthguard.data import read_table
from synthguard.errors import DataError, GenerationError, opaque_errors
from synthguard.policy import DataSection, Policy
from synthguard.progress import Progress
from synthguard.relational import checks as relational_checks
from synthguard.relational.codes import TableCoarsener, describe, learn_descriptions
from synthguard.relational.keys import check_tables, derive_reference, fresh_keys, root_of, split_by_root
from synthguard.relational.mend import REDRAW_ROUNDS, Mender, prune, unique_rows
from synthguard.relational.times import UNITS, decode, encode, seconds, unit_of
from synthguard.relational.validate import Fitted, judge
from synthguard.release import LinkedTablesPayload, Outcome
from synthguard.scrub.columns import ColumnRules, plan_columns, settle_sdtypes
from synthguard.scrub.surrogates import surrogate_column
from synthguard.sections.relational import RelationalSection, TableSpec
from synthguard.steps import MIN_HOLDOUT_ROWS, MIN_TRAIN_ROWS, derived_seeds

GENERATOR = "tabular_argn"


@dataclass
class TablePlan:
    """What of one table is modelled; its keys and dates are the flow's, its identifiers are surrogated."""

    policy: Policy
    model: list[str]
    sdtypes: dict[str, str]
    identifiers: list = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    descriptions: dict[str, pd.DataFrame] = field(default_factory=dict)


def table_columns(spec: TableSpec) -> DataSection:
    """One table's column roles: its own, with keys the flow's (never modelled) and dates modelled as offsets."""
    columns: dict = {c: {"roles": ["quasi_identifier"]} for c in spec.dates()}
    columns.update({c: {"roles": ["sensitive"]} for c in spec.codes})  # digits the phone scan would claim
    columns.update(spec.columns)
    columns.update({c: {"roles": ["identifier"], "action": "drop"} for c in spec.key_columns()})
    return DataSection.model_validate({"columns": columns})


def table_policy(policy: Policy, name: str, data: DataSection) -> Policy:
    """The policy one table is generalised and judged by: the run's scrub, thresholds and seed, its own columns."""
    return policy.model_copy(update={"name": f"{policy.name}/{name}", "relational": None, "data": data}, deep=True)


def plan_table(policy: Policy, name: str, spec: TableSpec, encoded: pd.DataFrame, real: pd.DataFrame
               ) -> TablePlan:
    data = table_columns(spec)
    rules = ColumnRules(data, policy.scrub, policy.generate.table.seed)  # the scan reads no policy
    encoded = encoded.drop(columns=[c for columns in spec.describes.values() for c in columns])
    plan = plan_columns(encoded, rules)
    sdtypes = settle_sdtypes(encoded, plan, rules)
    if not sdtypes:
        raise DataError(f"{name}: no column left to model once keys and identifiers are set aside")
    identifiers = [i for i in plan.identifiers if i.column not in spec.key_columns()]
    kept = [i.column for i in identifiers if i.action == "keep"]
    if kept:
        raise DataError(f"{name}: identifier action 'keep' is for scrub only ({', '.join(kept)})")
    empty = [c for c in sdtypes if encoded[c].isna().all()]
    if empty:
        raise DataError(f"{name}: column{'s' * (len(empty) > 1)} {', '.join(empty)} ha{'ve' if len(empty) > 1 else 's'}"
                        " no values; drop it or give it role identifier with action drop")
    units = {c: unit_of(seconds(real[c])) for c in spec.dates()}
    return TablePlan(table_policy(policy, name, data), list(sdtypes), sdtypes, identifiers, units,
                     text=list(plan.text))


def _window(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame | None:
    """A parent's time and end in seconds, by its key: where its children's times count from."""
    if not (spec.primary_key and spec.time):
        return None
    end = seconds(frame[spec.end]) if spec.end else np.full(len(frame), np.nan)
    return pd.DataFrame({"time": seconds(frame[spec.time]), "end": end},
                        index=frame[spec.primary_key].to_numpy())


def encode_tables(tables: dict[str, pd.DataFrame], section: RelationalSection) -> dict[str, pd.DataFrame]:
    windows = {name: _window(tables[name], spec) for name, spec in section.tables.items()}
    return {name: encode(tables[name], spec, name, windows.get(spec.parent)) for name, spec in
            section.tables.items()}


def _context(encoded: pd.DataFrame, plan: TablePlan, key: str, as_name: str) -> pd.DataFrame:
    return encoded[plan.model].assign(**{as_name: encoded[key].to_numpy()})


def _parameters(section: RelationalSection, spec: TableSpec) -> dict:
    from synthguard.generators.tabular_argn import TabularARGN

    chosen = {**section.parameters, **spec.parameters}
    TabularARGN.check_parameters(chosen)
    return chosen


def generate(train: dict[str, pd.DataFrame], plans: dict[str, TablePlan], section: RelationalSection,
             real: dict[str, pd.DataFrame], real_encoded: dict[str, pd.DataFrame], rules: list, root_rows: int,
             seeds: list[int], progress: Progress):
    """Synthetic tables with fresh keys, parents before children: encoded (offsets) and decoded (dates), the
    coarseners fitted on the training rows, and per child table its Mender (what it drew again or dropped)."""
    from synthguard.generators.tabular_argn import TabularARGN

    encoded, decoded, coarseners, menders = {}, {}, {}, {}
    for k, name in enumerate(section.parents_first()):
        spec, plan = section.tables[name], plans[name]
        coarsener = TableCoarsener(spec, plan.model, plan.sdtypes, plan.policy.generate.table.min_category_count,
                                   plan.policy.generate.table.rare_category_label
                                   ).fit(train[name], root_of(train, section, name))
        coarseners[name] = coarsener
        model = TabularARGN(_parameters(section, spec), [], plan.sdtypes)
        fit_seed, sample_seed, key_seed = seeds[3 * k: 3 * k + 3]
        rows_in = coarsener.transform(train[name])[plan.model]
        parent = spec.parent
        anchor = _window(decoded[parent], section.tables[parent]) if parent else None

        def decode_rows(rows, spec=spec, plan=plan, anchor=anchor):
            return decode(rows, spec, plan.units, anchor)

        try:
            with (progress.step(f"fitting {GENERATOR} on {name} ({len(rows_in)} rows)"),
                  opaque_errors(f"fitting {GENERATOR} on {name}", GenerationError)):
                if parent is None:
                    model.fit(rows_in, seed=fit_seed)
                    # The engine's sequential mode writes its own _RARE_ token for a category it protected (11 of
                    # 99 admission types once): the coarsener turns any value it did not learn into its label.
                    rows = coarsener.restore_dtypes(coarsener.transform(model.sample(root_rows, seed=sample_seed)))
                    current = decode_rows(rows)
                else:
                    parent_key = section.tables[parent].primary_key
                    model.fit(rows_in.assign(**{spec.foreign_key: train[name][spec.foreign_key].to_numpy()}),
                              seed=fit_seed, context=_context(coarseners[parent].transform(train[parent]),
                                                               plans[parent], parent_key, spec.foreign_key),
                              context_key=spec.foreign_key)
                    context = _context(encoded[parent], plans[parent], parent_key, spec.foreign_key)

                    def draw(parents, seed, model=model, coarsener=coarsener):
                        return coarsener.restore_dtypes(coarsener.transform(model.sample_children(parents, seed=seed)))

                    sets = None
                    if name in section.code_sets:
                        sets = relational_checks.unique_sets(coarsener.transform(real[name]), spec.foreign_key,
                                                             section.code_sets[name], section.code_set_min_size)
                    singular = unique_rows(coarsener.transform(real_encoded[name])[plan.model]) \
                        if len(plan.model) > 1 else set()
                    mender = Mender(section, name, rules, singular, sets, plan.model)
                    rows, current = mender.mend(draw(context, sample_seed), draw, decode_rows, decoded, context,
                                                sample_seed)
                    menders[name] = mender
        finally:
            model.close()
        if spec.primary_key:
            keys = fresh_keys(real[name][spec.primary_key], len(rows), key_seed)
            rows[spec.primary_key], current[spec.primary_key] = keys, keys
        encoded[name], decoded[name] = rows.reset_index(drop=True), current.reset_index(drop=True)
    return encoded, decoded, coarseners, menders


def assemble(decoded: dict[str, pd.DataFrame], plans: dict[str, TablePlan], section: RelationalSection,
             real: dict[str, pd.DataFrame], policy: Policy, seed: int) -> dict[str, pd.DataFrame]:
    """Inherited keys, positions, row numbers, references and surrogates, in the real tables' column order."""

    out: dict[str, pd.DataFrame] = {}
    for k, name in enumerate(section.parents_first()):
        spec, plan = section.tables[name], plans[name]
        rows = decoded[name].copy()
        if spec.parent:
            by_key = out[spec.parent].set_index(section.tables[spec.parent].primary_key)
            for inherited in spec.inherited_keys:
                rows[inherited] = rows[spec.foreign_key].map(by_key[inherited]).to_numpy()
        if spec.sequence:
            rows[spec.sequence] = rows.groupby(spec.foreign_key, sort=False).cumcount().to_numpy() + 1
        if spec.row_id:
            rows[spec.row_id] = fresh_keys(real[name][spec.row_id], len(rows), seed + 31 * k)
        for i, ident in enumerate(plan.identifiers):
            if ident.action == "surrogate":
                rows[ident.column] = surrogate_column(ident.kind, real[name][ident.column], len(rows),
                                                      seed + 1009 * k + i, policy.scrub.locale).to_numpy()
        out[name] = describe(rows, plan.descriptions)
    for name, spec in section.tables.items():
        if spec.reference:
            other = section.tables[spec.reference.table]
            step = UNITS[plans[name].units[spec.reference.at]]
            out[name][spec.reference.column] = derive_reference(out[name], spec, out[spec.reference.table], other,
                                                                step).to_numpy()
        dropped = {i.column for i in plans[name].identifiers if i.action == "drop"}
        out[name] = out[name][[c for c in real[name].columns if c in out[name].columns and c not in dropped]]
    return out


def reference_agreement(real: dict[str, pd.DataFrame], section: RelationalSection,
                        plans: dict[str, TablePlan]) -> dict[str, float]:
    """How often the real tables' reference equals what the window rule derives: the rule's own error."""
    agreement = {}
    for name, spec in section.tables.items():
        if spec.reference:
            step = UNITS[plans[name].units[spec.reference.at]]
            derived = derive_reference(real[name], spec, real[spec.reference.table],
                                       section.tables[spec.reference.table], step)
            actual = pd.Series(pd.array(real[name][spec.reference.column], dtype=derived.dtype), index=derived.index)
            same = (derived.isna() & actual.isna()) | (derived == actual).fillna(False)
            agreement[f"{name}.{spec.reference.column}"] = round(float(same.mean()), 4)
    return agreement


def _read(section: RelationalSection) -> dict[str, pd.DataFrame]:
    return {name: read_table(spec.source, spec.format, as_text=tuple(spec.codes))
            for name, spec in section.tables.items()}


def synthesize_tables(policy: Policy, progress: Progress | None = None) -> Outcome:
    """Run a policy with a ``relational`` section: every table released together, or none (``release_of``)."""

    progress = progress or Progress()
    section = policy.relational
    if policy.engine != "local":
        raise DataError("a relational policy runs on engine local; engine ray does not synthesize linked tables yet")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    real = _read(section)
    check_tables(real, section)
    split_seed, surrogate_seed, *seeds = derived_seeds(policy.generate.table.seed, 2 + 3 * len(section.tables))
    train, holdout = split_by_root(real, section, policy.validation.holdout, split_seed)
    if len(train[section.root()]) < MIN_TRAIN_ROWS or len(holdout[section.root()]) < MIN_HOLDOUT_ROWS:
        raise DataError(f"too few {section.root()} rows ({len(real[section.root()])}) to fit and keep a holdout")
    encoded_train, encoded_holdout = encode_tables(train, section), encode_tables(holdout, section)
    with progress.step("scanning the tables' columns for identifiers"):
        plans = {name: plan_table(policy, name, spec, encoded_train[name], real[name])
                 for name, spec in section.tables.items()}
    for name, spec in section.tables.items():
        plans[name].descriptions = learn_descriptions(train[name], spec,
                                                      policy.generate.table.min_category_count)
    timings["prepare"] = time.perf_counter() - started

    tick = time.perf_counter()
    root_rows = policy.generate.table.num_rows(len(real[section.root()]))
    rules = relational_checks.hard_rules(train, section)
    encoded, decoded, coarseners, menders = generate(encoded_train, plans, section, real,
                                                      encode_tables(real, section), rules, root_rows, seeds, progress)
    encoded, decoded, pruned = prune(encoded, decoded, section, rules, menders)
    released = assemble(decoded, plans, section, real, policy, surrogate_seed)
    timings["generate"] = time.perf_counter() - tick

    tick = time.perf_counter()
    run = Fitted(section, plans, coarseners, real, train, holdout, encoded_train, encoded_holdout, encoded,
                 released)
    checks, figures = judge(policy, run, progress)
    timings["validate"] = time.perf_counter() - tick
    timings["total"] = time.perf_counter() - started
    notes = _notes(section, plans, reference_agreement(real, section, plans))
    notes += [f"{name}: the rows of {len(mender.redrawn)} parents were drawn again (up to {REDRAW_ROUNDS} times) "
              f"and {mender.dropped} rows dropped, for breaking an order rule the real tables keep, equalling a real "
              "row no other real row equals, or copying a code set only one real parent holds"
              for name, mender in menders.items() if mender.redrawn or mender.dropped]
    if pruned:
        notes.append(f"{pruned} synthetic {section.root()} rows were dropped with all their rows: they still broke "
                     f"such a rule after {REDRAW_ROUNDS} draws")
    return Outcome(
        checks=checks, generator=f"{GENERATOR} (two-table sequential per parent and child)",
        rows={f"{name}.{part}": len(frames[name]) for name in section.tables
              for part, frames in (("input", real), ("train", train), ("holdout", holdout), ("synthetic", released))},
        columns={name: {"model": plans[name].model, "sdtypes": plans[name].sdtypes,
                        "identifiers": [i.__dict__ for i in plans[name].identifiers],
                        "generalised": coarseners[name].generalised_} for name in section.tables},
        notes=notes, timings=timings, figures=figures, payload=LinkedTablesPayload(released))


def _notes(section: RelationalSection, plans: dict[str, TablePlan], agreement: dict[str, float]) -> list[str]:
    root = section.root()
    notes = [f"patients are the unit: the holdout is whole {root} rows with every row of theirs in every table; "
             "each child table is generated as a sequence per synthetic parent, so its count per parent is learnt",
             "dates are modelled as offsets in days (a child's time from its parent's, or from the previous "
             "sibling's end where siblings follow one another; other dates from the row's time) and the per-table "
             "checks read those offsets; keys are new numbers, none a real one"]
    notes += [f"{column} is re-derived from the dates (the sibling whose window holds the row's time); on the real "
              f"tables that rule gives the recorded value for {share:.1%} of rows"
              for column, share in agreement.items()]
    for name, plan in plans.items():
        if plan.text:
            notes.append(f"{name}: free-text column{'s' * (len(plan.text) > 1)} {', '.join(plan.text)} not released "
                         "(text generation is for single tables)")
        surrogated = [i.column for i in plan.identifiers if i.action == "surrogate"]
        if surrogated:
            notes.append(f"{name}: identifier columns {', '.join(surrogated)} are surrogates, not modelled")
    return notes
