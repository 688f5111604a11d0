"""A gzip stream in segments, as pigz writes one: what a `.tgz` package is compressed with.

Each segment of the uncompressed stream is deflated by a compressor of its own and ended by a full flush (the
last one by the stream's end). Its compressed bytes then depend on its own bytes alone, and the segments join
into one ordinary gzip member that any gzip reader inflates (the full flush is an empty stored block).

Where a segment ends is decided by the content: the stream is written as units (a tar member, or a part of one its
writer marked, `_Spilling.cut`), and a segment ends after a unit whose CRC-32, read as a fraction of 2^32, is below
the unit's size over `SEGMENT`. A segment is `SEGMENT` bytes long on average, and an edit moves no boundary but
those of the units it changes. The tar's writer also ends segments around what changes with any edit (`boundary`):
the archive's index, and a large member's header and padding (its size). With a fragment store, each segment's
compressed bytes are kept by the key of its bytes (`contentkey`): a segment made of the same bytes as in the last
build is copied, not deflated again.
"""

from __future__ import annotations

import struct
import zlib
from typing import Callable, Iterable

from exporter.writers import contentkey

SEGMENT = 1 << 20  # a segment's mean uncompressed size: a few bytes of flush and a dictionary lost per megabyte
# the header gzip.GzipFile writes with no name, time 0 and level 6: magic, deflate, no flags, mtime 0, xfl 0, OS 255
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


class SegmentedGzip:
    """Writes `HEADER` into `out`; then `unit(pieces)` for each unit in order, and `close()`. A piece is bytes, or a
    callable yielding its bytes (called again when its segment is deflated). With `key(digest, size,
    last)`, `lookup(key)` (kept bytes, or None) and `keep(key, data)`, segments are reused (see the module)."""

    def __init__(self, out, lookup: Callable[[str], "bytes | None"] | None = None,
                 keep: Callable[[str, bytes], None] | None = None, key: Callable[..., str] | None = None):
        self.out, self.lookup, self.keep, self.key = out, lookup, keep, key
        self.crc = self.total = 0
        self._pieces: list = []
        self._size = 0
        self._key = contentkey.hasher()
        self.reused = self.deflated = 0  # segments, for tests and the curious
        out.write(HEADER)

    def unit(self, pieces: Iterable) -> None:
        """One unit: its pieces (bytes, or callables yielding bytes), then perhaps the segment's end."""
        crc = size = 0
        for piece in pieces:
            self._pieces.append(piece)
            for data in _chunks(piece):
                crc = zlib.crc32(data, crc)
                size += len(data)
                self._take(data)
        self._size += size
        self.total += size
        if crc * SEGMENT < size << 32:  # (`ends_segment`, from the pieces' CRC-32)
            self._end(last=False)

    def add(self, data: bytes) -> None:
        """One unit of one piece of bytes: `unit([data])`, in fewer steps (a tar member, most of a backup's)."""
        self._piece(data)
        if ends_segment(data):
            self._end(last=False)

    def run(self, data, ends: list[int]) -> None:
        """Units given as one piece of bytes, with `ends`: where in it (in order) a unit ends that `ends_segment`
        (what `add` of each unit would do, without a step per unit)."""
        start = 0
        for end in ends:
            self._piece(data[start:end])
            self._end(last=False)
            start = end
        if start < len(data):
            self._piece(data[start:])

    def boundary(self) -> None:
        """The segment ends here (unless nothing is in it yet): what changes on its own, between two boundaries, then
        changes no segment beside it (a member's size in its tar header, which any edit of the member changes)."""
        if self._size:
            self._end(last=False)

    def _piece(self, data) -> None:
        self._pieces.append(data)
        self._take(data)
        size = len(data)
        self._size += size
        self.total += size

    def _take(self, data) -> None:
        """The segment's next bytes into its digest and the stream's CRC-32, as they come (not copied: the pieces are
        read again to deflate a segment not kept)."""
        self._key.update(data)
        self.crc = zlib.crc32(data, self.crc)

    def close(self) -> None:
        """The last segment (also when it is empty) and the gzip trailer: CRC-32 and size of everything."""
        self._end(last=True)
        self.out.write(struct.pack("<II", self.crc & 0xFFFFFFFF, self.total & 0xFFFFFFFF))

    def _end(self, last: bool) -> None:
        key = self.key(self._key.hexdigest(), self._size, last) if self.key is not None else None
        data = self.lookup(key) if key is not None and self.lookup is not None else None
        if data is None:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            parts = []
            for piece in self._pieces:  # (deflate's output does not depend on how its input is cut)
                for chunk in _chunks(piece):
                    parts.append(compressor.compress(chunk))
            parts.append(compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))
            data = b"".join(parts)
            self.deflated += 1
        else:
            self.reused += 1
        self.out.write(data)
        if key is not None and self.keep is not None:
            self.keep(key, data)
        self._pieces, self._size = [], 0
        self._key.reset()


def ends_segment(unit: bytes) -> bool:
    """Whether a segment ends after this unit: its CRC-32, read as a fraction of 2^32, is below its size over
    `SEGMENT`."""
    return zlib.crc32(unit) * SEGMENT < len(unit) << 32


def _chunks(piece) -> Iterable[bytes]:
    if isinstance(piece, (bytes, bytearray, memoryview)):
        return (piece,)
    return piece()
