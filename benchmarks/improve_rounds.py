"""Per-round figures of generate.text.improve (ReST^EM) beside round 0 (the base model), from one run.

    python benchmarks/improve_rounds.py --policy policies/instruction-tuning-improve.yaml \
        [--data examples/data/self_instruct_seed_tasks.jsonl] [--rounds 2] [--examples out.jsonl] [--output DIR]

Every figure is on the held-out source records, which no round trains on (one attempt each). ``--examples``
writes each round's kept held-out texts beside their scrubbed source, to be read one by one; ``--output`` writes
the release (gate or not: the action is ``warn`` here), to compare two runs of one seed file by file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", required=True, type=Path)
    parser.add_argument("--data", type=Path, help="instruction dataset (default: the policy's data.source)")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--examples", type=Path, help="write each round's kept held-out texts here (JSONL)")
    parser.add_argument("--output", type=Path, help="write the release (data, adapter/, report, manifest) here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import synthguard
    from synthguard.progress import for_terminal

    policy = synthguard.load_policy(args.policy)
    changes = {"validate": {"action": "warn"}}  # the figures of a run whose gate fails too
    if args.rounds is not None:
        changes["generate"] = {"text": {"improve": {"rounds": args.rounds}}}
    if args.seed is not None:
        changes.setdefault("generate", {})["table"] = {"seed": args.seed}
    policy = policy.updated(changes)
    if policy.generate.text is None or policy.generate.text.improve is None:
        print("error: the policy has no generate.text.improve", file=sys.stderr)
        return 2
    started = time.perf_counter()
    release = synthguard.synthesize(str(args.data) if args.data else None, policy, for_terminal())
    improve = release.report.settings["improve"]
    print(f"{policy.name}: {policy.generate.text.mode} with {release.report.generator}; "
          f"{time.perf_counter() - started:.0f} s in all; {improve['stopped']}")
    print(f"{'round':>5} {'trained on':>10} {'kept':>9} {'share':>6} {'× round 0':>9} {'faithful':>8} "
          f"{'quality':>7} {'s':>5}  top rejections")
    base = improve["rounds"][0]["kept_share"] or float("nan")
    for r in improve["rounds"]:
        top = ", ".join(f"{k} {v}" for k, v in sorted(r["rejected"].items(), key=lambda kv: -kv[1])[:3])
        print(f"{r['round']:>5} {r['trained_on']:>10} {r['kept']:>4} / {r['held_out']:<2} {r['kept_share']:>6.2f} "
              f"{r['kept_share'] / base:>9.2f} {r['faithfulness'] if r['faithfulness'] is not None else '-':>8} "
              f"{r['quality'] if r['quality'] is not None else '-':>7} {r['seconds']:>5.0f}  {top}")
    if release.texts is not None:  # a table's notes: how many of the max_rows rows got one
        what = f"{len(release.texts)} notes of {policy.generate.text.max_rows or 'all'} rows written"
    else:
        what = f"{release.report.rows.get('synthetic')} of {release.report.rows.get('source')} records kept"
    print(f"release: {what}; gate {'passed' if release.passed else 'failed'}")
    if args.examples:
        with args.examples.open("w", encoding="utf-8") as out:
            for r in improve["rounds"]:
                for source, text in r["examples"]:
                    out.write(json.dumps({"round": r["round"], "source": source, "kept": text}) + "\n")
        print(f"kept held-out texts: {args.examples}")
    if args.output:
        print(f"release written: {release.write(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
