"""The learning-rate annealing of domain-adversarial training (Ganin & Lempitsky 2015)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, positive_int, positive_number

__all__ = ["DANNLearningRate", "annealed_learning_rate"]


def annealed_learning_rate(progress, initial_learning_rate=0.01, alpha=10.0, beta=0.75):
    """The paper's learning rate at training progress `p`.

    Formula:
        `mu_p = mu_0 / (1 + alpha * p) ** beta`, `p` in [0, 1] (clipped).

    Args:
        progress: `p`, a float or a float tensor.
        initial_learning_rate: `mu_0` (default 0.01, the paper's).
        alpha: `alpha` (default 10.0, the paper's).
        beta: `beta` (default 0.75, the paper's).

    Returns:
        A float32 tensor shaped like `progress`.

    Example:
    >>> round(float(annealed_learning_rate(1.0)), 6)
    0.001656

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015
        (the experiments' training procedure).
    """
    p = ops.clip(ops.cast(ops.convert_to_tensor(progress), "float32"), 0.0, 1.0)
    return float(initial_learning_rate) / ops.power(1.0 + float(alpha) * p, float(beta))


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class DANNLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """The annealed learning rate of DANN, driven by the optimizer's step count.

    The progress is `p = min(step / schedule_steps, 1)`; the optimizer's `iterations`
    is saved with the model, so a resumed run continues the schedule where it stopped.

    Formula:
        `mu_p = mu_0 / (1 + alpha * p) ** beta`.

    Args:
        initial_learning_rate: `mu_0` (default 0.01).
        schedule_steps: Steps over which `p` goes from 0 to 1 (default 10000).
        alpha: `alpha` (default 10.0).
        beta: `beta` (default 0.75).

    Example:
    >>> schedule = DANNLearningRate(0.01, schedule_steps=100)
    >>> [round(float(schedule(step)), 6) for step in (0, 100, 500)]
    [0.01, 0.001656, 0.001656]

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015
        (the experiments' training procedure).
    """

    def __init__(self, initial_learning_rate=0.01, schedule_steps=10000, alpha=10.0, beta=0.75):
        self.initial_learning_rate = positive_number(initial_learning_rate, "initial_learning_rate")
        self.schedule_steps = positive_int(schedule_steps, "schedule_steps")
        self.alpha = non_negative(alpha, "alpha")
        self.beta = non_negative(beta, "beta")

    def __call__(self, step):
        progress = ops.cast(step, "float32") / float(self.schedule_steps)
        return annealed_learning_rate(progress, self.initial_learning_rate, self.alpha, self.beta)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "schedule_steps": self.schedule_steps,
            "alpha": self.alpha,
            "beta": self.beta,
        }
