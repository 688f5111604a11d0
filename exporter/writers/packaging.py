"""Packaging core shared by every writer: deterministic zips and gzip'd tars (output.py writes them atomically)."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

from exporter.model import LocalFile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in any artifact


CHUNK = 1 << 20


def zip_bytes(files: dict[str, bytes | str | LocalFile]) -> bytes:
    """A zip of the files, byte-identical for the same input: sorted names, fixed times and modes, deflate.
    Course files (LocalFile) are streamed from disk and large members compressed a chunk at a time, so the
    zip being built is the only large thing in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = 0o100644 << 16
            try:
                info.compress_level = 6  # Python 3.13+
            except AttributeError:
                info._compresslevel = 6  # what writestr(compresslevel=6) sets before 3.13
            if isinstance(data, str):
                data = data.encode("utf-8")
            if isinstance(data, LocalFile):
                info.file_size = data.size
                chunks = data.chunks(CHUNK)
            else:
                info.file_size = len(data)
                view = memoryview(data)
                chunks = (view[k:k + CHUNK] for k in range(0, len(data), CHUNK))
            with zf.open(info, "w") as dest:
                for chunk in chunks:
                    dest.write(chunk)
    return buf.getvalue()


def size_of(data: bytes | str | LocalFile) -> int:
    """The size in bytes a member will have in an archive."""
    if isinstance(data, LocalFile):
        return data.size
    return len(data.encode("utf-8") if isinstance(data, str) else data)


def tgz_bytes(files: dict[str, bytes | str | LocalFile], first: tuple[str, ...] = ()) -> bytes:
    """A gzip'd ustar archive of the files, byte-identical for the same input: the `first` names in that order,
    then the rest sorted; time 0, owner root, mode 0644, no file name or time in the gzip header. Course files
    (LocalFile) are streamed from disk into the compressor."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=6, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in [*first, *sorted(n for n in files if n not in first)]:
            data = files[name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = size_of(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if isinstance(data, LocalFile):
                with open(data.path, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info, io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data))
    return buf.getvalue()
