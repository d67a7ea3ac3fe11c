"""`NaNGuard`: stop training at the first non-finite loss, naming the step and the loss."""

from __future__ import annotations

import math
import sys

import keras

__all__ = ["NaNGuard"]


class NaNGuard(keras.callbacks.Callback):
    """Stops `fit` as soon as a logged value becomes NaN or infinite.

    `keras.callbacks.TerminateOnNaN` only looks at `loss`; a GAN logs `d_loss`, `g_loss`
    and penalties instead. `NaNGuard` checks every logged value after each batch, stops
    training, records a message naming the epoch, the step (generator update) and the
    offending values in `message`, and prints it. Pair it with `GANCheckpoint`, which never
    saves an epoch with non-finite values, so the last good checkpoint (if an epoch finished
    before) survives.

    Args:
        verbose: Print the message when triggered (default `True`).

    Example:
    >>> from keras_gans.testing import tiny_gan
    >>> gan = tiny_gan(); gan.compile("adam", "adam")
    >>> guard = NaNGuard(verbose=False); guard.set_model(gan)
    >>> guard.on_train_batch_end(0, {"d_loss": 0.7, "g_loss": float("nan")})
    >>> gan.stop_training, guard.message.split(":")[0]
    (True, 'non-finite loss at epoch 1, step 0 (batch 1 of the epoch)')
    """

    def __init__(self, verbose=True):
        super().__init__()
        self.verbose = verbose
        self.message = None
        self._epoch = 0
        self._pending_offset = self._batch_offset = 0

    @property
    def triggered(self):
        """Whether training was stopped for a non-finite value."""
        return self.message is not None

    def resume_inside_epoch(self, state):
        """Counts the next `fit`'s batches from the commit `state` (a mid-epoch one), so
        the message names the batch of the whole epoch. `resumable_fit` calls this."""
        self._pending_offset = int(state.get("batch", 0))

    def on_train_begin(self, logs=None):
        self.message = None
        self._batch_offset, self._pending_offset = self._pending_offset, 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._batch_offset = 0  # only the resumed epoch started partway

    def on_train_batch_end(self, batch, logs=None):
        bad = {
            name: value
            for name, value in (logs or {}).items()
            if isinstance(value, (int, float)) and not math.isfinite(value)
        }
        if not bad:
            return
        optimizer = getattr(self.model, "g_optimizer", None) or self.model.optimizer
        step = int(optimizer.iterations.numpy()) if optimizer is not None else batch + 1
        values = ", ".join(f"{name}={value}" for name, value in sorted(bad.items()))
        self.message = (
            f"non-finite loss at epoch {self._epoch + 1}, step {step} (batch "
            f"{self._batch_offset + batch + 1} of the epoch): {values}; training stopped"
        )
        self.model.stop_training = True
        if self.verbose:
            print(f"\nNaNGuard: {self.message}", file=sys.stderr)
