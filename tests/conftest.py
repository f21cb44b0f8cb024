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
    from synthguard.pipeline import split_holdout

    return split_holdout(heart, 0.2, seed=0, target="target")


@pytest.fixture(scope="session")
def copula_sample(split) -> pd.DataFrame:
    from synthguard.generators import TABLE_GENERATORS

    train, _ = split
    gen = TABLE_GENERATORS["gaussian_copula"]({}, [], {c: "numerical" for c in ["age", "chol"]})
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
