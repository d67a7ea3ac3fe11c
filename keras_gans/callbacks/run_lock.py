"""`RunLock`: one writer per run directory, an OS lock that dies with its process."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["RunLock", "RunLockedError"]


class RunLockedError(RuntimeError):
    """Another live process holds the run directory's lock."""


def _try_lock(descriptor):
    """Takes an exclusive, non-blocking lock on the open file; `False` when it is held."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class RunLock:
    """An exclusive lock on a run directory, held while a process writes to it.

    The lock is the operating system's (`flock` on POSIX, `msvcrt.locking` on Windows) on
    the file `<run>/.lock`, so it is released when its process exits, however it exits: a
    lock file left by a killed run never blocks a resume. The file holds the holder's PID,
    which the error of a second writer names.

    Args:
        path: The run directory.

    Example:
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with RunLock(folder):
    ...     try:
    ...         RunLock(folder).acquire()
    ...     except RunLockedError as error:
    ...         print(str(error).split(" by ")[0])
    The run directory is in use
    """

    def __init__(self, path):
        self.path = Path(path)
        self.lock_path = self.path / ".lock"
        self._descriptor = None

    def acquire(self):
        """Takes the lock, or raises `RunLockedError` naming the process that holds it."""
        descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(descriptor):
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise RunLockedError(
                f"The run directory is in use by process {holder} (it holds "
                f"{str(self.lock_path)!r}). Wait for it to finish or stop it; a second "
                f"writer would duplicate checkpoints and metrics rows. Received: "
                f"{str(self.path)!r}"
            )
        os.ftruncate(descriptor, 0)
        os.write(descriptor, str(os.getpid()).encode())
        os.fsync(descriptor)
        self._descriptor = descriptor
        return self

    def release(self):
        """Releases the lock (closing the file releases the OS lock)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self):
        return self if self._descriptor is not None else self.acquire()

    def __exit__(self, *exc_info):
        self.release()
        return False
