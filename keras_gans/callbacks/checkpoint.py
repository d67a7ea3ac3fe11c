"""Atomic checkpoints: a crash mid-write never leaves a corrupt or half-written file."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import keras

__all__ = ["GANCheckpoint", "atomic_save", "atomic_write_text"]


def _replace_atomically(write, path):
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
        with open(tmp, "rb") as file:
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def atomic_save(model, path):
    """Saves `model` to the `.keras` file `path` atomically (temporary file + rename).

    Args:
        model: A `keras.Model`.
        path: The target `.keras` file; its folder is created if needed.

    Returns:
        The path written, as a `Path`.

    Example:
    >>> import keras, tempfile, os
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> folder = tempfile.mkdtemp()
    >>> path = atomic_save(model, os.path.join(folder, "model.keras"))
    >>> sorted(os.listdir(folder))
    ['model.keras']
    """
    if Path(path).suffix != ".keras":
        raise ValueError(f"`path` must end in '.keras'. Received: path={str(path)!r}")
    return _replace_atomically(model.save, path)


def atomic_write_text(text, path):
    """Writes `text` to `path` atomically (temporary file + rename); returns the path."""

    def write(tmp):
        Path(tmp).write_text(text, encoding="utf-8")

    return _replace_atomically(write, path)


class GANCheckpoint(keras.callbacks.Callback):
    """Saves the latest and the best model after each epoch, atomically.

    Unlike `keras.callbacks.ModelCheckpoint`, every file is written to a temporary name and
    renamed into place, so a crash or a kill during the write leaves the previous checkpoint
    intact. An epoch whose logged values are not finite (see `NaNGuard`) is never saved.
    A small `state.json` records the last saved epoch and the best value so far, which is
    what `keras-gans train --resume` reads.

    Args:
        directory: Folder receiving `latest.keras`, `best.keras` and `state.json`.
        monitor: The logged value that defines "best" (e.g. `"val_kid"`, `"g_loss"`;
            default `None`: only `latest.keras` is written). A `val_` value may be missing
            on some epochs (metrics computed every few epochs); those epochs only update
            `latest.keras`. Any other missing value is a `KeyError`.
        mode: `"min"` (default) or `"max"`: whether a lower or higher `monitor` is better.
        every_n_epochs: Save every this many epochs (default 1); the last epoch is always
            saved.

    Example:
    >>> import keras_gans, tempfile, os
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan()
    >>> gan.compile("adam", "adam")
    >>> folder = tempfile.mkdtemp()
    >>> x = keras.random.normal((64, 2), seed=0)
    >>> _ = gan.fit(x, batch_size=32, epochs=2, verbose=0,
    ...             callbacks=[GANCheckpoint(folder, monitor="g_loss")])
    >>> sorted(os.listdir(folder))
    ['best.keras', 'latest.keras', 'state.json']
    """

    def __init__(self, directory, monitor=None, mode="min", every_n_epochs=1):
        super().__init__()
        if mode not in ("min", "max"):
            raise ValueError(f"`mode` must be 'min' or 'max'. Received: mode={mode!r}")
        if not isinstance(every_n_epochs, int) or every_n_epochs < 1:
            raise ValueError(
                f"`every_n_epochs` must be a positive integer. Received: every_n_epochs="
                f"{every_n_epochs!r}"
            )
        self.directory = Path(directory)
        self.monitor = monitor
        self.mode = mode
        self.every_n_epochs = every_n_epochs
        self.best = None
        self.skipped_epochs = []

    @property
    def latest_path(self):
        return self.directory / "latest.keras"

    @property
    def best_path(self):
        return self.directory / "best.keras"

    @property
    def state_path(self):
        return self.directory / "state.json"

    def on_train_begin(self, logs=None):
        # A process killed mid-write leaves its temporary file (never the target): drop it.
        for stale in self.directory.glob(".*.*"):
            if stale.name.startswith((".latest.", ".best.", ".state.")):
                stale.unlink(missing_ok=True)
        if self.state_path.exists():  # resuming: keep the best value seen before
            state = json.loads(self.state_path.read_text())
            if state.get("monitor") == self.monitor:
                self.best = state.get("best")
        self._epochs = self.params.get("epochs") if self.params else None

    def _improved(self, value):
        if self.best is None:
            return True
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        last = self._epochs is not None and epoch + 1 >= self._epochs
        if (epoch + 1) % self.every_n_epochs and not last and not self.model.stop_training:
            return
        values = [v for v in logs.values() if isinstance(v, (int, float))]
        if not all(math.isfinite(v) for v in values):
            self.skipped_epochs.append(epoch + 1)
            return
        if self.monitor is not None and self.monitor not in logs:
            if not self.monitor.startswith("val_"):
                # Validation values may be computed every few epochs only (e.g. val_kid);
                # a training value is logged every epoch, so its absence is a typo.
                raise KeyError(
                    f"`monitor` {self.monitor!r} is not among the logged values "
                    f"{sorted(logs)}. Received: monitor={self.monitor!r}"
                )
        atomic_save(self.model, self.latest_path)
        if self.monitor in logs:
            value = float(logs[self.monitor])
            if self._improved(value):
                self.best = value
                atomic_save(self.model, self.best_path)
        state = {
            "epoch": epoch + 1,
            "monitor": self.monitor,
            "mode": self.mode,
            "best": self.best,
            "logs": {k: float(v) for k, v in logs.items() if isinstance(v, (int, float))},
        }
        atomic_write_text(json.dumps(state, indent=2), self.state_path)
