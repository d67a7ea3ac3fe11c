"""`GumbelSoftmax`: a differentiable, temperature-controlled sample of a categorical variable."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, one_of, positive_int, positive_number
from keras_gans.models.generation import ReplicaSeedGenerator

__all__ = ["GumbelSoftmax", "annealed_temperature", "gumbel_noise", "gumbel_softmax"]

_TINY = 1e-20
_INFERENCE = ("sample", "argmax")


def gumbel_noise(shape, seed=None, dtype="float32"):
    """Standard Gumbel noise `-log(-log(u))`, `u ~ U(0, 1)`.

    Example:
    >>> tuple(gumbel_noise((2, 3), seed=0).shape)
    (2, 3)
    """
    u = keras.random.uniform(shape, dtype=dtype, seed=seed)
    return -ops.log(-ops.log(u + _TINY) + _TINY)


def gumbel_softmax(logits, temperature, seed=None, hard=False, axis=-1):
    """Draws a relaxed one-hot sample from `softmax(logits)` (the Gumbel-softmax trick).

    Formula:
        `y = softmax((logits + g) / tau)`, `g = -log(-log(u))`, `u ~ U(0, 1)`; with
        `hard=True` the output is `y + stop_gradient(one_hot(argmax(y)) - y)`: the forward
        value is one-hot, the gradient is that of `y` (straight-through).

    Args:
        logits: Unnormalised log-probabilities, any shape; the categories lie on `axis`.
        temperature: `tau > 0` (a float or a scalar tensor). As `tau -> 0` the samples
            become one-hot and `argmax(y)` is distributed as `softmax(logits)`.
        seed: An int, a `keras.random.SeedGenerator` or `None` (default).
        hard: Straight-through: one-hot forward, soft gradient (default `False`).
        axis: The categories' axis (default -1).

    Returns:
        A float tensor shaped like `logits` whose entries along `axis` sum to 1.

    Example:
    >>> y = gumbel_softmax([[0.0, 1.0, 2.0]], temperature=0.5, seed=0)
    >>> round(float(ops.sum(y)), 5)
    1.0

    Reference:
        Jang, Gu & Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017,
        eq. 2 and section 2.2 (straight-through); Maddison, Mnih & Teh, "The Concrete
        Distribution", ICLR 2017.
    """
    logits = ops.convert_to_tensor(logits)
    if "float" not in str(logits.dtype):
        logits = ops.cast(logits, "float32")
    gumbel = gumbel_noise(ops.shape(logits), seed, logits.dtype)
    y = ops.softmax((logits + gumbel) / ops.cast(temperature, logits.dtype), axis=axis)
    if not hard:
        return y
    return y + ops.stop_gradient(_one_hot_argmax(y, axis) - y)


def _one_hot_argmax(x, axis):
    """One-hot of the first maximum along `axis`, from comparisons only.

    `ops.argmax` on TensorFlow bitcasts floats (to order -0.0 before 0.0), an op tf2onnx
    cannot convert; comparisons and a cumulative sum export everywhere.
    """
    is_max = ops.cast(ops.equal(x, ops.max(x, axis=axis, keepdims=True)), x.dtype)
    first = ops.equal(ops.cumsum(is_max, axis=axis), 1.0)
    return is_max * ops.cast(first, x.dtype)


def annealed_temperature(step, initial, minimum, rate, every=1):
    """The temperature after `step` updates under Jang et al.'s exponential schedule.

    Formula:
        `tau(t) = max(minimum, initial * exp(-rate * every * floor(t / every)))`.

    Args:
        step: The update count (int or integer tensor).
        initial: `tau` at step 0.
        minimum: The floor of the schedule.
        rate: The decay rate `r` per step (0: constant).
        every: The temperature changes every `every` steps (default 1).

    Returns:
        A float32 scalar tensor.

    Example:
    >>> round(float(annealed_temperature(1000, 1.0, 0.5, 1e-3, every=500)), 4)
    0.5
    >>> round(float(annealed_temperature(499, 1.0, 0.1, 1e-3, every=500)), 4)
    1.0

    Reference:
        Jang, Gu & Poole, ICLR 2017, section 4.1 (`tau = max(0.5, exp(-r t))`, updated
        every N steps).
    """
    step = ops.cast(step, "float32")
    held = ops.floor(step / float(every)) * float(every)
    value = initial * ops.exp(-rate * held)
    return ops.maximum(ops.cast(minimum, "float32"), value)


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class GumbelSoftmax(keras.layers.Layer):
    """Turns logits into relaxed one-hot samples in training and one-hot samples otherwise.

    In training (`training=True`) it draws `gumbel_softmax(logits, tau)`: a point of the
    simplex that approaches a one-hot sample of `softmax(logits)` as the temperature `tau`
    goes to 0, differentiable in the logits. With `hard=True` the forward value is that
    one-hot sample itself and the gradient is the relaxed one's (straight-through). At
    inference it returns a one-hot token: with `inference="sample"` (default) an exact
    sample of `softmax(logits)` (the Gumbel-max trick, the same draw as the hard forward
    value in training, so a generator trained with `hard=True` generates from the
    distribution it was trained on), with `inference="argmax"` the most likely token
    (deterministic, greedy decoding).

    The temperature is a non-trainable variable (saved with the weights) that `anneal(step)`
    sets to `annealed_temperature(step, temperature, min_temperature, anneal_rate,
    anneal_every)`; the `TemperatureAnnealing` piece calls it after every generator update
    with the generator optimizer's step count, so a resumed run continues the schedule.

    Args:
        temperature: The initial temperature `tau_0 > 0` (default 1.0).
        hard: Straight-through one-hot forward values (default `False`).
        min_temperature: The schedule's floor, positive and at most `temperature`
            (default `None`: none, allowed only with a constant temperature; Jang et al.
            used 0.5).
        anneal_rate: The schedule's rate `r >= 0` (default 0: constant temperature); a
            positive rate needs `min_temperature`.
        anneal_every: Steps between temperature changes (default 1).
        inference: `"sample"` (default) or `"argmax"`: the one-hot token returned when
            `training` is false.
        seed: Seed of the layer's `SeedGenerator`, whose draws differ between
            `tf.distribute` replicas (default `None`).
        axis: The categories' axis (default -1).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `name`).

    Example:
    >>> layer = GumbelSoftmax(temperature=0.5, hard=True, seed=0)
    >>> y = layer(ops.convert_to_tensor([[0.0, 3.0, 0.0]]), training=True)
    >>> sorted(ops.convert_to_numpy(y)[0].tolist())
    [0.0, 0.0, 1.0]
    >>> greedy = GumbelSoftmax(inference="argmax")
    >>> ops.convert_to_numpy(greedy(ops.convert_to_tensor([[0.0, 3.0, 0.0]]))).tolist()
    [[0.0, 1.0, 0.0]]

    Reference:
        Jang, Gu & Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017;
        Maddison, Mnih & Teh, "The Concrete Distribution", ICLR 2017.
    """

    def __init__(
        self,
        temperature=1.0,
        hard=False,
        min_temperature=None,
        anneal_rate=0.0,
        anneal_every=1,
        inference="sample",
        seed=None,
        axis=-1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.temperature = positive_number(temperature, "temperature")
        if not isinstance(hard, bool):
            raise TypeError(f"`hard` must be a bool. Received: hard={hard!r}")
        self.hard = hard
        if min_temperature is not None:
            positive_number(min_temperature, "min_temperature")
            if min_temperature > self.temperature:
                raise ValueError(
                    "`min_temperature` must be at most `temperature` "
                    f"({self.temperature}). Received: min_temperature={min_temperature!r}"
                )
            min_temperature = float(min_temperature)
        self.min_temperature = min_temperature
        self.anneal_rate = non_negative(anneal_rate, "anneal_rate")
        if self.anneal_rate > 0 and min_temperature is None:
            raise ValueError(
                "`min_temperature` must be a positive number when `anneal_rate` > 0: without "
                "a floor the temperature decays to 0 and the samples become NaN (Jang et al. "
                f"used 0.5). Received: min_temperature=None, anneal_rate={anneal_rate!r}"
            )
        self.anneal_every = positive_int(anneal_every, "anneal_every")
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"`axis` must be an integer. Received: axis={axis!r}")
        self.inference = one_of(inference, "inference", _INFERENCE)
        self.seed = seed
        self.axis = axis
        # Each tf.distribute replica draws its own Gumbel noise (a plain SeedGenerator
        # would give every replica the same draws).
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.tau = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.temperature),
            trainable=False,
            name="temperature",
        )

    def call(self, logits, training=None):
        if training:
            return gumbel_softmax(logits, self.tau, self.seed_generator, self.hard, self.axis)
        if self.inference == "sample":
            logits = logits + gumbel_noise(ops.shape(logits), self.seed_generator, logits.dtype)
        return _one_hot_argmax(logits, self.axis)

    def anneal(self, step):
        """Sets the temperature to the schedule's value after `step` updates.

        Args:
            step: The update count (int or integer tensor).

        Returns:
            The new temperature (a float32 scalar tensor).
        """
        floor = 0.0 if self.min_temperature is None else self.min_temperature
        value = annealed_temperature(
            step, self.temperature, floor, self.anneal_rate, self.anneal_every
        )
        self.tau.assign(value)
        return value

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "temperature": self.temperature,
            "hard": self.hard,
            "min_temperature": self.min_temperature,
            "anneal_rate": self.anneal_rate,
            "anneal_every": self.anneal_every,
            "inference": self.inference,
            "seed": self.seed,
            "axis": self.axis,
        }
