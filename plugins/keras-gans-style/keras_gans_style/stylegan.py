"""The StyleGAN architecture (`stylegan`): mapping network, AdaIN synthesis, R1."""

from __future__ import annotations

from keras_gans.architectures import Architecture
from keras_gans.checks import positive_int, positive_number
from keras_gans.penalties import R1Penalty
from keras_gans.tricks import DiffAugment
from keras_gans_style import _style_common as common
from keras_gans_style.lazy_regularization import LazyRegularization
from keras_gans_style.mapping_network import mapping_network
from keras_gans_style.style_discriminators import style_discriminator
from keras_gans_style.style_mixing import StyleMixing
from keras_gans_style.stylegan_model import StyleGANModel, style_generator
from keras_gans_style.stylegan_synthesis import StyleGANSynthesis
from keras_gans_style.truncation import Truncation


def default_r1_gamma(side):
    """`10 (side / 1024)^2`: the paper's FFHQ gamma (10 at 1024x1024) scaled with the
    pixel count, as StyleGAN2-ADA's heuristic scales it (32x32: 0.0098, ADA's CIFAR-10
    value 0.01)."""
    return 10.0 * (side / 1024.0) ** 2


def default_style_mixing(side):
    """0.9 (the paper's) from 64x64 up; 0 at 32x32 and below.

    StyleGAN2-ADA's CIFAR-10 configuration (Karras et al. 2020, 32x32) turns mixing off, and
    here, on the bundled digits at 16x16, mixing at 0.9 made both generators lose variety as
    training went on (StyleGAN's FID rose from 31 at 10 epochs to 48-78 at 30, against 9.1
    at 60 epochs without mixing, StyleGAN2's 24.7 against 15.4 at 30; `docs/style/stylegan.md`).
    """
    return 0.9 if side >= 64 else 0.0


def default_mapping_lr_multiplier(side):
    """0.01 (the paper's) from 64x64 up; 1.0 at 32x32 and below.

    The paper's multiplier (Karras et al. 2019, appendix C) keeps the mapping network slow
    over runs of tens of millions of images. On the runs small images get here (a few
    thousand updates) it left the mapping close to its random initialisation: on the
    bundled digits at 16x16 (120 epochs, 3 seeds) StyleGAN's FID went from 4.22 to 1.86 and
    its KID from 0.418 to 0.069 with 1.0 (ahead of DCGAN's 4.92 and 0.319 in every seed;
    32x32, seed 0: 1.72 and 0.089 against 4.04 and 0.355), and in one seed its samples'
    classes from 5-20% each to 7-14% (`docs/style/stylegan.md`).
    """
    return 0.01 if side >= 64 else 1.0


class StyleGAN(Architecture):
    """StyleGAN (Karras et al. 2019): a mapping network, AdaIN synthesis and per-layer noise.

    The generator is the composite `z -> mapping (pixel norm, `mapping_layers` equalised
    dense layers with an lr multiplier, the paper's 0.01 from 64x64 up) -> w -> Truncation
    (w repeated per layer, w_avg kept) -> StyleGANSynthesis -> image`, with const noise
    (deterministic `generate` and export; training uses random noise through
    `StyleGANModel`). The discriminator is
    ProGAN's (from-RGB, two 3x3 convs and a [1, 3, 3, 1] downsampling per resolution,
    minibatch stddev at 4x4). No progressive growing: all resolutions train from the
    start, as StyleGAN2 later does (at 8-32 pixels growing buys little). Trained with the
    non-saturating logistic loss, R1 on reals (every update: `r1_interval=1`) and style
    mixing (`default_style_mixing`); `augment` adds DiffAugment on both real and fake
    discriminator inputs. Optimizers (`optimizer_defaults`, used by `keras-gans train` and
    `default_optimizers()`): Adam(2e-3, beta_1 0, beta_2 0.99, epsilon 1e-8) for both
    players, the papers' betas and epsilon and StyleGAN2's rate, with which every figure
    in the docs was measured;
    StyleGAN's own rate below 128x128, 1e-3, trained more slowly on the digits.

    Scaled to small images: `filters` replaces the paper's 512 (halved per doubling above
    64x64), `w_dim` defaults to `latent_dim` (paper: both 512), `mapping_layers` to 4
    (paper: 8), R1's gamma to `10 (side / 1024)^2`, style mixing off and the mapping's lr
    multiplier 1.0 at 32x32 and below.

    Args:
        image_shape: `(side, side, channels)`, side a power of two >= 8 (default
            `(32, 32, 1)`).
        latent_dim: Size of `z` (default 64).
        w_dim: Size of `w` (default `None`: `latent_dim`).
        mapping_layers: Dense layers of the mapping network (default 4).
        filters: Channels of both networks up to 64x64 (default 64).
        style_mixing: Fraction of batches generated from two latents (default `None`:
            `default_style_mixing(side)`, the paper's 0.9 from 64x64 up, 0 below).
        r1_gamma: R1 strength (default `None`: `default_r1_gamma(side)`).
        r1_interval: Updates between R1 evaluations, the term multiplied by it (default 1;
            StyleGAN2: 16).
        w_avg_decay: Decay of the tracked `w_avg` (default 0.995).
        augment: A DiffAugment policy (e.g. `"translation"` or `("color",
            "translation")`) applied to every discriminator input, or `None` (default).
        mapping_lr_multiplier: The mapping layers' learning-rate multiplier (default
            `None`: `default_mapping_lr_multiplier(side)`, the paper's 0.01 from 64x64 up,
            1.0 below).

    Example:
    >>> arch = StyleGAN(image_shape=(8, 8, 1), latent_dim=8, filters=8, mapping_layers=2)
    >>> networks = arch.build_networks()
    >>> networks["generator"].output_shape, networks["discriminator"].output_shape
    ((None, 8, 8, 1), (None, 1))
    >>> [type(t).__name__ for t in arch.default_tricks()]
    ['StyleMixing', 'R1Penalty']

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019.
    """

    default_loss = "non-saturating"
    model_class = StyleGANModel
    synthesis_class = StyleGANSynthesis
    residual_discriminator = False
    default_r1_interval = 1
    optimizer_defaults = {"d_lr": 2e-3, "g_lr": 2e-3, "beta1": 0.0, "beta2": 0.99}
    #: Runs made before `mapping_lr_multiplier` existed had the paper's 0.01 at every size.
    legacy_keywords = {"mapping_lr_multiplier": 0.01}

    def make_optimizers(self, d_lr, g_lr, beta1, beta2):
        """Adam with the papers' epsilon, 1e-8 (Keras' default is 1e-7), as the benchmarks."""
        import keras

        settings = {"beta_1": beta1, "beta_2": beta2, "epsilon": 1e-8}
        return keras.optimizers.Adam(d_lr, **settings), keras.optimizers.Adam(g_lr, **settings)

    def __init__(
        self,
        image_shape=(32, 32, 1),
        latent_dim=64,
        w_dim=None,
        mapping_layers=4,
        filters=64,
        style_mixing=None,
        r1_gamma=None,
        r1_interval=None,
        w_avg_decay=0.995,
        augment=None,
        mapping_lr_multiplier=None,
    ):
        self.image_shape = common.check_image_shape(image_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.w_dim = None if w_dim is None else positive_int(w_dim, "w_dim")
        self.mapping_layers = positive_int(mapping_layers, "mapping_layers")
        self.filters = common.check_filters(filters)
        if style_mixing is None:
            style_mixing = default_style_mixing(self.image_shape[0])
        self.style_mixing = StyleMixing(style_mixing).probability
        self.r1_gamma = r1_gamma
        if r1_gamma is not None:
            R1Penalty(r1_gamma)  # checks it
        self.r1_interval = None if r1_interval is None else positive_int(r1_interval, "r1_interval")
        Truncation(1, decay=w_avg_decay)  # checks it
        self.w_avg_decay = w_avg_decay
        self.augment = augment if augment is None or isinstance(augment, str) else list(augment)
        if augment is not None:
            DiffAugment(policy=augment)  # checks it
        if mapping_lr_multiplier is None:
            mapping_lr_multiplier = default_mapping_lr_multiplier(self.image_shape[0])
        self.mapping_lr_multiplier = positive_number(mapping_lr_multiplier, "mapping_lr_multiplier")
        self.num_classes = None

    def build_generator(self):
        """A new composite generator `z -> image` (const noise, output in [-1, 1])."""
        w_dim = self.w_dim or self.latent_dim
        mapping = mapping_network(
            self.latent_dim, w_dim, self.mapping_layers, self.mapping_lr_multiplier
        )
        synthesis = self.synthesis_class(self.image_shape, self.filters, name="synthesis")
        truncation = Truncation(synthesis.num_ws, decay=self.w_avg_decay, name="truncation")
        prefix = type(self).__name__.lower()
        return style_generator(mapping, truncation, synthesis, name=f"{prefix}_generator")

    def build_discriminator(self):
        """A new discriminator: images to raw scores."""
        return style_discriminator(
            self.image_shape, self.filters, residual=self.residual_discriminator
        )

    def default_tricks(self):
        """Style mixing, (lazy) R1 and, with `augment`, DiffAugment."""
        gamma = default_r1_gamma(self.image_shape[0]) if self.r1_gamma is None else self.r1_gamma
        interval = self.r1_interval or self.default_r1_interval
        r1 = R1Penalty(gamma=gamma)
        tricks = [
            StyleMixing(self.style_mixing),
            r1 if interval == 1 else LazyRegularization(r1, interval),
        ]
        if self.augment is not None:
            tricks.append(DiffAugment(policy=self.augment))
        return tricks
