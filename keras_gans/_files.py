"""File-system helpers shared by checkpoints and downloads."""

from __future__ import annotations

import os

__all__ = ["fsync_folder"]


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
