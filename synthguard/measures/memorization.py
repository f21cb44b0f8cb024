"""Near-copies of source records in generated text (memorization).

Two signals, both against every source record, not only the one a text was made from:
- the longest run of tokens a generated text shares with any source. Exact and linear:
  every ``run``-token window of the sources is hashed into a set, so a text shares a run of
  at least ``run`` tokens exactly when one of its windows is in the set;
- near-duplicates by MinHash over token 3-gram shingles (datasketch's MinHashLSH finds the
  candidates; the Jaccard estimate of the closest one is the score), which catches a copy
  with a few words changed, where no long run survives.
"""

from __future__ import annotations

from dataclasses import dataclass

from synthguard.measures.text_metrics import tokens

SHINGLE = 3
PERMUTATIONS = 128


def _shingles(words: list[str]) -> set[bytes]:
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def _minhash(words: list[str]):
    from datasketch import MinHash

    signature = MinHash(num_perm=PERMUTATIONS, seed=1)
    signature.update_batch(list(_shingles(words)))
    return signature


@dataclass(frozen=True)
class Copying:
    shared_run: bool  # shares a run of at least ``run`` tokens with a source
    jaccard: float  # estimated shingle Jaccard to the closest source candidate (0 when none)


class MemorizationIndex:
    """Built once over the sources; ``look(text)`` says how much of a source ``text`` copies."""

    def __init__(self, sources: list[str], run: int = 25, jaccard: float = 0.8):
        from datasketch import MinHashLSH

        self.run, self.threshold = run, jaccard
        self._windows: set[int] = set()
        # Candidates are fetched well below the threshold: LSH banding misses pairs that sit near it.
        self._lsh = MinHashLSH(threshold=jaccard / 2, num_perm=PERMUTATIONS)
        self._signatures = {}
        for i, text in enumerate(dict.fromkeys(sources)):
            words = tokens(text)
            self._windows.update(hash(tuple(words[j:j + run])) for j in range(len(words) - run + 1))
            if words:
                signature = _minhash(words)
                self._signatures[i] = signature
                self._lsh.insert(i, signature)

    def look(self, text: str) -> Copying:
        words = tokens(text)
        shared = any(hash(tuple(words[j:j + self.run])) in self._windows for j in range(len(words) - self.run + 1))
        jaccard = 0.0
        if words:
            signature = _minhash(words)
            jaccard = max((signature.jaccard(self._signatures[k]) for k in self._lsh.query(signature)), default=0.0)
        return Copying(shared, float(jaccard))

    def copies(self, text: str) -> bool:
        found = self.look(text)
        return found.shared_run or found.jaccard >= self.threshold
