"""`SplicedFile`: a document written into a scratch file with pieces spliced in by reference reads back as all its
bytes in order, and the scratch file holds only what was written."""

from __future__ import annotations

import io
import random
import tempfile

import pytest

from exporter.writers.splicedfile import SplicedFile


def _document(seed: int) -> tuple[SplicedFile, bytes, int, list[int]]:
    """A document of written and spliced pieces (some empty), the bytes it must read as, how many of them were
    written, and its length after each piece."""
    rng = random.Random(seed)
    doc = SplicedFile(tempfile.TemporaryFile() if seed % 2 else io.BytesIO())  # (a scratch file, or memory)
    whole, written, lengths = [], 0, []
    for n in range(60):
        data = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, 7, 300, 5000))))
        if rng.random() < 0.4:
            doc.splice(memoryview(data) if n % 2 else data)
        else:
            doc.write(data)
            written += len(data)
        whole.append(data)
        lengths.append(doc.tell())
    return doc, b"".join(whole), written, lengths


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_spliced_file_reads_back_as_its_pieces_in_order(seed):
    doc, whole, written, lengths = _document(seed)
    assert doc.tell() == len(whole) and lengths[-1] == len(whole)
    doc.flush()
    assert doc._file.seek(0, 2) == written  # spliced pieces are not copied into the scratch file
    rng = random.Random(seed)
    for _ in range(30):
        start = rng.randrange(0, len(whole) + 1)
        end = rng.randrange(start, len(whole) + 1)
        assert doc.part(start, end) == whole[start:end]
    with doc.reader() as reader:
        for size in (1, 10, 4096, 1 << 20):
            reader.seek(0)
            got = []
            while chunk := reader.read(size):
                assert 0 < len(chunk) <= size
                got.append(bytes(chunk))
            assert b"".join(got) == whole and reader.tell() == len(whole)
        at = lengths[10]
        reader.seek(at)
        assert reader.read(0) == b"" and reader.tell() == at
        chunk = reader.read(3)  # (fewer only where a piece ends)
        assert 0 < len(chunk) <= 3 and bytes(chunk) == whole[at:at + len(chunk)] and reader.tell() == at + len(chunk)
        reader.seek(at)
        assert reader.read() == whole[lengths[10]:] and reader.read() == b""
    assert doc._file.closed  # closing the reader closes the scratch file
