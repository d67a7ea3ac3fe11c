"""Shared parts of the `benchmarks/style_*.py` scripts: data, the DCGAN baseline, scores.

Every family of `keras-gans-style` is measured the same way, so their tables compare:

- **data**: the 1,797 bundled scikit-learn digits (8x8), upscaled bilinearly (antialiased)
  to the benchmark's side (16 or 32), in [-1, 1]: smooth strokes rather than the blocky
  nearest-neighbour copies of `load_digits(image_size=...)`, so a multi-scale generator has
  detail to draw at every scale;
- **baseline**: the core `dcgan` architecture at the same image size, trained with the same
  batch size and number of epochs (Adam 2e-4, beta_1 0.5, non-saturating loss, as in
  Radford et al. 2016), timed the same way;
- **sampling**: scores of the generator as trained, and (`sampling_variants`,
  `variant_scores`) with its batch-norm statistics re-measured ("standing statistics") and
  of its EMA copy, the way BigGAN samples;
- **scores**: FID and KID between 1,000 generated samples and the real digits, with the
  bundled digits classifier's features (`extractor="digits"`; larger images are
  area-resized to 8x8 first, the extractor's protocol), the extractor that suits this data:
  Inception features of 8x8 strokes mean little, and need a download.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from machine import cpu_name, usable_cores, version


def add_arch_arg(parser, help):
    """`--arch-arg KEY=VALUE` (repeatable; the CLI's `key_value` parsing, a list of pairs)."""
    from keras_gans_cli.train_flags import key_value

    parser.add_argument(
        "--arch-arg", action="append", type=key_value, default=[], metavar="KEY=VALUE", help=help
    )


def digits_at(size):
    """The bundled digits at `size` x `size` (bilinear, antialiased), float32 in [-1, 1].

    Returns:
        `(x, y)`: images `(1797, size, size, 1)` and int32 labels `(1797,)`.
    """
    import tensorflow as tf

    from keras_gans.datasets import load_digits

    x, y = load_digits()
    if size != x.shape[1]:
        x = tf.image.resize(x, (size, size), method="bilinear", antialias=True).numpy()
    return np.clip(x, -1.0, 1.0).astype("float32"), y.astype("int32")


def train_dcgan_baseline(
    x, y=None, *, epochs, seed, batch_size=64, base_filters=None, latent_dim=64, verbose=0,
    ema_decay=None, ema_start=0, augment=None,
):  # fmt: skip
    """Trains the core `dcgan` on `x` (conditioned on `y` when given) for `epochs` epochs,
    keeping an EMA generator of decay `ema_decay` when given (averaging after `ema_start`
    updates), and augmenting the discriminator's inputs with DiffAugment policy `augment`
    when given.

    Returns:
        `(model, seconds)`: the trained `GANModel` and the wall-clock time of `fit`.
    """
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    keywords = {"image_shape": tuple(x.shape[1:]), "latent_dim": latent_dim}
    if base_filters is not None:
        keywords["base_filters"] = base_filters
    if y is not None:
        keywords["num_classes"] = int(np.max(y)) + 1
    model = keras_gans.GANModel.from_architecture(
        "dcgan", seed=seed, ema_decay=ema_decay, ema_start=ema_start, **keywords
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non-saturating",
        tricks=None if augment is None else [keras_gans.tricks.DiffAugment(policy=augment)],
    )
    start = time.perf_counter()
    if y is None:
        model.fit(x, batch_size=batch_size, epochs=epochs, verbose=verbose, shuffle=True)
    else:
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, shuffle=True)
    return model, time.perf_counter() - start


def scores(model_or_images, x_real, *, seed, n=1000, labels=None, use_ema=True):
    """FID and KID (digits features) of a model's samples, or of given images, against `x_real`.

    Args:
        model_or_images: A `GANModel` (its `generate(n, seed=seed, labels=labels)`) or an
            array of images in [-1, 1].
        x_real: The real images.
        seed: Latent seed and KID subset seed.
        n: Samples generated from a model (default 1000).
        labels: For a label-conditional model, `n` labels (default `None`: for a
            conditional model, the labels cycle through the classes 0..num_classes-1).
        use_ema: Sample a model's EMA generator when it keeps one (default `True`).

    Returns:
        `{"fid": float, "kid": float, "kid_std": float}`.
    """
    from keras_gans import metrics

    fake = model_or_images
    if not isinstance(fake, np.ndarray):
        if labels is None and getattr(fake, "conditional", False):
            labels = np.arange(n) % fake.num_classes
        fake = fake.generate(n, seed=seed, labels=labels, use_ema=use_ema)
    fid = metrics.fid(x_real, fake, extractor="digits", verbose=0).value
    subset = min(1000, len(fake), len(x_real))
    kid = metrics.kid(x_real, fake, extractor="digits", subset_size=subset, seed=seed, verbose=0)
    return {"fid": float(fid), "kid": float(kid.value), "kid_std": float(kid.std)}


def progress_callback(x_real, *, every, seed, label, images=None):
    """A Keras callback that, every `every` epochs, prints the elapsed time, the epoch's
    losses and the FID/KID of the live generator (its moving statistics untouched), so a
    multi-hour run can be judged, or cut short, before it ends. `every=0`: no callback.
    `images(model)`, when given, returns the images to score instead of the live
    generator's 1,000 samples (StackGAN scores Stage-I's while Stage-I trains)."""
    import keras

    class Progress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every:
                return
            if images is None:
                value = scores(self.model, x_real, seed=seed, use_ema=False)
            else:
                value = scores(images(self.model), x_real, seed=seed)
            losses = " ".join(f"{k} {float(v):.3f}" for k, v in sorted((logs or {}).items()))
            print(
                f"  {label} epoch {epoch + 1} ({time.perf_counter() - self.start:.0f} s): "
                f"{losses}; live FID {value['fid']:.2f} KID {value['kid']:.4f}",
                flush=True,
            )

    return [Progress()] if every else []


#: How a table row names each of `sampling_variants`' keys after the model's name.
VARIANT_SUFFIXES = {"raw": "", "standing": ", standing stats", "ema_standing": ", EMA + standing"}


def sampling_variants(model, score, *, seed, passes=100):
    """`score(use_ema)` of `model` sampled three ways: `"raw"` (the generator with its
    moving batch-norm statistics, as trained), `"standing"` (the same generator after
    `model.standing_statistics(passes, use_ema=False)`) and, when the model keeps an EMA
    generator, `"ema_standing"` (the EMA generator after `standing_statistics`). Changes
    the model's statistics in place, in that order.

    Returns:
        `{variant: score}`.
    """
    out = {"raw": score(False)}
    model.standing_statistics(passes=passes, seed=seed, use_ema=False)
    out["standing"] = score(False)
    if model.ema_generator is not None:
        model.standing_statistics(passes=passes, seed=seed)
        out["ema_standing"] = score(True)
    return out


def variant_scores(model, x_real, *, seed, passes=100):
    """`sampling_variants` with `scores` (FID and KID) as the score."""

    def score(use_ema):
        return scores(model, x_real, seed=seed, use_ema=use_ema)

    return sampling_variants(model, score, seed=seed, passes=passes)


def save_grid(images, path, rows=None, scale=2):
    """Writes images in [-1, 1] as one PNG grid, enlarged `scale` times (folders made)."""
    from keras_gans.images import save_image_grid

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return save_image_grid(images, path, rows=rows, scale=scale)


def machine_line():
    """One line naming the processor, the usable cores and the versions that matter."""
    return (
        f"{cpu_name()}, {usable_cores()} cores; tensorflow {version('tensorflow')}, "
        f"keras {version('keras')}, keras-gans {version('keras-gans')}"
    )
