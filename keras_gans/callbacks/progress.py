"""`TimeRemaining`: an estimate of the whole run's remaining time after each epoch."""

from __future__ import annotations

import sys
import time

import keras

__all__ = ["TimeRemaining", "format_duration"]


def format_duration(seconds):
    """Formats seconds as `1h 02m`, `3m 05s` or `12s`.

    Example:
    >>> format_duration(3725), format_duration(185), format_duration(12.4)
    ('1h 02m', '3m 05s', '12s')
    """
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


class TimeRemaining(keras.callbacks.Callback):
    """Prints `epoch 3/60 · 1.2 s/epoch · ~1m 10s left` after each epoch.

    Keras's progress bar estimates the time left in the current epoch; this adds the time
    left in the run, from the mean duration of the epochs run so far in this `fit` call.

    Args:
        stream: Where to print (default `sys.stdout`).

    Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> eta = TimeRemaining(stream=stream)
    >>> eta.set_params({"epochs": 4})
    >>> eta.on_train_begin()
    >>> eta.on_epoch_begin(0); eta.on_epoch_end(0)
    >>> stream.getvalue().startswith("epoch 1/4")
    True
    """

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream
        self.remaining = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs_done = 0

    def on_epoch_begin(self, epoch, logs=None):
        if self._epochs_done == 0:
            self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done += 1
        per_epoch = (time.perf_counter() - self._start) / self._epochs_done
        total = (self.params or {}).get("epochs") or epoch + 1
        self.remaining = per_epoch * max(total - epoch - 1, 0)
        print(
            f"epoch {epoch + 1}/{total} · {per_epoch:.1f} s/epoch · "
            f"~{format_duration(self.remaining)} left",
            file=self.stream or sys.stdout,
            flush=True,
        )
