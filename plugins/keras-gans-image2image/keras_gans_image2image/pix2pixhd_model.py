"""`Pix2PixHDModel`: pix2pixHD's game (multi-scale LSGAN + feature matching), in stages."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import one_of
from keras_gans.steps import Player
from keras_gans_image2image._paired import PairedTranslation
from keras_gans_image2image.discriminator_feature_matching import DiscriminatorFeatureMatching
from keras_gans_image2image.pix2pixhd_networks import smallest_scale_side

__all__ = ["Pix2PixHDModel"]

#: The training stages: `G1` alone at half resolution, `G2` alone with `G1` fixed, both.
STAGES = ("global", "local", "joint")


def _layer(network, name, argument):
    try:
        return network.get_layer(name)
    except ValueError:
        raise ValueError(
            f"pix2pixHD's `{argument}` must have a layer named {name!r} (see "
            f"keras_gans_image2image.pix2pixhd_networks). Received: {argument}={network.name!r}"
        ) from None


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class Pix2PixHDModel(PairedTranslation, GANModel):
    """pix2pixHD: a coarse-to-fine generator against multi-scale discriminators.

    The generator `G = {G1, G2}` maps an image `a` to `G(a)`; the discriminator holds
    `K` PatchGANs `D_k` that score the pair `(a, b)` downsampled `k` times. Each
    `train_step` on `(a, b)` batches makes `d_steps` updates of the `discriminator`
    player (all `D_k`, one optimizer), then one of the `generator` player. The objective
    is the paper's eq. 5, `min_G (max_{D_k} sum_k L_GAN(G, D_k)) + lambda sum_k
    L_FM(G, D_k)`: each update has one view per scale, so the compiled adversarial loss
    (the `pix2pixhd` architecture's default is `"least-squares"`, the paper's) is summed
    over the scales, and `DiscriminatorFeatureMatching` reads every `D_k`'s block
    features on the real and the generated pair (averaged over the scales, as the
    authors' code). Its weight is 5: lambda = 10 (the architecture's
    `feature_matching_weight`) halved, because keras-gans' least-squares generator term
    is half the authors' mean squared error; the whole objective is then half the
    paper's, which Adam follows step for step.
    The VGG perceptual loss of the paper's ablation is not included (it needs
    ImageNet weights).

    Training is coarse to fine (section 3.2) with `set_stage`:

    - `"global"`: `G1` alone at half resolution (its own output head, `global_head`),
      against the pairs downsampled by 2, scored by the scales that still fit (the
      others are frozen);
    - `"local"`: the local enhancer `G2` alone at full resolution, `G1` fixed (the
      authors' `niter_fix_global`);
    - `"joint"` (default): `G1` and `G2` fine-tuned together.

    The stage is saved with the model; `g_optimizer` holds a state for every generator
    weight, so the stages share it (its step count goes on).

    Args:
        generator: The full generator, a functional `keras.Model` (A to B) with the
            layers `downsample_input` and `global_features` and `global_*` / `local_*`
            layer names (`build_pix2pixhd_generator`).
        discriminator: A functional `keras.Model` on `[b, a]` whose layers `scale_<k>`
            are the discriminators, each returning `{"score", "feature_<i>"}`
            (`build_multiscale_discriminator`).
        global_head: `G1`'s output head, features to images (`build_global_head`).
        latent_dim: Stored for the command line; there is no `z` (default 64).
        latent_distribution: Unused (default `"normal"`).
        num_classes: Must be `None` (default).
        seed: Seed of the model's random stream (default `None`).
        ema_decay: Keep an EMA of the generator, as in `GANModel` (default `None`);
            `translate` and `translator` then run it unless `use_ema=False`.
        stage: `"global"`, `"local"` or `"joint"` (default `"joint"`).
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "pix2pixhd", image_shape=(16, 16, 1), base_filters=2, global_blocks=1,
    ...     local_blocks=1, discriminator_filters=2)
    >>> model.compile("adam", "adam", loss="least-squares")
    >>> sorted(tracker.name for tracker in model.metrics)  # what fit logs
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'g_term/feature_matching']
    >>> model.set_stage("global"); model.stage
    'global'

    Reference:
        Wang, Liu, Zhu, Tao, Kautz & Catanzaro, "High-Resolution Image Synthesis and
        Semantic Manipulation with Conditional GANs", CVPR 2018, section 3.2.
    """

    family = "pix2pixHD"

    def __init__(
        self,
        generator,
        discriminator,
        global_head,
        latent_dim=64,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        stage="joint",
        **kwargs,
    ):
        if num_classes is not None:
            raise ValueError(
                "pix2pixHD is conditioned on images, not classes: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        stage = self._check_stage(stage)
        if not isinstance(global_head, keras.Model):
            raise TypeError(
                f"`global_head` must be a keras.Model (G1's output head). Received: "
                f"global_head={global_head!r}"
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
        features = _layer(generator, "global_features", "generator").output
        _layer(generator, "downsample_input", "generator")
        self.num_scales = sum(
            1 for layer in discriminator.layers if layer.name.startswith("scale_")
        )
        if self.num_scales == 0:
            raise ValueError(
                "pix2pixHD's `discriminator` must have layers named scale_0, scale_1 ... (see "
                f"build_multiscale_discriminator). Received: discriminator={discriminator.name!r}"
            )
        scale = discriminator.get_layer("scale_0")
        self.patch_layers = sum(1 for key in scale.output if key.startswith("feature_")) - 1
        self.global_head = global_head
        self._global_features = keras.Model(generator.inputs, features, name="global_trunk")
        self._tracker.untrack(self._global_features)
        self.stage = stage
        self._apply_stage()
        self.architecture_tricks = [DiscriminatorFeatureMatching(weight=5.0)]

    # ----------------------------------------------------------------- stages
    @staticmethod
    def _check_stage(stage):
        return one_of(stage, "stage", STAGES)

    def _apply_stage(self, everything=False):
        """Freezes the parts of the generator the stage does not train."""
        for layer in self.generator.layers:
            if layer.name.startswith("global_"):
                layer.trainable = everything or self.stage != "local"
            elif layer.name.startswith("local_"):
                layer.trainable = everything or self.stage != "global"
        self.global_head.trainable = everything or self.stage == "global"
        used = self._stage_scales()
        for k in range(self.num_scales):
            self.discriminator.get_layer(f"scale_{k}").trainable = everything or k < used

    def _stage_scales(self):
        """The discriminators the current stage uses (the first ones)."""
        if self.stage == "global":
            return self.scales_at(min(self.a_shape[:2]) // 2)
        return self.num_scales

    def set_stage(self, stage):
        """Switches the coarse-to-fine stage: `"global"`, `"local"` or `"joint"`.

        Call it between `fit` calls (or from a callback's `on_epoch_begin`); the train
        step is traced again for the new stage.
        """
        self.stage = self._check_stage(stage)
        self._apply_stage()
        if getattr(self, "train_function", None) is not None:
            self.make_train_function(force=True)
        if getattr(self, "test_function", None) is not None:
            self.make_test_function(force=True)

    def compile(self, d_optimizer="adam", g_optimizer="adam", loss="least-squares", **kwargs):
        """As `GANModel.compile`, with the paper's least-squares loss by default;
        `g_optimizer` is built for every stage's weights."""
        self._apply_stage(everything=True)
        try:
            super().compile(d_optimizer, g_optimizer, loss, **kwargs)
        finally:
            self._apply_stage()

    def players(self):
        """`discriminator` (every scale) and `generator` (`G1`, `G2` and `G1`'s head)."""
        discriminator, _ = super().players()
        networks = (self.generator, self.global_head)
        return discriminator, Player("generator", "generator", networks, self.g_optimizer)

    # ----------------------------------------------------------------- the game
    def _scale(self, k):
        network = self.discriminator.get_layer(f"scale_{k}")
        return lambda inputs, training: network(inputs, training=training)

    def scales_at(self, side):
        """How many of the discriminators score images of `side` pixels."""
        least = smallest_scale_side(self.patch_layers)
        fits = sum(1 for k in range(self.num_scales) if math.ceil(side / 2**k) >= least)
        return max(fits, 1)

    def contexts(self, player, batch, training):
        """One view per discriminator scale: `(b, G(a))` scored as `D_k([image, a])`.

        In the `"global"` stage the pair is downsampled by 2 and the fake is `G1`'s own
        output.
        """
        a, b = batch
        if self.stage == "global":
            downsample = self.generator.get_layer("downsample_input")
            features = self._global_features(a, training=training)
            fake = self.global_head(features, training=training)
            a, b = downsample(a), downsample(b)
        else:
            fake = self.generator(a, training=training)
        scales = self._stage_scales()
        fake = ops.cast(fake, "float32")
        extras = {"num_scales": scales}
        return [
            self.paired_context(player, a, b, fake, self._scale(k), training, extras)
            for k in range(scales)
        ]

    # ----------------------------------------------------------------- saving
    def get_config(self):
        head = keras.saving.serialize_keras_object(self.global_head)
        return {**super().get_config(), "global_head": head, "stage": self.stage}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["global_head"] = keras.saving.deserialize_keras_object(config["global_head"])
        return super().from_config(config)
