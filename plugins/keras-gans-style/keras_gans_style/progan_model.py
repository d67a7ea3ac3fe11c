"""`ProGANModel`: a `GANModel` whose networks grow while it trains."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.steps import PieceState
from keras_gans_style.drift_penalty import DriftPenalty
from keras_gans_style.fade_in import FadeIn
from keras_gans_style.growth_schedule import GrowthSchedule

__all__ = ["ProGANModel"]


def fade_layers(network):
    """The `FadeIn` layers of a network (searched through nested models), by level."""
    found, stack = {}, [network]
    while stack:
        layer = stack.pop()
        if isinstance(layer, FadeIn):
            found[layer.level] = layer
        stack.extend(getattr(layer, "layers", ()))
    return [found[k] for k in sorted(found)]


def _check_levels(network, argument):
    levels = [layer.level for layer in fade_layers(network)]
    if not levels or levels != list(range(1, len(levels) + 1)):
        raise ValueError(
            f"`{argument}` must hold one FadeIn layer per level 1, 2, ..., L (a ProGAN "
            f"network, e.g. from the `progan` architecture). Received levels {levels}"
        )
    return len(levels) + 1


class _GrowthState(PieceState):
    """The schedule's state: real images shown and the level they give."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.images_seen = self.variable(
            "images_seen", dtype="int64", aggregation="only_first_replica"
        )
        self.level = self.variable("level", aggregation="only_first_replica")


@keras.saving.register_keras_serializable(package="keras_gans_style")
class ProGANModel(GANModel):
    """A progressively growing GAN: ProGAN's stage and fade-in are part of the model.

    Both networks hold every resolution from 4x4 to the image size; their `FadeIn`
    layers' weights select the stage. Before each training step the model reads the real
    images shown so far (`images_seen`, a saved variable), computes the level of its
    `growth` schedule (the `GrowthSchedule` among its tricks: the architecture's, or one
    given to `compile(tricks=[...])`), assigns every fade weight of the generator, the
    discriminator and the EMA generator, and shows the discriminator the reals at the
    current stage (box-downscaled, blended during a fade-in, nearest-upsampled:
    `GrowthSchedule.reals`). The generator always outputs the full image size (the
    current stage's output nearest-upsampled), so `generate`, `sample` and `export` work
    at every point of training. The stage changes by assigning variables inside the one
    traced train function: no retracing, and a saved model resumes mid-fade exactly.

    The game is GANModel's (critic, then generator, `d_steps` critic updates per step).
    Logged, besides the loss's values: `progan/resolution` (the resolution being
    trained, the new one during a fade-in) and `progan/alpha` (its fade-in weight, 1
    once stable), as epoch means. Built by hand (not `from_architecture`), the model's
    `architecture_tricks` are `[DriftPenalty(0.001), GrowthSchedule(num_levels)]`.

    Args:
        generator: A ProGAN generator (`FadeIn` layers of levels 1 to L).
        discriminator: A ProGAN discriminator with as many levels.
        latent_dim: The size of `z`.
        latent_distribution: As in `GANModel` (default `"normal"`).
        num_classes: ProGAN here is unconditional: must be `None` (default).
        seed: Seed of the latent sampler (default `None`).
        ema_decay: Keep an EMA generator (the paper's smoothed generator: 0.999)
            (default `None`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "progan", image_shape=(8, 8, 1), latent_dim=4, fmap_base=32, fmap_max=4,
    ...     fade_images=64, stable_images=32)
    >>> type(model).__name__, model.generate(2, seed=0).shape
    ('ProGANModel', (2, 8, 8, 1))
    >>> model.growth.num_levels, model.growth.fade_images, model.growth.stable_images
    (2, 64, 32)
    >>> model.set_images_seen(64)  # half-way through the 8x8 fade-in
    >>> model.level, model.resolution, model.alpha
    (0.5, 8, 0.5)

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                "ProGANModel is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        levels = _check_levels(generator, "generator")
        if _check_levels(discriminator, "discriminator") != levels:
            raise ValueError(
                "The generator and the discriminator must have as many levels. Received: "
                f"{levels} and {_check_levels(discriminator, 'discriminator')}"
            )
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        self.num_levels = levels
        self.growth_state = _GrowthState(name="progan_growth")
        self.architecture_tricks = [DriftPenalty(0.001), GrowthSchedule(levels)]

    # ----------------------------------------------------------------- the stage
    @property
    def growth(self):
        """The `GrowthSchedule`: the compiled one, else the architecture's."""
        for piece in [*self.tricks, *self.architecture_tricks]:
            if isinstance(piece, GrowthSchedule):
                return piece
        raise ValueError(
            "A ProGANModel needs a GrowthSchedule among its tricks (its architecture_tricks "
            "or compile(tricks=[...])). Received none."
        )

    @property
    def images_seen(self):
        """Real images shown to the discriminator so far (an int)."""
        return int(ops.convert_to_numpy(self.growth_state.images_seen))

    @property
    def level(self):
        """The networks' level, set by the last training step (0: 4x4; `k - 1 + alpha`:
        level `k` fading in with weight `alpha`)."""
        return float(ops.convert_to_numpy(self.growth_state.level))

    @property
    def resolution(self):
        """The resolution at `level` (during a fade-in, the new one)."""
        return int(ops.convert_to_numpy(GrowthSchedule.stage(self.level)[0]))

    @property
    def alpha(self):
        """The fade-in weight of `resolution` at `level` (1 once it is stable)."""
        return float(ops.convert_to_numpy(GrowthSchedule.stage(self.level)[1]))

    def _networks(self):
        ema = () if self.ema_generator is None else (self.ema_generator,)
        return (self.generator, self.discriminator, *ema)

    def _assign_level(self, level):
        self.growth_state.level.assign(level)
        alphas = self.growth.alphas(level)
        for network in self._networks():
            for layer, alpha in zip(fade_layers(network), alphas, strict=True):
                layer.alpha.assign(alpha)

    def set_images_seen(self, images_seen):
        """Moves the schedule to `images_seen` real images (e.g. to sample a stage).

        Args:
            images_seen: A non-negative int.
        """
        if isinstance(images_seen, bool) or not isinstance(images_seen, int) or images_seen < 0:
            raise ValueError(
                f"`images_seen` must be a non-negative int. Received: images_seen={images_seen!r}"
            )
        self.growth_state.images_seen.assign(images_seen)
        self._assign_level(self.growth.level(images_seen))

    # ----------------------------------------------------------------- the game
    def schedule(self, x, y, training=True):
        """GANModel's schedule on the reals at the current stage.

        In training, first advances the growth: the level of the images shown so far is
        assigned to every `FadeIn` layer (after restarting the optimizers if the stage
        changed and the schedule says `reset_optimizers`), then the batch is counted. In
        evaluation the stage is left as it is.
        """
        if training:
            state = self.growth_state
            level = self.growth.level(state.images_seen)
            self.growth.restart_optimizers(self, state.level, level)
            self._assign_level(level)
            replicas = self.distribute_strategy.num_replicas_in_sync
            state.images_seen.assign_add(ops.cast(ops.shape(x)[0] * replicas, "int64"))
        alphas = self.growth.alphas(self.growth_state.level)
        return super().schedule(self.growth.reals(x, alphas), y, training)
