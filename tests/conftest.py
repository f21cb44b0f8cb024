import contextlib
import json
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CSV = ROOT / "examples" / "data" / "heart_patients.csv"
MEDICAL_POLICY = ROOT / "policies" / "medical.yaml"
CLINICAL = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak",
            "slope", "ca", "thal", "target"]


@pytest.fixture(scope="session")
def patients() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE_CSV)


@pytest.fixture
def medical_raw() -> dict:
    raw = yaml.safe_load(MEDICAL_POLICY.read_text())
    raw["data"]["source"] = str(EXAMPLE_CSV)
    raw["release"].pop("output", None)
    # The shipped policy rewrites notes with the embedded model (~50 s); tests that need text
    # generation turn it on with a model of their own.
    raw["generate"].pop("text", None)
    return raw


@pytest.fixture
def write_policy(tmp_path):
    """Write a policy mapping to a YAML file in tmp_path and return its path."""

    def write(raw: dict, name: str = "policy.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(raw, sort_keys=False))
        return path

    return write


@pytest.fixture
def example_copy(tmp_path) -> Path:
    path = tmp_path / "patients.csv"
    shutil.copy(EXAMPLE_CSV, path)
    return path


@pytest.fixture(scope="session")
def heart(patients) -> pd.DataFrame:
    return patients[CLINICAL]


@pytest.fixture(scope="session")
def split(heart):
    from synthguard.steps import split_holdout

    return split_holdout(heart, 0.2, seed=0, target="target")


@pytest.fixture(scope="session")
def copula_sample(split) -> pd.DataFrame:
    from synthguard.generators import TABLE_GENERATORS

    train, _ = split
    gen = TABLE_GENERATORS["gaussian_copula"]({}, [], {c: "numerical" for c in ["age", "chol"]})
    gen.stratify_on("target")  # as synth fits it: one model per class keeps the predictors' links to the target
    return gen.fit(train, seed=1).sample(len(train), seed=2)


class ChatHandler(BaseHTTPRequestHandler):
    """Base for the OpenAI-compatible servers tests start on 127.0.0.1: quiet, JSON in, one completion out."""

    def log_message(self, *args):  # keep the test output clean
        pass

    def read_body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def send_status(self, code: int) -> None:
        self.send_response(code)
        self.end_headers()

    def send_reply(self, text: str) -> None:
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextlib.contextmanager
def serve(handler: type[ChatHandler]):
    """Run ``handler`` on a free port; yields the /v1 base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


# Tiny random chat models, saved and loaded through the real from_pretrained.
WORDS = "the patient denies chest pain fever takes metoprolol mg daily rewrite keep every fact note".split()
CHAT_TEMPLATE = ("{% for m in messages %}<{{ m['role'] }}> {{ m['content'] }} {% endfor %}"
                 "{% if add_generation_prompt %}<assistant>{% endif %}")
CONVERSATIONS = [[{"role": "system", "content": "rewrite the note keep every fact"},
                  {"role": "user", "content": "the patient denies chest pain"}],
                 [{"role": "user", "content": "takes metoprolol 50 mg daily"}]]


def tiny_tokenizer():
    """A word-level tokenizer over a small clinical vocabulary, with a chat template."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "<unk>", "<s>", "</s>", "<system>", "<user>", "<assistant>"]
    vocab = {t: i for i, t in enumerate(specials + WORDS + [str(i) for i in range(100)])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", unk_token="<unk>",
                                        bos_token="<s>", eos_token="</s>")
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer, len(vocab)


def save_tiny_llama(path: Path) -> Path:
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer, size = tiny_tokenizer()
    config = LlamaConfig(vocab_size=size, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, pad_token_id=0, bos_token_id=2, eos_token_id=3)
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
