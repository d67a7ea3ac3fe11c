"""Atomic checkpoints: a crash mid-write never leaves a corrupt or half-written file, and a
checkpoint and the state that describes it are committed together."""

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
        _fsync_directory(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _fsync_directory(folder):
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


def _link_atomically(source, path):
    """Points `path` at the file `source` (a hard link, else a copy), replacing it atomically."""
    import shutil

    def write(tmp):
        os.remove(tmp)
        try:
            os.link(source, tmp)
        except OSError:  # no hard links on this file system
            shutil.copyfile(source, tmp)

    return _replace_atomically(write, path)


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

    A checkpoint is committed in one step: the model (weights, optimizer state, EMA) goes
    to its own file `epoch-NNNN.keras`, then `state.json` (the epoch, the files of the
    latest and the best checkpoint, the best value) is renamed into place: that rename is
    the commit. A kill before it leaves the previous state naming the previous files, which
    are deleted only after it; so the state never describes a model it does not name.
    `latest.keras` and `best.keras` are then pointed at the committed files (hard links),
    for people and tools; `checkpoint_path(directory)` reads the committed one.

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
    ['best.keras', 'epoch-0002.keras', 'latest.keras', 'state.json']
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
        self.best, self._files = None, {}
        if self.state_path.exists():  # resuming: keep the best value seen before
            state = json.loads(self.state_path.read_text())
            if state.get("monitor") == self.monitor:
                self.best = state.get("best")
            self._files = {k: state[k] for k in ("checkpoint", "best_checkpoint") if state.get(k)}
        self._remove_uncommitted()
        self._epochs = self.params.get("epochs") if self.params else None

    def _remove_uncommitted(self):
        """Drops what a killed process left: temporary files and uncommitted epoch files."""
        kept = set(self._files.values())
        for stale in self.directory.glob(".*.*"):
            if stale.name.startswith((".latest.", ".best.", ".state.", ".epoch-")):
                stale.unlink(missing_ok=True)
        for old in self.directory.glob("epoch-*.keras"):
            if old.name not in kept:
                old.unlink(missing_ok=True)

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
        name = f"epoch-{epoch + 1:04d}.keras"
        atomic_save(self.model, self.directory / name)
        files, best = {**self._files, "checkpoint": name}, self.best
        if self.monitor in logs and self._improved(float(logs[self.monitor])):
            files["best_checkpoint"], best = name, float(logs[self.monitor])
        state = {
            "epoch": epoch + 1,
            **files,
            "monitor": self.monitor,
            "mode": self.mode,
            "best": best,
            "logs": {k: float(v) for k, v in logs.items() if isinstance(v, (int, float))},
        }
        atomic_write_text(json.dumps(state, indent=2), self.state_path)  # the commit
        self._files, self.best = files, best
        _link_atomically(self.directory / name, self.latest_path)
        if files.get("best_checkpoint") == name:
            _link_atomically(self.directory / name, self.best_path)
        self._remove_uncommitted()
