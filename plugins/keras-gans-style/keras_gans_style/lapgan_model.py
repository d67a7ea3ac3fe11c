"""`LAPGANModel`: LAPGAN's game, every pyramid level at once, on the step protocol."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.models import step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, Player, StepContext
from keras_gans_style._lapgan_parts import level_name
from keras_gans_style.laplacian_pyramid import gaussian_pyramid, upsample

__all__ = ["LAPGANModel"]


def _levels(network, kind, argument):
    """The nested `level_<k>_<kind>` models of `network`, k = 0, 1, ..."""
    names = {layer.name for layer in getattr(network, "layers", ())}
    levels, k = [], 0
    while level_name(k, kind) in names:
        levels.append(network.get_layer(level_name(k, kind)))
        k += 1
    if len(levels) < 2:
        raise ValueError(
            f"LAPGAN's `{argument}` must hold its pyramid levels as nested models named "
            f"level_0_{kind}, level_1_{kind}, ... (at least two; see "
            f"keras_gans_style.lapgan.LAPGAN). Received: {argument}={network.name!r}"
        )
    return levels


def _single(inputs):
    return inputs if len(inputs) > 1 else inputs[0]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class LAPGANModel(GANModel):
    """LAPGAN: one GAN per level of a Laplacian pyramid, trained together.

    `generator` is the whole pyramid (`z` and, when conditional, class ids, to the final
    image): its nested `level_<k>_generator` models are the levels' generators, coarsest
    first. `discriminator` holds the levels' discriminators (`level_<k>_discriminator`).
    Each `train_step` builds the real batch's pyramid (`gaussian_pyramid`): level 0's
    discriminator sees the coarsest real images `I_0` against `G_0(z_0)`; level k's sees
    the real pair `(h_k, l_k)` = `(I_k - u(I_{k-1}), u(I_{k-1}))` against
    `(G_k(z_k, l_k), l_k)`: the generator is conditioned on the upsampled *real* coarser
    image, so the levels are independent conditional GANs, as in the paper (section 3.3).

    The game has the classic two players, each with one view per level: `discriminator`
    (every level's discriminator, `d_optimizer`) and `generator` (every level's
    generator, `g_optimizer`). The levels share no weights, so the gradient of the summed
    objective with respect to a level's weights is that level's own gradient, and Adam
    keeps a separate state per weight: one step of this model is exactly one step of each
    level's GAN trained on its own with the same hyperparameters (a global gradient
    clipping such as `global_clipnorm` would couple them). `d_loss` and `g_loss` are the
    sums over the levels; `d_real` / `d_fake` are the coarsest level's mean scores.

    Sampling (`generate`, export) runs `generator`: the coarsest image from `z_0`, then
    each level adds its residual to the upsampled image, `I_k = u(I_{k-1}) + G_k(z_k,
    u(I_{k-1}))`, clipped to [-1, 1].

    Args:
        generator: The pyramid generator (`keras_gans_style.lapgan.LAPGAN`).
        discriminator: The model holding the level discriminators.
        latent_dim: The size of `z` (the levels' parts together).
        latent_distribution: The prior of `z` (default `"normal"`; the architecture
            gives `"uniform"`, the paper's).
        num_classes: The class count of a class-conditional pyramid (default `None`).
        seed: Seed of the latent sampler (default `None`).
        ema_decay: Keep an EMA of the whole pyramid generator (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans_style.lapgan import LAPGAN
    >>> arch = LAPGAN(image_shape=(8, 8, 1), latent_dim=8, coarse_units=(8,),
    ...               coarse_discriminator_units=(8,), filters=2, discriminator_filters=2)
    >>> model = LAPGANModel(**arch.build_networks(), latent_dim=8, seed=0)
    >>> model.num_levels, model.latent_sizes
    (2, (4, 4))
    >>> model.generate(3, seed=0).shape
    (3, 8, 8, 1)

    Reference:
        Denton, Chintala, Szlam & Fergus, "Deep Generative Image Models using a Laplacian
        Pyramid of Adversarial Networks", NeurIPS 2015, section 3.
    """

    def check_networks(self, generator, discriminator):
        """Checks the level models, then the pyramid pair as any generator/discriminator."""
        generators = _levels(generator, "generator", "generator")
        discriminators = _levels(discriminator, "discriminator", "discriminator")
        if len(generators) != len(discriminators):
            raise ValueError(
                "LAPGAN needs one discriminator per generator level. Received: "
                f"{len(generators)} generator levels, {len(discriminators)} discriminator levels."
            )
        return check.check_networks_fit(generator, discriminator, self.latent_dim)

    @property
    def num_levels(self):
        """How many pyramid levels the model has."""
        return len(_levels(self.generator, "generator", "generator"))

    @property
    def latent_sizes(self):
        """Each level's part of `z`, coarsest first."""
        levels = _levels(self.generator, "generator", "generator")
        return tuple(int(level.inputs[0].shape[-1]) for level in levels)

    def level_generator(self, k):
        """Level `k`'s generator (0 is the coarsest)."""
        return self.generator.get_layer(level_name(k, "generator"))

    def level_discriminator(self, k):
        """Level `k`'s discriminator (0 is the coarsest)."""
        return self.discriminator.get_layer(level_name(k, "discriminator"))

    # ----------------------------------------------------------------- the game
    def players(self):
        """`discriminator` (every level's) and `generator` (every level's), one optimizer each."""
        levels = range(self.num_levels)
        discriminators = tuple(self.level_discriminator(k) for k in levels)
        generators = tuple(self.level_generator(k) for k in levels)
        return (
            Player("discriminator", "discriminator", discriminators, self.d_optimizer),
            Player("generator", "generator", generators, self.g_optimizer),
        )

    def _pair_critic(self, k):
        """Level `k`'s discriminator on a `(h_k, l_k)` pair stacked along the channels."""
        network = self.level_discriminator(k)
        channels = int(network.inputs[0].shape[-1])

        def run(inputs, training):
            pair, *condition = inputs if isinstance(inputs, (list, tuple)) else [inputs]
            band, low = pair[..., :channels], pair[..., channels:]
            return network(_single([band, low, *condition]), training=training)

        return run

    def _coarse_critic(self):
        network = self.level_discriminator(0)
        return lambda inputs, training: network(inputs, training=training)

    def contexts(self, player, batch, training):
        """One view per level, coarsest first (see the class docstring)."""
        real, condition = batch
        latent = self.sample_latent(ops.shape(real)[0])
        extra = [] if condition is None else [condition]
        gaussians = gaussian_pyramid(real, self.num_levels)
        views, start = [], 0
        for k, size in enumerate(self.latent_sizes):
            noise = latent[:, start : start + size]
            start += size
            generator = self.level_generator(k)
            if k == 0:
                real_k = gaussians[0]
                fake_k = generator(_single([noise, *extra]), training=training)
                critic = self._coarse_critic()
            else:
                low = upsample(gaussians[k - 1])
                band = generator(_single([noise, low, *extra]), training=training)
                real_k = ops.concatenate([gaussians[k] - low, low], axis=-1)
                fake_k = ops.concatenate([ops.cast(band, "float32"), low], axis=-1)
                critic = self._pair_critic(k)
            fake_k = ops.cast(fake_k, "float32")
            if player.role == "discriminator":
                fake_k = ops.stop_gradient(fake_k)
            views.append(
                StepContext(
                    player=player,
                    inputs=DiscriminatorInputs(real_k, fake_k, critic),
                    condition=condition,
                    latent=noise,
                    seed_generator=self.seed_generator,
                    iteration=self.g_optimizer.iterations,
                    training=training,
                    extras={"level": k},
                    gradient=step.gradient,
                    all_gather=step.all_gather,
                )
            )
        return views
