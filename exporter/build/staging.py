"""The output folder: a build's artifacts replace the last build's all at once, or not at all.

A build writes every artifact into a staging folder inside the output folder first (`.exporter-*`, on the
same file system), then moves them into place one rename each, keeping a hard link to each file it
replaces. If anything fails on the way (an OS error such as a full disk, an artifact name taken by a folder,
a name too long, SIGTERM or Ctrl-C), the files already moved are put back and the staging folder is removed:
the output folder is as it was. One build at a time writes into a folder: it holds a lock on the folder (an
advisory `flock`, released by the system even if the process is killed), and a second build is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no lock there
    fcntl = None  # type: ignore[assignment]

STAGING_PREFIX = ".exporter-"


class OutputError(Exception):
    """The output could not be written (an OS error, or another build holds the folder); names the path."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):  # raised in a worker process, it travels back pickled
        return (OutputError, (self.path, self.reason))


class Interrupted(BaseException):
    """SIGTERM arrived while a build was writing its output (it was cleaned up)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def __reduce__(self):
        return (Interrupted, (self.signum,))


def os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


@dataclass
class Staged:
    """One artifact written into the staging folder."""

    name: str  # its file name in the output folder
    path: Path
    sha256: str
    bytes: int


class Staging:
    def __init__(self, out: Path, folder: Path):
        self.out = out
        self.folder = folder

    def write(self, name: str, data: bytes) -> Staged:
        """`data` as the staged file for artifact `name` (in a worker process or in the build itself)."""
        path = self.folder / name
        try:
            with open(path, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(path, 0o644)
        except OSError as exc:
            raise OutputError(self.out / name, os_reason(exc)) from None
        return Staged(name, path, hashlib.sha256(data).hexdigest(), len(data))

    def seal(self, name: str, sha256: str | None = None) -> Staged:
        """The staged file a writer wrote for artifact `name`: on disk for good (fsync), its mode and digest (read
        from it, unless the caller knows it: an artifact copied from the cache of writer output, checked as copied)."""
        path = self.folder / name
        digest, size = hashlib.sha256(), 0
        try:
            with open(path, "rb") as fh:
                if sha256 is None:
                    while chunk := fh.read(1 << 20):
                        digest.update(chunk)
                        size += len(chunk)
                else:
                    size = os.fstat(fh.fileno()).st_size
                os.fsync(fh.fileno())
            os.chmod(path, 0o644)
        except OSError as exc:
            raise OutputError(self.out / name, os_reason(exc)) from None
        return Staged(name, path, sha256 or digest.hexdigest(), size)

    def commit(self, staged: list[Staged]) -> None:
        """Move every staged artifact into the output folder; on any failure put back what was there."""
        for s in staged:
            target = self.out / s.name
            if target.is_dir() and not target.is_symlink():
                raise OutputError(target, "a folder has the artifact's name: move or rename that folder")
        with signals_blocked():
            done: list[tuple[Path, Path | None]] = []
            try:
                for n, s in enumerate(staged):
                    target = self.out / s.name
                    if os.path.lexists(target):
                        backup = self.folder / f"{n}.previous"
                        try:
                            os.link(target, backup, follow_symlinks=False)
                        except OSError:
                            os.replace(target, backup)
                        done.append((target, backup))
                    else:
                        done.append((target, None))
                    os.replace(s.path, target)
                _sync_folder(self.out)
            except OSError as exc:
                _roll_back(done)
                raise OutputError(getattr(exc, "filename", None) or self.out, os_reason(exc)) from None
            except BaseException:
                _roll_back(done)
                raise


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            elif os.path.lexists(target):
                os.unlink(target)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def signals_blocked():
    """SIGTERM and SIGINT wait while artifacts are moved into place (a handful of renames)."""
    blockable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if blockable:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        if blockable:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _raise_interrupted(signum, frame):
    raise Interrupted(signum)


@contextlib.contextmanager
def sigterm_interrupts():
    """While inside, SIGTERM raises Interrupted (in the main thread), so `finally` blocks clean up as they do
    for Ctrl-C; the earlier handler is put back on leaving."""
    main = threading.current_thread() is threading.main_thread()
    old_handler = signal.signal(signal.SIGTERM, _raise_interrupted) if main else None
    try:
        yield
    finally:
        if main:
            signal.signal(signal.SIGTERM, old_handler)


@contextlib.contextmanager
def transaction(out: Path):
    """A Staging for one build's artifacts in `out`, locked for this build. On leaving, the staging folder
    is gone; on failure (any exception, SIGTERM included) so is every folder this build created."""
    main = threading.current_thread() is threading.main_thread()
    old_handler = signal.signal(signal.SIGTERM, _raise_interrupted) if main else None
    created: list[Path] = []
    lock_fd = None
    staging = None
    try:
        created = _make_folders(out)
        lock_fd = _lock(out)
        _remove_stale_staging(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        except OSError as exc:
            raise OutputError(out, os_reason(exc)) from None
        yield Staging(out, staging)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            staging = None
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if lock_fd is not None:
            os.close(lock_fd)
        if main:
            signal.signal(signal.SIGTERM, old_handler)


def _make_folders(out: Path) -> list[Path]:
    """Create `out` and any missing parents; the ones created, outermost first."""
    missing = []
    folder = out.absolute()
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "is a file, not a folder: give --out a folder")
    created = []
    for f in reversed(missing):
        try:
            f.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            for c in reversed(created):
                with contextlib.suppress(OSError):
                    c.rmdir()
            raise OutputError(f, os_reason(exc)) from None
        created.append(f)
    return created


def _lock(out: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        fd = os.open(out, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(out, os_reason(exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise OutputError(out, "another exporter build is writing into this folder right now: wait for it "
                               "to finish, or build into another folder") from None
    return fd


def _remove_stale_staging(out: Path) -> None:
    """Staging folders a killed build left (no build runs here now: this one holds the lock)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(out):
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
