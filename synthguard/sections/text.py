"""The policy's ``generate.text`` section: which text mode runs, on which language model, judged how.

Mode and backend names are checked against the registries (synthguard.registry), so a plugin's text mode
or LLM backend is accepted as soon as it is registered. A mode's own options (``options``) are checked by
the options model the mode declares.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from synthguard.registry import LLM_BACKENDS, TEXT_MODES
from synthguard.strict import StrictModel


class LLMSettings(StrictModel):
    backend: str = Field("transformers", description="a registered LLM backend: transformers | openai")
    model: str | None = Field(
        None, description="local path or model id (transformers), or the endpoint's model name (openai); "
                          "none: the embedded SmolLM2-135M-Instruct (transformers)")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the key (never logged)")
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)
    concurrency: int = Field(4, ge=1, le=64)
    max_new_tokens: int = Field(256, ge=1, le=8192)
    temperature: float = Field(0.7, ge=0, le=2)
    top_p: float = Field(0.95, gt=0, le=1)
    batch_size: int = Field(8, ge=1, le=512)
    device: str = Field("auto", description="auto | cpu | cuda | cuda:N | mps")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"

    @field_validator("backend")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in LLM_BACKENDS:
            raise ValueError(f"unknown LLM backend {value!r}; allowed: {', '.join(sorted(LLM_BACKENDS))} "
                             "(vLLM, Ollama and llama.cpp server: backend openai with base_url)")
        return value


class InstructionFields(StrictModel):
    """Column names of an instruction dataset (Alpaca style); Self-Instruct's ``instances`` lists are read too."""

    instruction: str = "instruction"
    input: str = "input"
    output: str = "output"


class ImproveSettings(StrictModel):
    """``generate.text.improve``: the model taught by its own kept outputs, a ReST^EM loop (generators/improve.py)."""

    rounds: int = Field(2, ge=1, le=10, description="rounds of generate, keep, fine-tune; a round that does not raise "
                                                    "the held-out kept share ends the loop")
    records_per_round: int = Field(64, ge=1, description="source records (outside the held-out ones) a round "
                                                         "generates from; what the filters keep is what it learns")
    attempts: int | None = Field(None, ge=1, le=20, description="tries per training record in a round (default: "
                                                                "max_attempts); ReST^EM samples many per problem, "
                                                                "and a model that seldom succeeds needs more")
    held_out: float = Field(0.25, gt=0, lt=1, description="share of the source records no round trains on; each "
                                                          "round's kept share is measured on them")
    held_out_records: int = Field(32, ge=1, description="at most this many held-out records")
    keep_adapter: bool = Field(True, description="release the best round's LoRA adapter (adapter/, its SHA-256 in "
                                                 "manifest.json); false: it is discarded after the run")
    lora_r: int = Field(8, ge=1, le=256, description="LoRA rank")
    lora_alpha: int = Field(16, ge=1, le=1024)
    target_modules: list[str] = Field(default_factory=lambda: ["q_proj", "v_proj"],
                                      description="the model's layers that get an adapter")
    learning_rate: float = Field(5e-4, gt=0, le=1)
    epochs: int = Field(2, ge=1, le=20, description="passes over a round's kept records")
    batch_size: int = Field(8, ge=1, le=256)
    max_tokens: int = Field(384, ge=16, le=8192, description="tokens kept per training example (its end, where "
                                                             "the reply is)")
    train_options: dict[str, Any] = Field(
        default_factory=dict, description="the text mode's options for what a round learns from only (reword: "
                                          "min_similarity 0.9 keeps the closest rewordings); the held-out measure and "
                                          "the release use the policy's own")

    def learning(self, settings: TextSettings) -> TextSettings:
        """``settings`` as a round's training generation uses them: ``train_options`` over the mode's options, and
        ``attempts`` tries per record."""
        return settings.model_copy(update={"options": {**settings.options, **self.train_options},
                                           "max_attempts": self.attempts or settings.max_attempts})

    def for_run(self, settings: TextSettings, attempts: int | None) -> TextSettings:
        """What one call of the loop's ``run`` generates with: a training round (``attempts`` None) learns with
        ``learning``; the held-out measure keeps the policy's options, ``attempts`` tries each."""
        return self.learning(settings) if attempts is None else settings.model_copy(update={"max_attempts": attempts})


class TextSettings(StrictModel):
    mode: str = Field("paraphrase", description="a registered text mode: for a text column of a table, paraphrase "
                                                "(de-identified rewrites of real notes), from_rows (a model writes "
                                                "each note from a synthetic row), row_template (the template filled "
                                                "from each synthetic row, no model); for instruction datasets, "
                                                "reword, augment, evol_instruct, self_instruct")
    llm: LLMSettings = Field(default_factory=LLMSettings)
    max_rows: int | None = Field(None, ge=1, description="work on a seeded sample of this many source records")
    max_attempts: int = Field(3, ge=1, le=20, description="generations per record before it is dropped")
    min_answer_similarity: float | None = Field(
        None, ge=-1, le=1, description="augment: lowest cosine (all-MiniLM-L6-v2) between a new answer and the "
                                       "real answer to the same instruction; lower is dropped as unlike_reference")
    judge_min_rating: int | None = Field(
        None, ge=1, le=5, description="instruction modes: the run's model rates each record 1-5 as an LLM judge "
                                      "(any backend) and a record rated lower is dropped; unset: no rating")
    min_faithfulness: float = Field(0.5, ge=0, le=1)
    max_copy_overlap: float = Field(0.95, gt=0, le=1, description="ROUGE-L to the source above this is a copy")
    max_copied_run: int = Field(25, ge=5, description="a run of this many tokens shared with any source is a copy")
    max_duplicate_jaccard: float = Field(0.8, gt=0, le=1, description="MinHash Jaccard to any source: a near copy")
    extra_drugs: list[str] = Field(default_factory=list, description="drug names added to the tier-0 lexicon")
    nli_model: str | None = Field(None, description="local NLI model folder: tier-1 faithfulness (entailment both "
                                                    "ways, contradiction rejects)")
    fields: InstructionFields = Field(default_factory=InstructionFields)
    num_tasks: int = Field(20, ge=1, description="self_instruct: new tasks to generate")
    prompt_tasks: int = Field(6, ge=1, le=20, description="self_instruct: tasks from the pool shown per request")
    evolutions: int = Field(1, ge=1, le=8, description="evol_instruct: rounds of evolution per seed instruction")
    style_examples: bool = Field(True, description="from_rows: show the model one scrubbed real note for style "
                                                   "(never released); small models copy it, so a policy may turn "
                                                   "it off")
    template: str | None = Field(None, description="from_rows: a draft note with {column} placeholders, filled from "
                                                   "each synthetic row and rewritten by the model")
    labels: dict[str, dict[str, str]] = Field(default_factory=dict, description="from_rows: words for coded "
                                              "values in the template, e.g. {sex: {'0': woman, '1': man}}")
    keep_draft: bool = Field(False, description="from_rows with a template: release the filled template itself for "
                                                "a row whose rewrites all failed (counted in the report)")
    options: dict[str, Any] = Field(default_factory=dict, description="the text mode's own options, checked by "
                                    "the options model it declares (a plugin mode's; docs/extending.md)")
    resume: bool = Field(True, description="cache every reply so that a killed run resumes (needs SYNTHGUARD_KEY)")
    improve: ImproveSettings | None = Field(None, description="fine-tune the local model on its own kept outputs "
                                                              "before the release is generated (ReST^EM)")

    @field_validator("mode")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in TEXT_MODES:
            raise ValueError(f"unknown text mode {value!r}; allowed: {', '.join(sorted(TEXT_MODES))}")
        return value

    @model_validator(mode="after")
    def _template_when_needed(self):
        if self.mode == "row_template" and not self.template:
            raise ValueError("mode row_template needs a template (a note with {column} placeholders)")
        self.mode_options()
        if self.improve is not None and self.improve.train_options:
            self.improve.learning(self).mode_options()  # checked by the mode's options model, as options are
        if self.improve is not None and self.llm.backend != "transformers":
            raise ValueError("improve fine-tunes the model's weights, so it needs a local model (llm.backend: "
                             f"transformers), not backend {self.llm.backend!r}")
        if self.improve is not None and not (TEXT_MODES[self.mode].instruction_data or self.mode == "from_rows"):
            raise ValueError(f"improve runs with from_rows and the instruction modes (reword, augment, evol_instruct, "
                             f"self_instruct), not {self.mode!r}")
        return self

    def mode_options(self) -> StrictModel | None:
        """``options`` checked by the mode's own options model (None for a mode that declares none)."""
        model = getattr(TEXT_MODES[self.mode], "options", None)
        if model is None:
            if self.options:
                raise ValueError(f"text mode {self.mode!r} takes no options; drop generate.text.options")
            return None
        try:
            return model.model_validate(self.options)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"options.{where}: {first['msg']} (text mode {self.mode})") from None
