"""`Pix2PixModel`: the pix2pix game (conditional GAN + L1) on the step protocol."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import non_negative
from keras_gans.losses import WeightedLoss
from keras_gans_image2image._paired import PairedTranslation
from keras_gans_image2image.l1_reconstruction import L1Reconstruction

__all__ = ["Pix2PixModel"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class Pix2PixModel(PairedTranslation, GANModel):
    """pix2pix: a conditional GAN that translates images of domain A to domain B.

    The generator `G` maps an image `a` to `G(a)`; the discriminator `D` scores pairs,
    `D(b, a)` (the lead's PatchGAN on the channel concatenation of `a` and `b`: one logit
    per patch). Each `train_step` on a batch of pairs `(a, b)` makes `d_steps`
    discriminator updates (real pairs `(a, b)` against `(a, G(a))`), then one generator
    update. The objective is the paper's eq. 4,
    `G* = arg min_G max_D L_cGAN(G, D) + lambda L_L1(G)`:

    - the adversarial loss of `compile(loss=...)` (the `pix2pix` architecture's default is
      `"non-saturating"`, the paper's: D minimises the cross-entropy of real and fake
      pairs, G minimises `-log D(G(a), a)`), whose discriminator objective is multiplied
      by `discriminator_loss_weight` (0.5: "we divide the objective by 2 while optimizing
      D"; done by wrapping the compiled loss in `keras_gans.losses.WeightedLoss` when the
      step's pieces are arranged, so the logged `d_loss` is the halved objective);
    - `L1Reconstruction` (lambda = 100), which `from_architecture` adds from the
      architecture's `l1_weight`, logged as `g_term/l1`.

    There is no `z`: as in the paper, dropout in the generator's decoder is the only
    noise, active in training updates. `translate` / `translator` run the generator (its
    EMA copy when the model keeps one, unless `use_ema=False`) in inference mode (no
    dropout, BatchNorm moving statistics), as an exported graph must; the paper instead
    keeps dropout and batch statistics at test time.

    The L1-only baseline of the paper (Table 1, "L1") trains the same generator on the
    L1 term alone: `compile(loss=WeightedLoss("non-saturating", generator_weight=0.0))`
    (the discriminator still trains, but no adversarial gradient reaches G).

    The state of the dropout layers' random streams is saved with the model, so training
    n steps, saving, loading and training m more equals n + m steps.

    Args:
        generator: A functional `keras.Model` from A images `(h, w, c_a)` to B images
            `(h, w, c_b)` in [-1, 1].
        discriminator: A functional `keras.Model` from `[b, a]` to raw scores (a patch map).
        latent_dim: Stored for the command line's sake; pix2pix has no `z` (default 64).
        latent_distribution: Unused (default `"normal"`).
        num_classes: Must be `None` (default).
        seed: Seed of the model's random stream (default `None`).
        ema_decay: Keep an EMA of the generator, as in `GANModel` (default `None`);
            `translate` and `translator` then run it unless `use_ema=False`.
        discriminator_loss_weight: Multiplier of the discriminator's objective (default
            0.5, the paper's halving; 1 leaves the loss as compiled).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np, keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "pix2pix", image_shape=(16, 16, 1), base_filters=4, discriminator_filters=4)
    >>> model.compile("adam", "adam")
    >>> sorted(tracker.name for tracker in model.metrics)  # what fit logs
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'g_term/l1']
    >>> model.translate(np.zeros((2, 16, 16, 1), "float32")).shape
    (2, 16, 16, 1)

    Reference:
        Isola, Zhu, Zhou & Efros, "Image-to-Image Translation with Conditional Adversarial
        Networks", CVPR 2017, eqs. 1-4 and section 3.3.
    """

    family = "pix2pix"

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=64,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        discriminator_loss_weight=0.5,
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                "pix2pix is conditioned on images, not classes: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        weight = non_negative(discriminator_loss_weight, "discriminator_loss_weight")
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        self.discriminator_loss_weight = weight
        self.architecture_tricks = [L1Reconstruction()]

    def arrange_pieces(self, pieces):
        """The compiled loss with its discriminator objective scaled, then the rest."""
        if self.discriminator_loss_weight == 1.0:
            return pieces
        halved = WeightedLoss(
            self.adversarial_loss,
            discriminator_weight=self.discriminator_loss_weight,
            name=self.adversarial_loss.name,
        )
        return [halved if p is self.adversarial_loss else p for p in pieces]

    def contexts(self, player, batch, training):
        """One view: `(b, G(a))` scored by the discriminator as `D([image, a])`."""
        a, b = batch
        fake = ops.cast(self.generator(a, training=training), "float32")
        return [self.paired_context(player, a, b, fake, self._discriminate, training)]

    def get_config(self):
        return {**super().get_config(), "discriminator_loss_weight": self.discriminator_loss_weight}
