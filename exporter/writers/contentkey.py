"""The key of bytes by their content, for what the cache of writer output keeps by content (a backup's gzip segment,
a large member such as a cartridge's question bank or a course file): XXH3's 128-bit hash (the xxhash package).

A warm build hashes everything it keeps this way again (some 80 MB for a course of 6,000 items): XXH3 runs at about
9 GB/s here, SHA-256 at 1.2 with the CPU's SHA instructions. A key tells apart the bytes of one course's builds on
one machine, where the only input is the author's own files: 128 bits make two different contents with one key
as unlikely as with SHA-256 for any number of builds, though XXH3, unlike SHA-256, is no defence against bytes
made on purpose to collide (as the content hashes of build caches such as Turborepo's and Nx's)."""

from __future__ import annotations

import xxhash


def hasher():
    """A new hasher: update(bytes), hexdigest(), reset()."""
    return xxhash.xxh3_128()
