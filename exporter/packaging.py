"""Packaging core shared by every writer: deterministic zips (output.py writes them atomically)."""

from __future__ import annotations

import io
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in any artifact


def zip_bytes(files: dict[str, bytes | str]) -> bytes:
    """A zip of the files, byte-identical for the same input: sorted names, fixed times and modes, deflate."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data, compresslevel=6)
    return buf.getvalue()

