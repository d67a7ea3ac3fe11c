"""The unrolled GAN (Metz et al. 2017): the generator plays against a future discriminator."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import one_of, positive_int, positive_number
from keras_gans.tricks.base import Trick

__all__ = ["UnrolledDiscriminator"]

#: The values of `UnrolledDiscriminator(update_rule=...)`.
UPDATE_RULES = ("optimizer", "sgd")


@keras.saving.register_keras_serializable(package="keras_gans")
class UnrolledDiscriminator(Trick):
    """Trains the generator against the discriminator `steps` updates into the future.

    A piece whose `transform` swaps, in the generator's update only, the network that
    scores the samples: a copy of the discriminator's weights takes `steps` updates on the
    discriminator objective (each with a fresh generated batch and the current real
    minibatch), and the generator's objective is evaluated through the discriminator with
    those unrolled weights. The copies live only in the computation: the discriminator's
    real weights and its optimizer's state are never touched.

    Each unrolled step shows the copy what a discriminator update shows the discriminator:
    the real minibatch and the fresh fakes as every other piece's `transform` changes
    them, wherever it stands in the list (`InstanceNoise` adds fresh noise to both,
    `DiffAugment` augments both). The transforms run as in the generator's update, so the
    image pools, which act in discriminator updates only, neither swap the unrolled fakes
    nor store them.

    With `update_rule="optimizer"` (default, the paper's method: Metz et al. unroll the
    discriminator's own Adam update) each unrolled step applies the discriminator
    optimizer's update rule to copies of the weights and of the optimizer's state (Adam's
    moments and iteration count; its learning-rate schedule, weight decay, clipping and
    variable constraints). Supported: `keras.optimizers.Adam`, `AdamW` and `SGD` (with
    momentum or Nesterov), also inside a `LossScaleOptimizer`; any other optimizer is
    rejected in `compile`. `update_rule="sgd"` is the cheaper plain gradient descent
    `theta <- theta - eta grad`, which keeps no optimizer state.

    With `second_order=True` (default, the paper's method) the generator's gradient flows
    through the unrolled updates (second derivatives of the discriminator objective), so
    the generator sees how the discriminator would react to its change: the term that
    discourages mode collapse. `second_order=False` is the cheaper first-order version
    (the unrolled weights are treated as constants). The unrolled steps use the
    adversarial objective only (penalties are left out).

    Formula:
        `theta_0 = theta_D`, `s_0 = s_D` (the optimizer's state),
        `(theta_{k+1}, s_{k+1}) = U(theta_k, grad_theta L_D(theta_k, G), s_k)`, the
        generator minimises `L_G(G, theta_K)` with `K = steps`. For Adam,
        `m_{k+1} = b1 m_k + (1 - b1) g`, `v_{k+1} = b2 v_k + (1 - b2) g^2`,
        `theta_{k+1} = theta_k - eta sqrt(1 - b2^t) / (1 - b1^t) m_{k+1} / (sqrt(v_{k+1})
        + eps)` with `t` the optimizer's iteration count plus `k + 1`; with `update_rule="sgd"`,
        `theta_{k+1} = theta_k - eta g`.

    Args:
        steps: `K`, the unrolling steps (default 5).
        learning_rate: `eta` (default `None`: the discriminator optimizer's own learning
            rate, or schedule, with `update_rule="optimizer"`; 1e-3 with
            `update_rule="sgd"`). With `update_rule="optimizer"` a number replaces the
            optimizer's learning rate in the unrolled steps only. Too large a value lets the
            generator spread its samples between the modes.
        second_order: Whether gradients flow through the unrolling (default `True`).
        update_rule: `"optimizer"` (default) or `"sgd"`, see above. A config saved before
            this argument existed loads as `"sgd"`, the update it was trained with.
        name: Default `"unrolled"`.

    Example:
    >>> unrolled = UnrolledDiscriminator(steps=3)
    >>> unrolled.steps, unrolled.update_rule
    (3, 'optimizer')

    Reference:
        Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017, section 2.2:
        the generator's update (equation 10) differentiates through `K` unrolled
        discriminator updates (equation 7), which their experiments make with the
        discriminator's own Adam optimizer.
    """

    def __init__(
        self,
        steps=5,
        learning_rate=None,
        second_order=True,
        update_rule="optimizer",
        name="unrolled",
    ):
        super().__init__(name=name)
        self.steps = positive_int(steps, "steps")
        if learning_rate is not None:
            learning_rate = positive_number(learning_rate, "learning_rate")
        self.learning_rate = learning_rate
        if not isinstance(second_order, bool):
            raise ValueError(
                f"`second_order` must be a bool. Received: second_order={second_order!r}"
            )
        self.second_order = second_order
        self.update_rule = one_of(update_rule, "update_rule", UPDATE_RULES)
        self._model = None
        self._rule = None
        self._unrolling = False  # set while the unrolled steps run other pieces' transforms

    @classmethod
    def from_config(cls, config):
        # A config without `update_rule` predates it: it was trained with gradient descent.
        return cls(**{"update_rule": "sgd", **config})

    def build(self, model):
        if not model.discriminator.built:
            raise ValueError("UnrolledDiscriminator needs a built discriminator.")
        self._model = model
        variables = model.discriminator.trainable_variables
        if self.update_rule == "sgd":
            rate = 1e-3 if self.learning_rate is None else self.learning_rate
            self._rule = GradientDescentRule(rate)
        else:
            self._rule = OptimizerRule(model.d_optimizer, variables, self.learning_rate)

    def transform(self, inputs, ctx):
        if ctx.role != "generator" or self._unrolling:
            return inputs
        if self._model is None:
            raise ValueError("UnrolledDiscriminator needs `build(model)` first (compile).")
        self._unrolling = True  # a wrapped copy of this piece among the others does nothing
        try:
            return self._unrolled(inputs, ctx)
        finally:
            self._unrolling = False

    def _unrolled(self, inputs, ctx):
        model = self._model
        discriminator = model.discriminator
        frozen = [ops.copy(v) for v in discriminator.non_trainable_variables]

        def network_with(weights):
            def network(inputs, training=False):
                outputs, _ = discriminator.stateless_call(
                    weights, frozen, inputs, training=training
                )
                return outputs

            return network

        def maybe_stop(x):
            return x if self.second_order else ops.stop_gradient(x)

        others = [p for p in model.pieces if not isinstance(p, UnrolledDiscriminator)]
        weights = [ops.copy(v) for v in discriminator.trainable_variables]
        state = self._rule.initial_state()
        batch = ops.shape(inputs.fake)[0]
        for _ in range(self.steps):
            latent = model.sample_latent(batch)
            fake = maybe_stop(model.generator_output(latent, ctx.condition, training=True))
            shown = _transformed(others, ctx, ctx.raw.replace(fake=fake))

            def objective(theta, shown=shown, latent=latent):
                unrolled = shown.replace(network=network_with(theta))
                inner = ctx.replace(player="discriminator", inputs=unrolled, latent=latent)
                return model.adversarial_loss.discriminator_objective(inner)

            gradients = ctx.gradient(objective, weights)
            gradients = [g if g is None else maybe_stop(g) for g in gradients]
            weights, state = self._rule.step(weights, gradients, state)
        return inputs.replace(network=network_with(weights))

    def get_config(self):
        return {
            **super().get_config(),
            "steps": self.steps,
            "learning_rate": self.learning_rate,
            "second_order": self.second_order,
            "update_rule": self.update_rule,
        }


def _transformed(pieces, ctx, inputs):
    """`inputs` after each piece's `transform`, in order, in the update of `ctx`."""
    for piece in pieces:
        inputs = piece.transform(inputs, ctx.replace(inputs=inputs))
    return inputs


class GradientDescentRule:
    """`theta <- theta - eta g` as a pure function; it keeps no state."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def initial_state(self):
        return None

    def step(self, weights, gradients, state):
        weights = [
            w if g is None else w - self.learning_rate * g
            for w, g in zip(weights, gradients, strict=True)
        ]
        return weights, state


def _safe_sqrt(x):
    """`sqrt(x)` with a zero gradient where `x == 0` (instead of `inf * 0 = nan`)."""
    positive = x > 0
    return ops.where(positive, ops.sqrt(ops.where(positive, x, ops.ones_like(x))), 0.0)


def adam_step(weight, gradient, m, v, v_hat, iteration, lr, optimizer):
    """One Adam (or AMSGrad) update as `keras.optimizers.Adam.update_step` computes it.

    Returns:
        `(weight, m, v, v_hat)`, new tensors (`v_hat` is `None` without AMSGrad).
    """
    dtype = weight.dtype
    lr = ops.cast(lr, dtype)
    gradient = ops.cast(gradient, dtype)
    local_step = ops.cast(iteration + 1, dtype)
    beta_1_power = ops.power(ops.cast(optimizer.beta_1, dtype), local_step)
    beta_2_power = ops.power(ops.cast(optimizer.beta_2, dtype), local_step)
    alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    m = m + ops.multiply(ops.subtract(gradient, m), 1 - optimizer.beta_1)
    v = v + ops.multiply(ops.subtract(ops.square(gradient), v), 1 - optimizer.beta_2)
    if v_hat is not None:
        v_hat = ops.maximum(v_hat, v)
    denominator = ops.add(_safe_sqrt(v if v_hat is None else v_hat), optimizer.epsilon)
    weight = weight - ops.divide(ops.multiply(m, alpha), denominator)
    return weight, m, v, v_hat


def sgd_step(weight, gradient, m, lr, optimizer):
    """One SGD update (momentum, Nesterov) as `keras.optimizers.SGD.update_step` computes it.

    Returns:
        `(weight, m)`, new tensors (`m` is `None` without momentum).
    """
    dtype = weight.dtype
    lr = ops.cast(lr, dtype)
    gradient = ops.cast(gradient, dtype)
    if m is None:
        return weight - ops.multiply(gradient, lr), None
    momentum = ops.cast(optimizer.momentum, dtype)
    m = ops.subtract(ops.multiply(m, momentum), ops.multiply(gradient, lr))
    if optimizer.nesterov:
        return weight + ops.subtract(ops.multiply(m, momentum), ops.multiply(gradient, lr)), m
    return weight + m, m


def _slot_lists(optimizer):
    """The optimizer's per-variable state, one list per kind, in its update's order."""
    if isinstance(optimizer, keras.optimizers.Adam):
        hats = optimizer._velocity_hats if optimizer.amsgrad else None
        return [optimizer._momentums, optimizer._velocities, hats]
    return [optimizer.momentums if optimizer.momentum != 0 else None]


class OptimizerRule:
    """A Keras optimizer's update as a pure function of weights, gradients and state.

    Mirrors `BaseOptimizer.apply` for the supported optimizers: gradient clipping, weight
    decay, the update step, variable constraints, then the iteration count. The state is
    `(iterations, slots)`: copies of the optimizer's counter and, per variable, of its
    slot variables (`[m, v, v_hat]` for Adam, `[m]` for SGD; `None` where unused).
    Keras has no public per-variable view of an optimizer's slots (and its `stateless_apply`
    raises under TensorFlow), so this reads its private attributes; a test compares every
    supported configuration with `optimizer.apply` to catch a change in Keras.

    Args:
        optimizer: The discriminator's optimizer (a `LossScaleOptimizer` is unwrapped).
        variables: The variables the unrolled weights stand for, in order.
        learning_rate: Replaces the optimizer's learning rate (default `None`: its own).
    """

    SUPPORTED = (keras.optimizers.Adam, keras.optimizers.AdamW, keras.optimizers.SGD)

    def __init__(self, optimizer, variables, learning_rate=None):
        while isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            optimizer = optimizer.inner_optimizer
        name = type(optimizer).__name__
        if type(optimizer) not in self.SUPPORTED:
            raise ValueError(
                "UnrolledDiscriminator(update_rule='optimizer') unrolls the discriminator's "
                "optimizer functionally and supports Adam, AdamW and SGD. Received: "
                f"d_optimizer={name}. Pass update_rule='sgd' to unroll with plain gradient descent."
            )
        for argument in ("gradient_accumulation_steps", "ema_overwrite_frequency"):
            if getattr(optimizer, argument, None):
                raise ValueError(
                    f"UnrolledDiscriminator(update_rule='optimizer') does not unroll an optimizer "
                    f"with `{argument}`. Received: {argument}={getattr(optimizer, argument)} "
                    f"on {name}. Pass update_rule='sgd' to unroll with plain gradient descent."
                )
        self.optimizer = optimizer
        self.variables = list(variables)
        self.learning_rate = learning_rate
        if not optimizer.built:
            optimizer.build(self.variables)
        try:
            self.indices = [optimizer._get_variable_index(v) for v in self.variables]
        except KeyError as error:
            raise ValueError(
                "UnrolledDiscriminator: the discriminator's optimizer was built on other "
                f"variables than the discriminator's trainable ones ({name})."
            ) from error
        self.decays = [
            optimizer.weight_decay is not None and optimizer._use_weight_decay(v)
            for v in self.variables
        ]

    def initial_state(self):
        """Copies of the optimizer's iteration count and slot variables, now."""
        lists = _slot_lists(self.optimizer)
        slots = [[None if s is None else ops.copy(s[i]) for s in lists] for i in self.indices]
        return ops.copy(self.optimizer.iterations), slots

    def _learning_rate(self, iterations):
        if self.learning_rate is not None:
            return self.learning_rate
        schedule = self.optimizer._learning_rate
        if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            return schedule(iterations)
        return ops.convert_to_tensor(self.optimizer.learning_rate)

    def step(self, weights, gradients, state):
        """One update: returns `(weights, state)`; `None` gradients leave a weight as is."""
        iterations, slots = state
        optimizer = self.optimizer
        lr = self._learning_rate(iterations)
        present = [i for i, g in enumerate(gradients) if g is not None]
        clipped = optimizer._clip_gradients([gradients[i] for i in present])
        weights, slots = list(weights), list(slots)
        for i, gradient in zip(present, clipped, strict=True):
            weight = weights[i]
            if self.decays[i]:
                weight = weight - weight * ops.cast(optimizer.weight_decay, weight.dtype) * (
                    ops.cast(lr, weight.dtype)
                )
            if isinstance(optimizer, keras.optimizers.Adam):
                weight, *slot = adam_step(weight, gradient, *slots[i], iterations, lr, optimizer)
            else:
                weight, *slot = sgd_step(weight, gradient, *slots[i], lr, optimizer)
            constraint = self.variables[i].constraint
            weights[i] = weight if constraint is None else constraint(weight)
            slots[i] = slot
        return weights, (iterations + 1, slots)
