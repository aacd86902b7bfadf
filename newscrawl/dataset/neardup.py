"""Near duplicates: MinHash signatures (rensa), LSH band keys, estimated Jaccard.

Texts become word 5-grams, or character 5-grams for languages written without
spaces between words (Chinese, Khmer), after NFKC and lowercasing. A text
shorter than one n-gram is a single shingle of what it has, so two short texts
match only when equal after normalization. 128 permutations in 32 bands of 4
rows make pairs at Jaccard 0.5 candidates with probability 0.87 and at 0.7
with 0.9997; a candidate pair is kept when its estimated Jaccard is at least
:data:`THRESHOLD`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rensa import RMinHash

NGRAM = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 1_517_201
THRESHOLD = 0.7
#: primary language subtags shingled by characters
CHARACTER_LANGUAGES = frozenset({"zh", "km", "ja", "th", "lo", "my"})
#: a bucket with more members than this yields a chain and a star instead of all its pairs
BUCKET_ALL_PAIRS = 100

_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _letters(text: str) -> str:
    # letters, marks (Khmer vowel signs are marks) and digits; no spaces or punctuation
    return "".join(c for c in text if unicodedata.category(c)[0] in "LMN")


def shingles(text: str, language: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    if language.split("-", 1)[0] in CHARACTER_LANGUAGES:
        chars = _letters(text)
        if len(chars) <= NGRAM:
            return [chars] if chars else []
        return [chars[i : i + NGRAM] for i in range(len(chars) - NGRAM + 1)]
    words = _WORD.findall(text)
    if len(words) <= NGRAM:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)]


def signatures(shingle_sets: Sequence[list[str]]) -> npt.NDArray[np.uint32]:
    """One row of :data:`NUM_PERM` minimum hashes per shingle set (none may be empty)."""
    if not shingle_sets:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    matrix = RMinHash.digest_matrix_from_token_sets(list(shingle_sets), NUM_PERM, SEED)
    return np.array(matrix.to_rows(), dtype=np.uint32)


def band_keys(sigs: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """One 64-bit key per band: equal bands give equal keys (unequal ones collide with p ~ 2^-64)."""
    rows = sigs.reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    key = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    for r in range(ROWS):
        key = (key ^ rows[:, :, r]) * _MIX
        key ^= key >> np.uint64(29)
    return key


def jaccard(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent.setdefault(x, x)
        if parent != x:
            parent = self.parent[x] = self.find(parent)
        return parent

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out
