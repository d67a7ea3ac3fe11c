"""`MetricsCSV`: one row per epoch, with columns for values logged only on some epochs."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import keras

from keras_gans.callbacks.checkpoint import atomic_write_text

__all__ = ["MetricsCSV"]


class MetricsCSV(keras.callbacks.Callback):
    """Appends every epoch's logged values to a CSV file, one row per epoch.

    Unlike `keras.callbacks.CSVLogger`, whose columns are the first logged epoch's keys, a
    value that appears later (FID/KID computed every few epochs, a resumed run whose first
    epoch is not evaluated) gets its own column: the file is rewritten atomically with the
    new header, earlier rows holding an empty cell. Rows continue an existing file, so a
    resumed run keeps one table; epochs without a value leave it empty.

    Args:
        path: The CSV file (created with its folder when missing).

    Example:
    >>> import tempfile, os
    >>> log = MetricsCSV(os.path.join(tempfile.mkdtemp(), "m.csv"))
    >>> log.on_epoch_end(0, {"g_loss": 1.5}); log.on_epoch_end(1, {"g_loss": 1.0, "val_kid": 2.0})
    >>> print(log.path.read_text().strip())
    epoch,g_loss,val_kid
    0,1.5,
    1,1.0,2.0
    """

    def __init__(self, path):
        super().__init__()
        self.path = Path(path)

    def _read(self):
        if not self.path.exists():
            return [], []
        with open(self.path, newline="") as file:
            rows = list(csv.reader(file))
        return (rows[0], rows[1:]) if rows else ([], [])

    def on_epoch_end(self, epoch, logs=None):
        values = {key: _cell(value) for key, value in (logs or {}).items()}
        header, rows = self._read()
        new = [key for key in sorted(values) if key not in header]
        row = {"epoch": str(epoch), **values}
        if new or not header:
            header = (header or ["epoch"]) + new
            rows = [r + [""] * (len(header) - len(r)) for r in rows]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerows([header, *rows, [row.get(key, "") for key in header]])
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(buffer.getvalue(), self.path)
            return
        with open(self.path, "a", newline="") as file:
            csv.writer(file, lineterminator="\n").writerow([row.get(key, "") for key in header])


def _cell(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return repr(number) if math.isfinite(number) else str(number)
