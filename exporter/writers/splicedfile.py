"""A document written into a scratch file, with bytes kept elsewhere spliced in by reference.

A cartridge's question bank is written item by item as its quizzes are built (lxml's incremental writer), and a
warm build puts most of it in as the fragment store kept it: a replayed quiz's items, where the store's file is
mapped. Copying those into the scratch file, then reading them back to key and compress the member, moved the
whole bank (19 MB for a course of 6,000 items) through the file three times per cartridge; here they stay where
they are, and the document is read back as its pieces in order.
"""

from __future__ import annotations

import bisect
import os


class SplicedFile:
    """Written with `write` (what lxml's incremental writer calls) and `splice` (bytes put in as they are, not
    copied); `tell` is the document's length so far, `part(start, end)` its bytes between two lengths, and `reader`
    the whole document, read in order. Closing it closes the scratch file."""

    def __init__(self, scratch):
        self._file = scratch  # an open binary file: what `write` is given, appended
        self._pieces: list[list] = []  # in order: [offset in the file, size], or [bytes held by reference]
        self._starts: list[int] = []  # where each piece starts in the document (found by bisection: `_chunks`)
        self._size = 0
        self._in_file = 0

    def write(self, data) -> int:
        size = len(data)
        if size:
            self._file.write(data)
            last = self._pieces[-1] if self._pieces else None
            if last is not None and len(last) == 2 and last[0] + last[1] == self._in_file:
                last[1] += size
            else:
                self._pieces.append([self._in_file, size])
                self._starts.append(self._size)
            self._in_file += size
            self._size += size
        return size

    def splice(self, data) -> None:
        """`data` (bytes or a view of them, left unchanged until the document is read) as the document's next
        bytes."""
        if len(data):
            self._pieces.append([data])
            self._starts.append(self._size)
            self._size += len(data)

    def flush(self) -> None:
        self._file.flush()

    def tell(self) -> int:
        return self._size

    def part(self, start: int, end: int) -> bytes:
        """The document's bytes from `start` to `end`."""
        return b"".join(self._chunks(start, end))

    def reader(self) -> "_Reader":
        """The whole document, as an open binary file read from its start (`read`, `tell`, `seek`)."""
        self._file.flush()
        return _Reader(self)

    def close(self) -> None:
        self._file.close()

    def _chunks(self, start: int, end: int, most: int | None = None):
        """The document's bytes from `start` to `end`, as views of the pieces (and reads of the file), each of at most
        `most` bytes."""
        for n in range(max(bisect.bisect_right(self._starts, start) - 1, 0), len(self._pieces)):
            piece, at = self._pieces[n], self._starts[n]
            if at >= end:
                break
            size = piece[1] if len(piece) == 2 else len(piece[0])
            lo, hi = max(start, at) - at, min(end, at + size) - at
            while lo < hi:
                step = hi - lo if most is None else min(most, hi - lo)
                yield self._read(piece[0] + lo, step) if len(piece) == 2 else memoryview(piece[0])[lo:lo + step]
                lo += step

    def _read(self, offset: int, size: int) -> bytes:
        """`size` bytes the scratch file holds from `offset` (the file stays where it is: at its end)."""
        self._file.flush()
        try:
            fd = self._file.fileno()
        except (AttributeError, OSError):  # (a file in memory: io.UnsupportedOperation is an OSError)
            self._file.seek(offset)
            data = self._file.read(size)
            self._file.seek(0, os.SEEK_END)
        else:
            data = os.pread(fd, size, offset)
        if len(data) != size:
            raise OSError("the scratch file is shorter than written")
        return data


class _Reader:
    """`SplicedFile.reader`'s file: its document read in order, in chunks of at most the size asked for."""

    def __init__(self, document: SplicedFile):
        self.document, self.at = document, 0
        self._chunks, self._most = None, 0  # the chunks from `at` on, of at most `_most` bytes each

    def read(self, size: int = -1):
        """The next bytes: all that are left, or (with a size) a piece of at most that many, fewer only where a piece
        of the document ends (b"" at its end). A view, where the bytes are a spliced piece's."""
        if size is None or size < 0:
            rest = self.document.part(self.at, self.document.tell())
            self.seek(self.document.tell())
            return rest
        if size == 0:
            return b""
        if self._chunks is None or self._most != size:
            self._chunks, self._most = self.document._chunks(self.at, self.document.tell(), size), size
        chunk = next(self._chunks, b"")
        self.at += len(chunk)
        return chunk

    def tell(self) -> int:
        return self.at

    def seek(self, offset: int) -> int:
        self.at, self._chunks = offset, None
        return offset

    def __enter__(self) -> "_Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.document.close()
