"""A text's MinHash signature, for near-duplicate detection (`dedup`).

Pure, and free of Django, so the extraction workers can compute it beside the text they
extract (see `harvest.pool`): one process reads and fingerprints a page, the harvest only
stores. Signatures are stored, so the scheme, seed and shingling here must not change.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
SCHEME = "affine32"  # pinned: signatures of different schemes do not compare
MIN_WORDS = 60
MAX_WORDS = 2000
WORD = re.compile(r"\w+", re.U)
# datasketch draws a MinHash's permutations from a seeded RandomState each time one is made,
# which cost more than the hashing itself (and twice per comparison): draw them once. The
# same seed and scheme give the same permutations, so signatures are unchanged.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def shingles(text: str, size: int = 3) -> list[bytes]:
    """Word `size`-grams of the lower-cased text (its first MAX_WORDS words), as UTF-8."""
    words = WORD.findall(text[: MAX_WORDS * 12].lower())[:MAX_WORDS]
    # Each word encoded once, not once per gram it is in.
    words = [word.encode("utf-8") for word in words]
    return [b" ".join(gram) for gram in zip(*(words[i:] for i in range(size)), strict=False)]


def signature(text: str) -> bytes | None:
    """A MinHash signature as bytes, or None for texts too short to compare safely.

    Shingles are hashed with CRC-32 (stable across processes, and ten times cheaper than
    datasketch's default SHA-1); the affine permutations do the mixing."""
    grams = shingles(text)
    if len(grams) < MIN_WORDS:
        return None
    minhash = MinHash(NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_PERMUTATIONS)
    minhash.update_batch(grams)
    return minhash.hashvalues.astype(np.uint64).tobytes()
