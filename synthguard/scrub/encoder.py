"""A fine-tuned transformer encoder that tags PHI token by token (MiniLM, int8, on ONNX Runtime).

The rules need a cue and the CRF sees three words either side; the encoder reads a window of 128 word pieces
and finds the names, places and dates the others miss (``came in from mt auburn``, a relative's name in lower
case). It is trained by ``scrub/encoder_training.py``. At run time only ``tokenizers`` and ``onnxruntime`` are
used: no torch, no transformers, no download. Windows from many notes are sorted by length and run in
batches, which is why the recognizer is fed a whole batch first (``prepare``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).with_name("models") / "phi_encoder"
ONNX = "model.int8.onnx"
TOKENIZER = "tokenizer.json"
META = "settings.json"
LABELS = ["O", "NAME", "LOCATION", "DATE", "PHONE", "AGE", "OTHER"]
WINDOW = 128  # word pieces, [CLS] and [SEP] included
OVERLAP = 16  # word pieces shared by neighbouring windows, so no token is judged at a window's very edge
BATCH = 32
# Threads for ONNX Runtime in this process: by default one a core (up to 4), although the thread that runs spaCy
# and the rules holds one core too (recognizers/encoder_phi.py): the encoder's threads sleep instead of spinning
# when idle, and on 2 cores 400 notes took 11.2 s this way against 12.9 s with one thread. A worker process of
# the scrubber's pool sets 1, the pool being one process per core.
THREADS: int | None = None


def label_tokens(offsets: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[int]:
    """The label id of every word piece: the type of the gold span it overlaps, else O."""
    labels = [0] * len(offsets)
    for start, end, label in spans:
        for i, (a, b) in enumerate(offsets):
            if a < end and start < b:
                labels[i] = LABELS.index(label)
    return labels


def available(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / ONNX).exists() and (model_dir / TOKENIZER).exists()


class PhiEncoder:
    """``spans(texts)``: for each text, (start, end, label, probability) of each run of PHI words."""

    def __init__(self, model_dir: str | Path = MODEL_DIR, threshold: float = 0.5, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        self.threshold = threshold
        self.labels = json.loads((model_dir / META).read_text())["labels"] if (model_dir / META).exists() else LABELS
        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or THREADS or min(4, os.cpu_count() or 1)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads sleep, not spin
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_dir / ONNX), options, providers=["CPUExecutionProvider"])
        self.cls, self.sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")

    def probabilities(self, texts: list[str]) -> list[tuple[object, np.ndarray]]:
        """Per text: its encoding and, per word piece, the probability of each label."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        body, step = WINDOW - 2, WINDOW - 2 - OVERLAP
        jobs = [(t, start) for t, enc in enumerate(encodings)
                for start in range(0, max(len(enc.ids) - OVERLAP, 1), step) if enc.ids]
        jobs.sort(key=lambda job: min(body, len(encodings[job[0]].ids) - job[1]))
        probs = [np.zeros((len(enc.ids), len(self.labels)), dtype=np.float32) for enc in encodings]
        for p in probs:
            p[:, 0] = 1.0  # a piece no window has judged yet is O
        for first in range(0, len(jobs), BATCH):
            chunk = jobs[first:first + BATCH]
            rows = [[self.cls, *encodings[t].ids[start:start + body], self.sep] for t, start in chunk]
            width = max(map(len, rows))
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for k, row in enumerate(rows):
                ids[k, :len(row)] = row
                mask[k, :len(row)] = 1
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            soft = np.exp(logits - logits.max(-1, keepdims=True))
            soft /= soft.sum(-1, keepdims=True)
            for k, (t, start) in enumerate(chunk):
                piece = soft[k, 1:len(rows[k]) - 1]
                view = probs[t][start:start + len(piece)]
                # Where windows overlap, the more confident of PHI wins (the encoder leans to recall).
                take = piece[:, 0] < view[:, 0]
                view[take] = piece[take]
        return list(zip(encodings, probs, strict=True))

    def spans(self, texts: list[str]) -> list[list[tuple[int, int, str, float]]]:
        out = []
        for (encoding, probs), text in zip(self.probabilities(texts), texts, strict=True):
            out.append(self._runs(text, encoding, probs))
        return out

    def _runs(self, text: str, encoding, probs: np.ndarray) -> list[tuple[int, int, str, float]]:
        """Whole words whose likeliest piece is PHI above the threshold; neighbours on one line are joined."""
        words: dict[int, list[int]] = {}
        for i, word in enumerate(encoding.word_ids):
            if word is not None:
                words.setdefault(word, []).append(i)
        found: list[tuple[int, int, str, float]] = []
        for pieces in words.values():
            phi = 1.0 - probs[pieces, 0]
            best = int(np.argmax(phi))
            if phi[best] < self.threshold:
                continue
            label = self.labels[1 + int(np.argmax(probs[pieces[best], 1:]))]
            start, end = encoding.offsets[pieces[0]][0], encoding.offsets[pieces[-1]][1]
            gap = text[found[-1][1]:start] if found else None
            if gap is not None and len(gap) <= 1 and "\n" not in gap and found[-1][2] == label:
                found[-1] = (found[-1][0], end, label, max(found[-1][3], float(phi[best])))
            else:
                found.append((start, end, label, float(phi[best])))
        return found
