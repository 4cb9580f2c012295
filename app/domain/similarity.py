"""Near-duplicate documents: syndicated or copied versions of one report.

Each text gets a MinHash signature of its five-word shingles (datasketch); the
signature is cut into bands, and documents that share a band's hash are candidates
whose estimated Jaccard similarity is then checked (locality-sensitive hashing), so a
new document is compared with a handful of others, not with every stored one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import cast

import numpy as np
from datasketch import MinHash

PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.6 similarity almost always share a band
ROWS = PERMUTATIONS // BANDS
SHINGLE_WORDS = 5
THRESHOLD = 0.8  # estimated Jaccard at and above which a document is a near-duplicate
_SEED = 20261123
_WORD = re.compile(r"\w+", re.UNICODE)


# Its permutations drawn once, not per text; it takes the shingles' 32-bit hashes (made
# below as datasketch's default sha1_hash32 makes them), so hashfunc passes them on.
_TEMPLATE = MinHash(num_perm=PERMUTATIONS, seed=_SEED, hashfunc=int)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: tuple[int, ...]  # PERMUTATIONS minimum hashes
    bands: tuple[int, ...]  # BANDS signed 64-bit bucket ids


def fingerprint(text: str) -> Fingerprint | None:
    """The MinHash signature and LSH band buckets of ``text``; None when it is too short
    to have a shingle.

    >>> fp = fingerprint("North Korea sent one thousand sappers to the Kursk region")
    >>> len(fp.signature), len(fp.bands)
    (64, 16)
    """
    words = _WORD.findall(text)
    if len(words) < SHINGLE_WORDS:
        return None
    minhash = _TEMPLATE.copy()
    minhash.update_batch(_shingle_hashes(words))
    signature = tuple(int(v) for v in minhash.hashvalues)
    bands = tuple(
        _bucket(band, signature[band * ROWS : (band + 1) * ROWS]) for band in range(BANDS)
    )
    return Fingerprint(signature, bands)


def _shingle_hashes(words: list[str]) -> list[int]:
    """The 32-bit hash (the first four bytes of its SHA-1, little-endian: datasketch's
    ``sha1_hash32``) of each shingle: SHINGLE_WORDS case-folded words joined by a space,
    UTF-8. The shingles are cut from one encoded text: casefold maps each character on
    its own and never makes a space, so the words fold together as one by one."""
    text = " ".join(words).casefold()
    data = text.encode()
    folded = text.split(" ")
    sizes = map(len, folded) if len(data) == len(text) else (len(w.encode()) for w in folded)
    starts = list(accumulate((size + 1 for size in sizes), initial=0))
    sha1 = hashlib.sha1
    ends = starts[SHINGLE_WORDS:]  # a shingle ends before the start of its sixth word
    pairs = zip(starts, ends, strict=False)  # the last few words start no shingle
    digests = b"".join([sha1(data[a : b - 1]).digest()[:4] for a, b in pairs])
    return cast(list[int], np.frombuffer(digests, dtype="<u4").tolist())


def _bucket(band: int, rows: Sequence[int]) -> int:
    digest = hashlib.blake2b(repr((band, tuple(rows))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal minimums.

    >>> similarity((1, 2, 3, 4), (1, 2, 3, 5))
    0.75
    """
    if len(a) != len(b) or not a:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def best_original(
    own: Fingerprint, candidates: Sequence[tuple[int, Sequence[int]]]
) -> tuple[int, float] | None:
    """Among ``(document id, signature)`` candidates, the one ``own`` copies: the most
    similar at or above THRESHOLD, the earliest stored on a tie."""
    scored = [(similarity(own.signature, sig), doc) for doc, sig in candidates]
    above = [(score, doc) for score, doc in scored if score >= THRESHOLD]
    if not above:
        return None
    score, doc = max(above, key=lambda s: (s[0], -s[1]))
    return doc, score
