"""Both chat backends on real parts: tiny random models saved and loaded through from_pretrained,
and an OpenAI-compatible HTTP server started by the test on 127.0.0.1."""

import threading
import time

import pytest

from synthguard.errors import ModelError
from synthguard.generators import chat_model
from synthguard.generators.llm import LLMSettings
from tests.conftest import CONVERSATIONS, ChatHandler, save_tiny_llama, serve, tiny_tokenizer


@pytest.fixture(scope="module")
def causal_path(tmp_path_factory):
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def seq2seq_path(tmp_path_factory):
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer, size = tiny_tokenizer()
    config = T5Config(vocab_size=size, d_model=16, d_ff=32, d_kv=8, num_layers=1, num_heads=2,
                      pad_token_id=0, eos_token_id=3, decoder_start_token_id=0)
    path = tmp_path_factory.mktemp("tiny-t5")
    T5ForConditionalGeneration(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_causal_model_answers_every_conversation_reproducibly(causal_path):
    model = chat_model(LLMSettings(model=str(causal_path), max_new_tokens=6, batch_size=1))
    assert not model.seq2seq
    first, again = model.chat(CONVERSATIONS, seed=7), model.chat(CONVERSATIONS, seed=7)
    assert len(first) == 2 and all(isinstance(t, str) for t in first)
    assert first == again
    assert "<assistant>" in model._prompt(CONVERSATIONS[0])  # the tokenizer's chat template is used


def test_seq2seq_model_is_driven_through_generate(seq2seq_path):
    model = chat_model(LLMSettings(model=str(seq2seq_path), max_new_tokens=5, temperature=0))
    assert model.seq2seq
    replies = model.chat(CONVERSATIONS, seed=0)
    assert len(replies) == 2 and all(isinstance(t, str) for t in replies)


def test_a_missing_model_stops_with_its_name_and_the_fix(tmp_path):
    with pytest.raises(ModelError, match=r"cannot load model '.*no-such-model'.*--llm-model PATH"):
        chat_model(LLMSettings(model=str(tmp_path / "no-such-model")))


class _Endpoint(ChatHandler):
    """A minimal OpenAI-compatible /v1/chat/completions: replies with the user text upper-cased."""

    state: dict = {}

    def do_POST(self):
        state = self.state
        with state["lock"]:
            state["requests"] += 1
            state["in_flight"] += 1
            state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
            fail = state["fail_first"] > 0
            state["fail_first"] -= 1 if fail else 0
        body = self.read_body()
        state["auth"].add(self.headers.get("Authorization"))
        time.sleep(0.05)
        with state["lock"]:
            state["in_flight"] -= 1
        if self.path != "/v1/chat/completions":
            self.send_status(404)
        elif fail:
            self.send_status(503)
        else:
            self.send_reply(body["messages"][-1]["content"].upper())


@pytest.fixture
def endpoint():
    _Endpoint.state = {"lock": threading.Lock(), "requests": 0, "in_flight": 0, "max_in_flight": 0,
                       "fail_first": 0, "auth": set()}
    with serve(_Endpoint) as url:
        yield url, _Endpoint.state


def test_openai_backend_over_real_http_with_retries_and_a_concurrency_limit(endpoint, monkeypatch):
    url, state = endpoint
    monkeypatch.setenv("SG_TEST_KEY", "sk-canary-123")
    state["fail_first"] = 2  # two 503s: retried with backoff, not surfaced
    model = chat_model(LLMSettings(backend="openai", model="tiny", base_url=url, api_key_env="SG_TEST_KEY",
                                   concurrency=2, max_retries=3))
    conversations = [[{"role": "user", "content": f"note {i}"}] for i in range(8)]
    assert model.chat(conversations, seed=1) == [f"NOTE {i}" for i in range(8)]
    assert state["requests"] == 10 and state["max_in_flight"] <= 2
    assert state["auth"] == {"Bearer sk-canary-123"}


def test_openai_backend_names_the_endpoint_when_it_cannot_be_reached(endpoint):
    url, _ = endpoint
    dead = "http://127.0.0.1:9/v1"
    with pytest.raises(ModelError, match=r"cannot reach model 'tiny' at http://127.0.0.1:9/v1"):
        chat_model(LLMSettings(backend="openai", model="tiny", base_url=dead, max_retries=1)).chat(
            [[{"role": "user", "content": "x"}]], seed=0)
    with pytest.raises(ModelError, match="check the model name"):
        chat_model(LLMSettings(backend="openai", model="tiny", base_url=url.removesuffix("/v1"))).chat(
            [[{"role": "user", "content": "x"}]], seed=0)
