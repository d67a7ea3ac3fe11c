"""The unrolled GAN (Metz et al. 2017): the generator plays against a future discriminator."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int, positive_number
from keras_gans.tricks.base import Trick

__all__ = ["UnrolledDiscriminator"]


@keras.saving.register_keras_serializable(package="keras_gans")
class UnrolledDiscriminator(Trick):
    """Trains the generator against the discriminator `steps` updates into the future.

    A piece whose `transform` swaps, in the generator's update only, the network that
    scores the samples: a copy of the discriminator's weights takes `steps`
    gradient-descent steps on the discriminator objective (each with a fresh generated
    batch and the current real minibatch), and the generator's objective is evaluated
    through the discriminator with those unrolled weights. The copy lives only in the
    computation: the discriminator's real weights and its optimizer are never touched.

    With `second_order=True` (default, the paper's method) the generator's gradient flows
    through the unrolled updates (second derivatives of the discriminator objective), so
    the generator sees how the discriminator would react to its change: the term that
    discourages mode collapse. `second_order=False` is the cheaper first-order version
    (the unrolled weights are treated as constants). The unrolled steps use plain gradient
    descent with `learning_rate` (the paper unrolled its Adam optimizer), on the
    adversarial objective only (penalties are left out).

    Formula:
        `theta_0 = theta_D`, `theta_{k+1} = theta_k - eta grad_theta L_D(theta_k, G)`,
        the generator minimises `L_G(G, theta_K)` with `K = steps`.

    Args:
        steps: `K`, the unrolling steps (default 5).
        learning_rate: `eta` of the unrolled gradient steps (default 1e-3). Too large a
            value lets the generator spread its samples between the modes.
        second_order: Whether gradients flow through the unrolling (default `True`).
        name: Default `"unrolled"`.

    Example:
    >>> UnrolledDiscriminator(steps=3).steps
    3

    Reference:
        Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017, section 2.
    """

    def __init__(self, steps=5, learning_rate=1e-3, second_order=True, name="unrolled"):
        super().__init__(name=name)
        self.steps = positive_int(steps, "steps")
        self.learning_rate = positive_number(learning_rate, "learning_rate")
        if not isinstance(second_order, bool):
            raise ValueError(
                f"`second_order` must be a bool. Received: second_order={second_order!r}"
            )
        self.second_order = second_order
        self._model = None

    def build(self, model):
        if not model.discriminator.built:
            raise ValueError("UnrolledDiscriminator needs a built discriminator.")
        self._model = model

    def transform(self, inputs, ctx):
        if ctx.role != "generator":
            return inputs
        if self._model is None:
            raise ValueError("UnrolledDiscriminator needs `build(model)` first (compile).")
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

        weights = [ops.copy(v) for v in discriminator.trainable_variables]
        batch = ops.shape(inputs.fake)[0]
        for _ in range(self.steps):
            latent = model.sample_latent(batch)
            fake = maybe_stop(model.generator_output(latent, ctx.condition, training=True))

            def objective(theta, fake=fake, latent=latent):
                unrolled = inputs.replace(fake=fake, network=network_with(theta))
                inner = ctx.replace(player="discriminator", inputs=unrolled, latent=latent)
                return model.adversarial_loss.discriminator_objective(inner)

            gradients = ctx.gradient(objective, weights)
            weights = [
                w if g is None else w - self.learning_rate * maybe_stop(g)
                for w, g in zip(weights, gradients, strict=True)
            ]
        return inputs.replace(network=network_with(weights))

    def get_config(self):
        return {
            **super().get_config(),
            "steps": self.steps,
            "learning_rate": self.learning_rate,
            "second_order": self.second_order,
        }
