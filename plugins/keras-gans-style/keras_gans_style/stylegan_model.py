"""`StyleGANModel`: the game of StyleGAN and StyleGAN2 (mixing, `w` tracking, truncation)."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.models import step
from keras_gans.models import validation as check
from keras_gans.steps import DiscriminatorInputs, StepContext
from keras_gans_style.noise_injection import check_noise_mode
from keras_gans_style.style_mixing import StyleMixing, mix_styles

_PARTS = ("mapping", "truncation", "synthesis")


def style_generator(
    mapping,
    truncation,
    synthesis,
    truncation_psi=1.0,
    truncation_cutoff=None,
    noise="const",
    name="style_generator",
):
    """The composite generator `z -> mapping -> truncation -> synthesis -> image`.

    Shares the three parts' weights. `noise="const"` (deterministic), `"random"`, `"none"`
    or `"inputs"` (one extra input `noise_<i>` per noise layer); the output is clipped to
    [-1, 1].

    Returns:
        A functional `keras.Model` with input `z` (and the noise inputs).
    """
    z = keras.Input(mapping.input_shape[1:], name="z")
    ws = truncation(mapping(z), psi=truncation_psi, cutoff=truncation_cutoff)
    inputs, explicit = [z], None
    if noise == "inputs":
        explicit = [keras.Input(s, name=f"noise_{i}") for i, s in enumerate(synthesis.noise_shapes)]
        inputs += explicit
        image = synthesis(ws, noise=explicit, clip=True)
    else:
        image = synthesis(ws, noise_mode=check_noise_mode(noise, "noise"), clip=True)
    return keras.Model(inputs if explicit else z, image, name=name)


def _check_psi(psi):
    if isinstance(psi, bool) or not isinstance(psi, (int, float)) or not np.isfinite(psi):
        raise ValueError(
            f"`truncation_psi` must be a finite number. Received: truncation_psi={psi!r}"
        )
    return float(psi)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StyleGANModel(GANModel):
    """A style-based GAN: StyleGAN or StyleGAN2, trained with `model.fit`.

    `generator` is the composite `z -> image` model of `style_generator` (layers named
    `mapping`, `truncation`, `synthesis`, const noise, output clipped to [-1, 1]), so the
    core `generate`, `sample` and `export` work on it unchanged and deterministically. The
    game is the classic two-player one, but each generated batch is made by the parts: `z`
    (and with the `StyleMixing` piece's probability a second `z`, crossed over at a random
    layer) through the mapping network, then the synthesis network with fresh random noise
    (`synthesize`); in generator updates `w_avg` tracks the mapping's outputs
    (`Truncation.track`). The styles `ws` reach the pieces as `ctx.extras["ws"]`
    (`PathLengthPenalty`). `sampler(...)` and `generate(..., truncation_psi=...)` serve the
    truncation trick and explicit noise inputs.

    Args:
        generator: A `style_generator` model (see above).
        discriminator: Images to `(batch, 1)` raw scores.
        latent_dim: The size of `z`.
        latent_distribution: The prior of `z` (default `"normal"`).
        num_classes: Must be `None` (StyleGAN is unconditional here).
        seed: Seed of the latent sampler (default `None`).
        ema_decay: Keep an EMA of the generator (default `None`).
        **kwargs: Passed to `keras.Model`.

    Example:
    >>> from keras_gans_style.stylegan2 import StyleGAN2
    >>> arch = StyleGAN2(image_shape=(8, 8, 1), latent_dim=4, filters=4, mapping_layers=1)
    >>> model = StyleGANModel(**arch.build_networks(), latent_dim=4, seed=0)
    >>> model.generate(2, seed=0, truncation_psi=0.7).shape
    (2, 8, 8, 1)
    >>> [t.name for t in model.sampler(noise="inputs").inputs]
    ['z', 'noise_0', 'noise_1', 'noise_2']

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019; Karras et al., "Analyzing and Improving the Image
        Quality of StyleGAN", CVPR 2020.
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
                "StyleGANModel is unconditional: `num_classes` must be None. "
                f"Received: num_classes={num_classes!r}"
            )
        names = {layer.name for layer in getattr(generator, "layers", ())}
        if not set(_PARTS) <= names:
            raise ValueError(
                "`generator` must be a style_generator model with layers named "
                f"{list(_PARTS)}. Received: a model with layers {sorted(names)}"
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

    # ----------------------------------------------------------------- the parts
    def part(self, name, use_ema=False):
        """The generator's `mapping`, `truncation` or `synthesis` layer (of the EMA copy
        with `use_ema=True` when there is one)."""
        network = self.ema_generator if use_ema and self.ema_generator is not None else None
        return (network or self.generator).get_layer(name)

    @property
    def num_ws(self):
        return self.part("truncation").num_ws

    def _mixing(self):
        mixers = [p for p in self.pieces if isinstance(p, StyleMixing)]
        return mixers[0] if mixers else None

    def styles(self, z, training=True):
        """Per-layer styles `ws` of latents `z`, and the unmixed `w`: `(ws, w)`.

        In training, with the `StyleMixing` piece's probability, layers from a random
        crossover on take the styles of a second latent batch.
        """
        mapping, truncation = self.part("mapping"), self.part("truncation")
        w = mapping(z, training=training)
        ws = truncation(w)
        mixer = self._mixing()
        if training and mixer is not None and mixer.probability > 0:
            other = truncation(mapping(self.sample_latent(ops.shape(z)[0]), training=training))
            ws = mix_styles(ws, other, mixer.crossover(self.num_ws, self.seed_generator))
        return ws, w

    def synthesize(self, ws, training=True, noise_mode="random"):
        """The synthesis network on `ws` with `noise_mode` noise, float32, unclipped."""
        images = self.part("synthesis")(ws, noise_mode=noise_mode, training=training)
        return ops.cast(images, "float32")

    # ----------------------------------------------------------------- the game
    def contexts(self, player, batch, training):
        """One view: real images against fakes synthesised from (mixed) styles with random
        noise; `extras["ws"]` holds the styles. Updates `w_avg` in generator updates."""
        real, condition = batch
        z = self.sample_latent(ops.shape(real)[0])
        ws, w = self.styles(z, training=training)
        if training and player.role == "generator":
            self.part("truncation").track(w)
        fake = self.synthesize(ws, training=training, noise_mode="random" if training else "const")
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        return [
            StepContext(
                player=player,
                inputs=DiscriminatorInputs(real, fake, self._discriminate),
                condition=condition,
                latent=z,
                seed_generator=self.seed_generator,
                iteration=self.g_optimizer.iterations,
                training=training,
                extras={"ws": ws},
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    # ----------------------------------------------------------------- sampling
    def sampler(self, truncation_psi=1.0, noise="const", use_ema=True, truncation_cutoff=None):
        """A functional model `z -> image` with the truncation trick and a noise choice.

        Args:
            truncation_psi: `w' = w_avg + psi (w - w_avg)` (default 1.0: no truncation).
            noise: `"const"` (default: the stored noise maps, deterministic),
                `"random"`, `"none"`, or `"inputs"`: one extra input `noise_<i>` of shape
                `(batch, h, w, 1)` per noise layer (for export).
            use_ema: Use the EMA generator's weights when there is one (default `True`).
            truncation_cutoff: Truncate only the first layers (default `None`: all).

        Returns:
            A `keras.Model` sharing the generator's weights, inputs `z` (then the noise
            inputs), output images in [-1, 1].
        """
        psi = _check_psi(truncation_psi)
        if noise != "inputs":
            check_noise_mode(noise, "noise")
        if truncation_cutoff is not None:
            truncation_cutoff = check.check_positive_int(truncation_cutoff, "truncation_cutoff")
        parts = [self.part(name, use_ema) for name in _PARTS]
        return style_generator(*parts, psi, truncation_cutoff, noise, name="style_sampler")

    def generate(
        self,
        n,
        seed=None,
        labels=None,
        batch_size=256,
        latents=None,
        use_ema=True,
        truncation_psi=1.0,
        truncation_cutoff=None,
        noise="const",
    ):
        """`GANModel.generate`, plus the truncation trick (`truncation_psi`, see
        `sampler`) and a noise choice.

        `noise="const"` (default) uses the stored noise maps, so a seed gives the same
        images and they match `sample` and the exported generator. `noise="random"` draws
        fresh per-sample noise maps, as training does and as the papers' FID protocol
        samples (Karras et al. 2019, 2020); with a `seed` they are drawn from it, so the
        images are still reproducible. `"none"` leaves the noise out.
        """
        psi = _check_psi(truncation_psi)
        check_noise_mode(noise, "noise")
        if psi == 1.0 and truncation_cutoff is None and noise == "const":
            return super().generate(n, seed, labels, batch_size, latents, use_ema)
        n = check.check_positive_int(n, "n")
        batch_size = check.check_positive_int(batch_size, "batch_size")
        self._check_labels(labels, n)
        z = (
            self.sample_latent(n, seed=seed)
            if latents is None
            else check.check_latents(latents, n, self.latent_dim)
        )
        mode = "inputs" if noise == "random" else noise
        network = self.sampler(psi, mode, use_ema, truncation_cutoff)
        z = ops.convert_to_numpy(z)
        shapes = self.part("synthesis", use_ema).noise_shapes if noise == "random" else None
        out = []
        for start in range(0, n, batch_size):
            inputs = z[start : start + batch_size]
            if noise == "random":
                inputs = [inputs, *_noise_maps(shapes, seed, start, len(inputs))]
            out.append(ops.convert_to_numpy(network(inputs, training=False)))
        return np.concatenate(out, axis=0)


def _noise_maps(shapes, seed, start, rows):
    """Standard normal noise maps of `shapes` for samples `start .. start + rows`.

    With a `seed`, sample `i` draws from its own stream `(seed, 1, i)`: reproducible,
    apart from the latents' stream, and the same whatever the batch size.
    """
    if seed is None:
        rng = np.random.default_rng()
        return [rng.standard_normal((rows, *s)).astype("float32") for s in shapes]
    streams = [np.random.default_rng([seed, 1, i]) for i in range(start, start + rows)]
    return [np.stack([rng.standard_normal(s) for rng in streams]).astype("float32") for s in shapes]
