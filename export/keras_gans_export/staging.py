"""Atomic writes of export artifacts: stage beside the target, verify, then rename.

An export never leaves a partial artifact at its target path. The artifact (a file or a
SavedModel directory) and its metadata are written into a hidden staging directory in the
target's own directory (so the final `os.replace` is a rename on one file system), checked,
and only then renamed into place. A failure at any step removes the staging directory and
leaves whatever was at the target before untouched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["artifact_size", "check_target", "commit", "staging_directory"]

#: Files that mark a directory as a SavedModel, which an export may replace.
_SAVED_MODEL_MARKERS = ("saved_model.pb", "saved_model.pbtxt")


def check_target(path, directory):
    """Checks that an artifact can be written at `path`, before any slow work starts.

    Args:
        path: The target path (a file, or a directory when `directory` is true).
        directory: Whether the artifact is a directory (a SavedModel).

    Returns:
        The target as an absolute `Path`.

    Example:
    >>> import tempfile
    >>> check_target(tempfile.gettempdir() + "/generator.onnx", directory=False).name
    'generator.onnx'
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise TypeError(f"`path` must be a non-empty path. Received: path={path!r}")
    target = Path(path).expanduser().absolute()
    parent = target.parent
    if not parent.is_dir():
        raise ValueError(
            f"`path` must be in an existing directory. Received: path={str(path)!r} "
            f"(the directory {str(parent)!r} does not exist)"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(
            f"`path` must be in a writable directory. Received: path={str(path)!r} "
            f"({str(parent)!r} is not writable)"
        )
    if target.is_dir() and not directory:
        raise ValueError(
            f"`path` names a directory; this format writes a file. Received: path={str(path)!r}"
        )
    if target.exists() and directory:
        if not target.is_dir():
            raise ValueError(
                "`path` names an existing file; this format writes a directory. "
                f"Received: path={str(path)!r}"
            )
        if any(target.iterdir()) and not any((target / m).exists() for m in _SAVED_MODEL_MARKERS):
            raise ValueError(
                "`path` names a non-empty directory that is not a SavedModel; an export only "
                f"replaces a previous SavedModel. Received: path={str(path)!r}"
            )
    return target


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists (another user's), or we cannot tell: keep its folder
    return True


def _remove_abandoned_stages(target):
    """Removes the staging folders of exports to `target` whose process is gone (killed)."""
    prefix = f".{target.name}.partial-"
    for folder in target.parent.glob(f"{glob.escape(prefix)}*"):
        pid = folder.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def staging_directory(target):
    """Yields a fresh hidden directory beside `target`; removes it (and its contents) on exit.

    Example:
    >>> import tempfile
    >>> with staging_directory(Path(tempfile.gettempdir()) / "g.onnx") as stage:
    ...     stage.name.startswith(".g.onnx.partial-")
    True
    """
    _remove_abandoned_stages(target)
    prefix = f".{target.name}.partial-{os.getpid()}-"
    stage = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def commit(stage, staged, target, staged_metadata=None, metadata_target=None):
    """Renames a staged artifact (and its metadata file) onto the target paths.

    A file replaces the target atomically (`os.replace`). A directory cannot replace a
    non-empty directory in one rename, so an existing target is first moved into the
    staging directory (removed with it), and restored if the second rename fails. The
    metadata file is moved first; a previous metadata file is copied into the staging
    directory beforehand and put back if the artifact cannot be moved, so a failure leaves
    the previous artifact and its metadata as they were.

    Args:
        stage: The staging directory the artifact was written in.
        staged: The staged artifact (file or directory).
        target: The final artifact path.
        staged_metadata: A staged metadata file to move beside the artifact (default `None`).
        metadata_target: Its final path (default `None`).
    """
    # The previous files go into a folder of their own: a name no staged file has (the
    # artifact may be named anything, "previous" included).
    backup = Path(tempfile.mkdtemp(prefix="previous-", dir=stage))
    previous_metadata = None
    if staged_metadata is not None:
        if Path(metadata_target).is_file():
            previous_metadata = backup / Path(metadata_target).name
            shutil.copy2(metadata_target, previous_metadata)
        os.replace(staged_metadata, metadata_target)
    try:
        if Path(staged).is_dir() and target.exists():
            previous = backup / Path(target).name
            os.replace(target, previous)
            try:
                os.replace(staged, target)
            except OSError:
                os.replace(previous, target)
                raise
        else:
            os.replace(staged, target)
    except OSError:
        if previous_metadata is not None:
            os.replace(previous_metadata, metadata_target)
        elif metadata_target is not None:
            Path(metadata_target).unlink(missing_ok=True)
        raise


def artifact_size(path):
    """Returns the size in bytes of a file, or of every file under a directory.

    Example:
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as file:
    ...     _ = file.write(b"1234"); file.flush()
    ...     artifact_size(file.name)
    4
    """
    path = Path(path)
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size
