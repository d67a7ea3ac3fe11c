"""`LinearDecay`: a learning rate that is constant, then falls linearly to zero (CycleGAN)."""

from __future__ import annotations

import numbers

import keras
from keras import ops

from keras_gans.checks import positive_int, positive_number

__all__ = ["LinearDecay"]


def _non_negative_int(value, argument):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(
            f"`{argument}` must be a non-negative integer. Received: {argument}={value!r}"
        )
    return int(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate that stays at `initial_learning_rate`, then falls linearly to zero.

    The optimizer evaluates it at its own step count (`optimizer.iterations`), which is
    saved with the model: a loaded model continues the schedule where it stopped, and
    training `n` steps, saving, loading and training `m` more sees the learning rates of
    `n + m` uninterrupted steps. Each optimizer counts its own updates, so give each its
    own schedule in updates of that optimizer (with `d_steps=1`, discriminator and
    generator steps coincide).

    Formula:
        `lr(t) = initial_learning_rate * (1 - clip((t - constant_steps) / decay_steps, 0, 1))`.

    Args:
        initial_learning_rate: The constant rate (default 2e-4, the paper's).
        constant_steps: Updates at the constant rate (default 0).
        decay_steps: Updates over which the rate falls to zero after that (default 1).
        name: The schedule's name (default `"linear_decay"`).

    Example:
    >>> schedule = LinearDecay(2e-4, constant_steps=100, decay_steps=100)
    >>> [round(float(schedule(t)), 6) for t in (0, 100, 150, 200, 300)]
    [0.0002, 0.0002, 0.0001, 0.0, 0.0]
    >>> optimizer = keras.optimizers.Adam(schedule, beta_1=0.5)  # the paper's Adam

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, section 4 ("We keep the same learning rate for
        the first 100 epochs and linearly decay the rate to zero over the next 100
        epochs").
    """

    def __init__(
        self, initial_learning_rate=2e-4, constant_steps=0, decay_steps=1, name="linear_decay"
    ):
        self.initial_learning_rate = positive_number(initial_learning_rate, "initial_learning_rate")
        self.constant_steps = _non_negative_int(constant_steps, "constant_steps")
        self.decay_steps = positive_int(decay_steps, "decay_steps")
        self.name = name

    @classmethod
    def from_epochs(cls, initial_learning_rate, epochs, decay_epochs, steps_per_epoch):
        """The paper's schedule counted in epochs: constant, then the last `decay_epochs`
        epochs decay.

        Args:
            initial_learning_rate: The constant rate.
            epochs: Epochs of the whole run (the paper's 200).
            decay_epochs: The last epochs, over which the rate falls to zero (the paper's
                100); at most `epochs`.
            steps_per_epoch: Updates of the optimizer per epoch.

        Returns:
            A `LinearDecay`.

        Example:
        >>> paper = LinearDecay.from_epochs(2e-4, epochs=200, decay_epochs=100, steps_per_epoch=10)
        >>> paper.constant_steps, paper.decay_steps
        (1000, 1000)
        """
        epochs = positive_int(epochs, "epochs")
        decay_epochs = positive_int(decay_epochs, "decay_epochs")
        steps_per_epoch = positive_int(steps_per_epoch, "steps_per_epoch")
        if decay_epochs > epochs:
            raise ValueError(
                f"`decay_epochs` must be at most `epochs` ({epochs}). "
                f"Received: decay_epochs={decay_epochs}"
            )
        return cls(
            initial_learning_rate,
            constant_steps=(epochs - decay_epochs) * steps_per_epoch,
            decay_steps=decay_epochs * steps_per_epoch,
        )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = ops.clip((step - self.constant_steps) / self.decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * (1.0 - progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "constant_steps": self.constant_steps,
            "decay_steps": self.decay_steps,
            "name": self.name,
        }

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
