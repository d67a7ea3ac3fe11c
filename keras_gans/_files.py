"""File-system helpers shared by checkpoints, downloads and pictures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["fsync_folder", "replace_atomically"]


def fsync_folder(folder):
    """Makes a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The mode of files written here: what `open()` would give (0666 less the umask).
_FILE_MODE = 0o666 & ~_umask()


def replace_atomically(write, path):
    """Calls `write(tmp_path)` on a temporary file beside `path`, then renames it over `path`.

    The rename is atomic on POSIX and Windows, so readers see either the old file or the new
    one, never a partial one; if `write` fails the old file is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, _FILE_MODE)  # mkstemp's 0600 would hide checkpoints from the group
        with open(tmp, "rb") as file:
            os.fsync(file.fileno())
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path
