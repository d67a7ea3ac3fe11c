"""`LossPlot`: a PNG of the loss curves, redrawn after every epoch."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import keras

from keras_gans.images import plot_curves

__all__ = ["LossPlot"]


class LossPlot(keras.callbacks.Callback):
    """Redraws a PNG of every logged loss (`d_loss`, `g_loss`, penalties, ...) per epoch.

    With `csv_path` pointing at an existing `keras.callbacks.CSVLogger` file, the curves of
    earlier (e.g. pre-resume) epochs are read from it first, so a resumed run's plot covers
    the whole run. A value logged on some epochs only (`val_` values computed every few
    epochs, a key first logged after a resume) is kept at its epochs, with gaps between.

    Args:
        path: The PNG to write.
        keys: Logged names to draw (default `None`: every name containing `loss` or
            `penalty`, including their `val_` versions).
        csv_path: Optional CSV of earlier epochs to start from (default `None`).

    Example:
    >>> import tempfile, os, keras
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> path = os.path.join(tempfile.mkdtemp(), "losses.png")
    >>> plot = LossPlot(path)
    >>> _ = gan.fit(keras.random.normal((64, 2)), batch_size=32, epochs=2, verbose=0,
    ...             callbacks=[plot])
    >>> sorted(plot.history), len(plot.history["g_loss"]), os.path.exists(path)
    (['d_loss', 'g_loss'], 2, True)
    """

    def __init__(self, path, keys=None, csv_path=None):
        super().__init__()
        self.path = Path(path)
        self.keys = None if keys is None else list(keys)
        self.csv_path = None if csv_path is None else Path(csv_path)
        self.history = {}
        self._length = 0  # epochs recorded: every curve holds one value (maybe NaN) each

    def _wanted(self, name):
        if self.keys is not None:
            return name in self.keys
        return "loss" in name or "penalty" in name

    def on_train_begin(self, logs=None):
        self.history, self._length = {}, 0
        if self.csv_path is not None and self.csv_path.exists():
            with open(self.csv_path, newline="") as file:
                for row in csv.DictReader(file):
                    self._append(
                        {n: _to_float(v) for n, v in row.items() if n is not None and n != "epoch"}
                    )

    def _append(self, values):
        """Adds one epoch: NaN (a gap in the plot) for a known curve missing from `values`,
        and a new curve starts with NaN for the epochs before it was first logged."""
        for name in values:
            if self._wanted(name) and name not in self.history:
                self.history[name] = [math.nan] * self._length
        for name, curve in self.history.items():
            curve.append(float(values[name]) if name in values else math.nan)
        self._length += 1

    def on_epoch_end(self, epoch, logs=None):
        self._append(dict(logs or {}))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        plot_curves(self.history, self.path, title="losses per epoch")


def _to_float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan
