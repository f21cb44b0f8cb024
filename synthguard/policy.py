"""The policy: one YAML file that says which columns are what, how to generate and what must pass.

Loaded once, at the boundary, into a strict pydantic model: an unknown key, a wrong
type or a bad value stops the run with the key's path and the allowed values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from synthguard.constraints import Constraint
from synthguard.errors import PolicyError
from synthguard.registry import SUITES, TABLE_GENERATORS
from synthguard.sections.relational import RelationalSection
from synthguard.sections.scrub import (  # noqa: F401 - HIPAA_ENTITIES and OperatorName: importable from here
    HIPAA_ENTITIES,
    IdentifierAction,
    OperatorName,
    Role,
    ScrubSection,
    SurrogateKind,
)
from synthguard.sections.suites import Action
from synthguard.sections.text import TextSettings
from synthguard.strict import StrictModel

DataFormat = Literal["auto", "csv", "parquet", "jsonl"]

class ColumnSpec(StrictModel):
    """Roles of one column; ``kind`` and ``action`` apply to identifiers, ``type`` to modelled columns."""

    roles: list[Role] = Field(default_factory=list)
    type: Literal["number", "date", "category"] | None = Field(
        None, description="what the column holds, where its values alone would mislead: codes written in digits "
                          "(category), numbers or dates with many unreadable cells (number, date)")
    kind: SurrogateKind | None = None
    action: IdentifierAction | None = None
    age: str | None = Field(None, description="date_of_birth: the column holding the age in whole years; each "
                                              "surrogate birth date then agrees with the synthetic row's age")
    age_on: str | None = Field(None, description="date_of_birth with age: the date column the age was taken on "
                                                 "(an admission date)")

    @model_validator(mode="after")
    def _age_for_birth_dates(self):
        if not self.roles and self.type is None:
            raise ValueError("give the column at least one role, or its type")
        if self.type is not None and {"identifier", "text"} & set(self.roles):
            raise ValueError("type applies to modelled columns, not to identifier or text columns")
        if (self.age is None) != (self.age_on is None):
            raise ValueError("age and age_on go together: the age column and the date it was taken on")
        if self.age is not None and self.kind != "date_of_birth":
            raise ValueError("age/age_on apply to a column of kind date_of_birth")
        return self

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `age: protected` and `age: [quasi_identifier, protected]` read better in YAML.
        if isinstance(value, str):
            return {"roles": [value]}
        if isinstance(value, list):
            return {"roles": value}
        return value


class DataSection(StrictModel):
    source: Path | None = None
    format: DataFormat = "auto"
    primary_key: str | None = None
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    dirty_values: Literal["missing", "refuse"] = Field(
        "missing", description="cells of a number or date column that do not read as one (n/a, 120/80): read as "
                               "missing and counted in the report (missing), or the run stops naming the column "
                               "(refuse)")

    @model_validator(mode="after")
    def _one_target(self):
        targets = [c for c, spec in self.columns.items() if "target" in spec.roles]
        if len(targets) > 1:
            raise ValueError(f"at most one column may have role 'target'; found {', '.join(targets)}")
        return self

    def with_role(self, role: str) -> list[str]:
        return [c for c, spec in self.columns.items() if role in spec.roles]

    @property
    def target(self) -> str | None:
        targets = self.with_role("target")
        return targets[0] if targets else None


# Far beyond what one process samples and checks in memory: a typo (1e12 rows, scale 1e6) is refused at
# load, not after minutes of fitting.
MAX_SYNTHETIC_ROWS = 50_000_000
MAX_SEED = 2**32 - 1  # numpy's seeds are unsigned 32-bit words


AUTO = "auto"


class TableSection(StrictModel):
    synthesizer: str = Field(
        "auto", validate_default=True,
        description="a registered table generator (cart, gaussian_copula, ctgan, tvae, copulagan, "
                    "tabular_argn, dp_mst, dp_aim, or a plugin's); auto: the candidates for the table's size fitted "
                    "on an internal split of the training rows and judged by the gate's own checks; the report names "
                    "them, their scores and the one that ran")
    auto_budget_s: float = Field(300, gt=0, description="synthesizer auto: seconds for trying candidates after the "
                                                        "first (a cut depends on the machine's speed)")
    parameters: dict[str, Any] = Field(default_factory=dict)
    rows: int | None = Field(None, gt=0, le=MAX_SYNTHETIC_ROWS)
    scale: float | None = Field(None, gt=0, le=1000, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    min_category_count: int = Field(5, ge=1)
    top_codes: dict[str, float] = Field(default_factory=dict, description="column -> highest value learnt and "
                                        "released; larger ones become it (age: 90 is HIPAA's '90 or older')")
    bottom_codes: dict[str, float] = Field(default_factory=dict, description="column -> lowest value learnt and "
                                           "released")
    rare_category_label: str = "Other"
    constraints: list[Constraint] = Field(default_factory=list)
    # Class -> share of the synthetic rows, reached by conditional sampling on the target.
    target_distribution: dict[str, float] | None = None
    stratify_by_target: bool = Field(
        True, description="the SDV synthesizers learn one model per class of the target column (each class with "
                          "at least 30 training rows), which keeps every predictor's link to the target")

    @field_validator("synthesizer")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value == AUTO:  # chosen on evidence when the data is read (synthguard/selection.py)
            return value
        if value not in TABLE_GENERATORS:
            raise ValueError(TABLE_GENERATORS.unknown(value))
        return value

    @field_validator("target_distribution", mode="before")
    @classmethod
    def _class_labels_as_text(cls, value):
        # YAML reads `0: 0.5` with an integer key; labels are matched as text.
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _rows_or_scale(self):
        if self.rows is not None and self.scale is not None:
            raise ValueError("give either rows or scale, not both (null the other)")
        if self.target_distribution is not None:
            shares = self.target_distribution.values()
            if not shares or any(not 0 < v <= 1 for v in shares) or abs(sum(shares) - 1) > 1e-6:
                raise ValueError("target_distribution: shares must be in (0, 1] and add up to 1")
        if self.synthesizer == AUTO:
            if self.parameters:
                raise ValueError("parameters belong to one synthesizer: name it (synthesizer: cart, tabular_argn, "
                                 "gaussian_copula, ...) instead of auto")
        else:
            TABLE_GENERATORS[self.synthesizer].check_parameters(self.parameters)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        # Both in one policy file is a mistake, but assigning one to a loaded policy (an ETL job) overrides the
        # other: the last one set wins.
        other = {"rows": "scale", "scale": "rows"}.get(name)
        if other is not None and value is not None:
            super().__setattr__(other, None)
        super().__setattr__(name, value)

    def num_rows(self, real_rows: int) -> int:
        if self.rows is not None:
            return self.rows
        return max(1, round(real_rows * (self.scale or 1.0)))


class GenerateSection(StrictModel):
    table: TableSection = Field(default_factory=TableSection)
    # Free-text columns: rewritten by a language model (generators/text.py), or withheld when absent.
    text: TextSettings | None = None


def _suites_model():
    # Built from the registry so a new suite module, or a plugin's, extends the schema by itself.
    fields = {name: (cls.Config, Field(default_factory=cls.Config)) for name, cls in SUITES.items()}
    return create_model("Suites", __base__=StrictModel, **fields)


Suites = _suites_model()
_SUITES_GENERATION = SUITES.generation


class ValidateSection(StrictModel):
    action: Action = "fail"
    holdout: float = Field(0.2, gt=0, lt=0.9)
    underpowered: Literal["info", "fail"] = Field(
        "info", description="a check whose allowance for sampling noise at this many rows leaves no value that "
                            "could fail it is reported as 'not enough rows to check' (info); fail: such a check "
                            "blocks the release")
    max_filter_rounds: int = Field(5, ge=1, le=50)
    max_rows: int = Field(100_000, ge=1_000,
                          description="engine ray: synthetic rows the suites read (a seeded sample; exact copies "
                                      "are still counted on every row, on the cluster)")
    suites: Suites = Field(default_factory=Suites)  # type: ignore[valid-type]

    def suite_columns(self) -> dict[str, list[str]]:
        """Columns each enabled suite's configuration names (rules, critical pairs)."""
        named = {name: getattr(self.suites, name).columns() for name in type(self.suites).model_fields}
        return {name: cols for name, cols in named.items() if cols and getattr(self.suites, name).enabled}


class ReleaseSection(StrictModel):
    output: Path | None = None
    formats: list[Literal["parquet", "csv", "jsonl"]] = Field(default_factory=lambda: ["parquet", "csv"])
    license: str = "other"
    attribution: str = Field("", description="the source data's name, authors, licence and where it comes from, "
                                             "printed in the dataset card (CC BY sources require it)")

    @field_validator("formats")
    @classmethod
    def _some_format(cls, value):
        if not value:
            raise ValueError("list at least one format: parquet, csv, jsonl")
        return list(dict.fromkeys(value))


class RaySection(StrictModel):
    """How the ``ray`` engine runs: connects to RAY_ADDRESS when set, else starts a local instance."""

    actors: int | None = Field(None, ge=1, description="actors in each pool (default: the cluster's CPUs)")
    cpus_per_actor: float = Field(1.0, gt=0)
    gpus_per_actor: float = Field(0.0, ge=0, description="GPUs each language-model actor asks Ray for "
                                                         "(fractions share a GPU)")
    llm_actors: int | None = Field(None, ge=1, description="language-model actors, one model each (default: "
                                                           "actors, else the cluster's CPUs)")
    partitions: int = Field(4, ge=1, le=10_000, description="synthetic sampling partitions, each with its own "
                                                            "derived seed; the release is reproducible for a "
                                                            "fixed count")


class Policy(StrictModel):
    name: str
    description: str = ""
    engine: Literal["local", "ray"] = Field("local", description="local (default) or ray (pip install "
                                                                 "synthguard[ray])")
    ray: RaySection = Field(default_factory=RaySection)
    data: DataSection = Field(default_factory=DataSection)
    scrub: ScrubSection = Field(default_factory=ScrubSection)
    generate: GenerateSection = Field(default_factory=GenerateSection)
    validation: ValidateSection = Field(default_factory=ValidateSection, alias="validate")
    release: ReleaseSection = Field(default_factory=ReleaseSection)
    relational: RelationalSection | None = Field(None, description="several linked tables (patients, "
                                                 "admissions, ...) released together; data.source is unused")

    @model_validator(mode="after")
    def _keys_named_once(self):
        key = self.data.primary_key
        if key and key in self.data.columns and "identifier" not in self.data.columns[key].roles:
            raise ValueError(f"data.primary_key {key!r} must have role 'identifier' (or no entry)")
        if self.generate.table.target_distribution is not None and self.data.target is None:
            raise ValueError("generate.table.target_distribution needs a column with role 'target'")
        return self

    def updated(self, changes: Mapping[str, Any]) -> Policy:
        """A new policy with ``changes`` merged into what this one was given (defaults stay defaults, so ``rows``
        replaces a default ``scale``), nested as in the YAML (``{"generate": {"table": {"rows":
        1000}}}``), and checked like a loaded one (a bad value raises ``PolicyError``); this one is left as it is.
        Policies are frozen: this and ``overridden`` are how a caller changes one."""
        # A section by its Python name as by its YAML name (``validation`` / ``validate``), as parsing allows.
        aliases = {name: field.alias for name, field in Policy.model_fields.items() if field.alias}
        given = self.model_dump(by_alias=True, exclude_unset=True)
        return _checked(_merged(given, {aliases.get(k, k): v for k, v in changes.items()}))

    def overridden(self, *, seed: int | None = None, engine: str | None = None, llm_model: str | None = None,
                   roles: dict[str, list[str]] | None = None, target: str | None = None,
                   detect_unlisted: bool | None = None) -> Policy:
        """A new policy with the command line's or the API's overrides (``--seed``, ``--engine``, ``--llm-model``,
        roles added to columns, a target column); this one is left as it is."""
        given = {"generate": {"table": {"seed": seed}, "text": {"llm": {"model": llm_model}}}, "engine": engine,
                 "scrub": {"detect_unlisted": detect_unlisted}}
        body = _merged(self.model_dump(by_alias=True, exclude_unset=True), _without_none(given))
        columns = body.setdefault("data", {}).setdefault("columns", {})
        if target is not None:
            columns[target] = {"roles": ["target"]}
        for column, added in (roles or {}).items():
            spec = self.data.columns.get(column) if target != column else ColumnSpec(roles=["target"])
            columns[column] = {"roles": sorted({*(spec.roles if spec else []), *added})}
        return _checked(body)

    def digest(self) -> str:
        """SHA-256 of the rules, without the paths, so moving a file keeps the hash."""
        body = self.model_dump(mode="json", by_alias=True)
        body["data"].pop("source", None)
        for table in (body.get("relational") or {}).get("tables", {}).values():
            table.pop("source", None)
        body["release"].pop("output", None)
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _format_error(error: ValidationError, origin: str) -> str:
    # An unknown key explains the "missing" errors that often come with it (a misspelt name).
    first = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
    path = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown key{_allowed_keys(first['loc'])}"
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' * (more > 1)})" if more else ""
    return f"{origin}: {path or 'policy'}: {message}{suffix}"


def _allowed_keys(loc: tuple) -> str:
    model = _model_at(Policy, list(loc[:-1]))
    if model is None:
        return ""
    return f"; allowed: {', '.join(sorted(f.alias or n for n, f in model.model_fields.items()))}"


def _model_at(annotation: Any, parts: list) -> type[BaseModel] | None:
    """The policy model found by following an error location through fields, dicts and lists."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _model_at(get_args(annotation)[0], parts)
    if origin in (Union, UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _model_at(options[0], parts)
        for option in options:  # a discriminated union puts the tag in the location
            tag = getattr(option, "model_fields", {}).get("type")
            if parts and tag is not None and parts[0] in get_args(tag.annotation):
                return _model_at(option, parts[1:])
        return None
    if origin in (dict, list):
        return _model_at(get_args(annotation)[-1], parts[1:]) if parts else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not parts:
            return annotation
        fields = {f.alias or n: f for n, f in annotation.model_fields.items()}
        field = fields.get(parts[0])
        return _model_at(field.annotation, parts[1:]) if field else None
    return None


def _merged(body: dict, changes: Mapping[str, Any]) -> dict:
    """``body`` with ``changes`` merged in: a mapping into a mapping (or into None: a section switched on), any
    other value in place of the old one."""
    merged = dict(body)
    for key, value in changes.items():
        old = body.get(key)
        merged[key] = _merged(old or {}, value) if isinstance(value, Mapping) and isinstance(old or {}, dict) \
            else value
    return merged


def _without_none(changes: Mapping[str, Any]) -> dict:
    """The overrides given (None: not given), mappings left empty by it dropped."""
    kept = {}
    for key, value in changes.items():
        value = _without_none(value) if isinstance(value, Mapping) else value
        if value not in (None, {}):
            kept[key] = value
    return kept


def _checked(body: dict, origin: str = "policy") -> Policy:
    try:
        return Policy.model_validate(body)
    except ValidationError as error:
        raise PolicyError(_format_error(error, origin)) from None


def parse_policy(raw: Any, origin: str = "policy", base_dir: Path | None = None) -> Policy:
    """Validate a mapping (as read from YAML) into a Policy; relative paths join base_dir."""
    if not isinstance(raw, dict):
        raise PolicyError(f"{origin}: the policy must be a mapping of sections, got {type(raw).__name__}")
    refresh_schema()
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as error:
        raise PolicyError(_format_error(error, origin)) from None
    if base_dir is None:
        return policy
    # Paths inside the policy are relative to its file (already checked: the copies need no second check).
    data, release = policy.data, policy.release
    if data.source is not None and not data.source.is_absolute():
        data = data.model_copy(update={"source": (base_dir / data.source).resolve()})
    if release.output is not None and not release.output.is_absolute():
        release = release.model_copy(update={"output": (base_dir / release.output).resolve()})
    relational = policy.relational
    if relational is not None:
        tables = {name: table if table.source.is_absolute() else
                  table.model_copy(update={"source": (base_dir / table.source).resolve()})
                  for name, table in relational.tables.items()}
        relational = relational.model_copy(update={"tables": tables})
    return policy.model_copy(update={"data": data, "release": release, "relational": relational})


class _DuplicateKey(Exception):
    def __init__(self, key: str, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys without a word: ``action: fail`` then ``action: warn`` would
    quietly weaken the gate. A key given twice in one mapping is an error (YAML 1.2 requires keys to be unique)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *defaults` merges on purpose
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:
                    continue  # an unhashable key: the constructor below reports it
                if first != key_node.start_mark.line + 1:
                    raise _DuplicateKey(str(key), first, key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep)


def load_policy(path: str | Path) -> Policy:
    """Read a policy file. Paths inside it are relative to the file's folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"policy file not found: {path}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise PolicyError(f"cannot read policy {path}: {error.strerror}") from None
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as error:
        raise PolicyError(f"{path}: key {error.key!r} is given twice (lines {error.first} and {error.second}); "
                          "keep one") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise PolicyError(f"{path}: malformed YAML{where}: {problem}") from None
    return parse_policy(raw, origin=str(path), base_dir=path.parent.resolve())


def default_policy() -> Policy:
    """The medical defaults used when no policy is given: HIPAA entities, every column judged."""
    refresh_schema()
    return Policy(name="medical-defaults")


def refresh_schema() -> None:
    """Rebuild the ``validate.suites`` schema when a suite was registered since it was built (a plugin
    registered at run time), so that policies parsed from now on accept it."""
    global Suites, _SUITES_GENERATION
    if SUITES.generation == _SUITES_GENERATION:
        return
    Suites = _suites_model()
    # pydantic has no public way to change a field's type; replacing the FieldInfo and rebuilding the
    # models that contain it is what model_rebuild(force=True) supports.
    ValidateSection.model_fields["suites"] = FieldInfo.from_annotated_attribute(Suites, Field(default_factory=Suites))
    for model in (ValidateSection, Policy):
        model.model_rebuild(force=True)
    _SUITES_GENERATION = SUITES.generation


def policy_json_schema() -> dict[str, Any]:
    refresh_schema()
    return Policy.model_json_schema(by_alias=True)
