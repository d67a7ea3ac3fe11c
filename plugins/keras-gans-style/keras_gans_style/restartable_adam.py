"""`RestartableAdam`: Adam whose state can start afresh mid-training (ProGAN's stages)."""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["RestartableAdam", "restartable"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class RestartableAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` with `restart()`: zero moments and a fresh bias correction.

    ProGAN's official code resets its optimizers' state whenever the stage changes
    (`reset_opt_for_new_lod`): TensorFlow 1's Adam then starts again from zero moments
    *and* from step 1 of its bias correction, so the first update of a stage has the size
    of Adam's first update. Zeroing a Keras Adam's moments alone would not do that: its
    bias correction follows `iterations`, which keeps counting (for learning-rate
    schedules, lazy regularisers and logs), and with zero moments and no correction the
    first updates after the reset would be up to `sqrt(1 - beta_2) / (1 - beta_1)` times
    off (10 times too large with ProGAN's beta_1 0, beta_2 0.99).

    `restart()` zeroes the moments (and AMSGrad's maxima) and records the current
    `iterations`; every later update computes the bias correction from the updates since
    that restart, `s = iterations + 1 - restart_iteration`, while `iterations` itself
    runs on. Until the first restart it is Keras's Adam, update for update.

    Formula:
        with `t = iterations + 1` and `s = t - restart_iteration`, Adam's step size
        `alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)` becomes
        `alpha_s = lr * sqrt(1 - beta_2^s) / (1 - beta_1^s)` (Keras's update is given the
        learning rate `lr * alpha_s / alpha_t`; the moments' updates are unchanged).

    Args:
        *args: `keras.optimizers.Adam`'s positional arguments (`learning_rate`, `beta_1`,
            `beta_2`, ...).
        **kwargs: `keras.optimizers.Adam`'s keyword arguments.

    Example:
    >>> import numpy as np
    >>> w = keras.Variable(np.zeros(1, "float32"))
    >>> adam = RestartableAdam(0.1, beta_1=0.0, beta_2=0.99)
    >>> for _ in range(3):
    ...     adam.apply([np.ones(1, "float32")], [w])
    >>> adam.restart()  # fresh moments: the next update is a first one again
    >>> before = float(w.numpy()[0])
    >>> adam.apply([np.full(1, 5.0, "float32")], [w])
    >>> round(before - float(w.numpy()[0]), 4), int(adam.iterations)
    (0.1, 4)

    Reference:
        Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015 (algorithm 1);
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018 (official code's `reset_opt_for_new_lod`).
    """

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.restart_iteration = self.add_variable(
            shape=(), initializer="zeros", dtype="int64", name="restart_iteration"
        )

    def _slots(self):
        return [*self._momentums, *self._velocities, *getattr(self, "_velocity_hats", [])]

    def restart(self):
        """Zeroes the moments and restarts the bias correction at the next update."""
        if not self.built:
            raise RuntimeError(
                "RestartableAdam.restart() needs a built optimizer (its moments exist once "
                "it is built on the variables, e.g. by `GANModel.compile`)."
            )
        for slot in self._slots():
            slot.assign(ops.zeros_like(slot))
        self.restart_iteration.assign(self.iterations)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        t = ops.cast(self.iterations + 1, dtype)
        s = t - ops.cast(self.restart_iteration, dtype)
        beta_1, beta_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)

        def correction(step):
            return ops.sqrt(1 - ops.power(beta_2, step)) / (1 - ops.power(beta_1, step))

        rate = ops.cast(learning_rate, dtype) * (correction(s) / correction(t))
        super().update_step(gradient, variable, rate)


def restartable(optimizer):
    """The optimizer that `restart()`s: `optimizer` itself or the one a loss-scale
    optimizer wraps; `None` when neither has `restart`."""
    for candidate in (optimizer, getattr(optimizer, "inner_optimizer", None)):
        if callable(getattr(candidate, "restart", None)):
            return candidate
    return None
