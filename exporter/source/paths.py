"""One rule for every file the reader opens (pages, settings, carried images and files): it lies in the course
folder once links are followed, so a course never publishes a file from elsewhere on the author's disk."""

from __future__ import annotations

from pathlib import Path


def inside(path: Path, folder: Path) -> bool:
    """Whether the file, its links followed, lies in the folder."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True
