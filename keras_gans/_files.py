"""File-system helpers shared by checkpoints, downloads and pictures."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

__all__ = ["fsync_folder", "remove_temporaries", "replace_atomically"]

#: `replace_atomically`'s temporary name for `<stem><suffix>`: `.<stem>.<8 random><suffix>`
#: (`tempfile.mkstemp`'s random part: 8 of `[a-z0-9_]`).
_TEMPORARY = re.compile(r"\.(?P<stem>.+)\.[a-z0-9_]{8}(?P<suffix>\.[A-Za-z0-9]+)")


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


def remove_temporaries(folder, written):
    """Removes what a killed `replace_atomically` left in `folder` for the files it writes.

    Args:
        folder: The folder (nothing happens if it does not exist).
        written: `name -> bool`: whether `name` is a file the caller writes there; only
            the temporaries of those files go, and only regular files (no folders, links).

    Returns:
        The names removed.

    Example:
    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> for name in (".metrics.ab12cd_3.csv", ".metrics.notes.csv", ".other.ab12cd_3.csv"):
    ...     _ = (folder / name).write_text("")
    >>> remove_temporaries(folder, lambda name: name == "metrics.csv")
    ['.metrics.ab12cd_3.csv']
    """
    folder, removed = Path(folder), []
    if not folder.is_dir():
        return removed
    for entry in sorted(folder.iterdir()):
        match = _TEMPORARY.fullmatch(entry.name)
        if not match or not written(match["stem"] + match["suffix"]):
            continue
        if entry.is_file() and not entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed
