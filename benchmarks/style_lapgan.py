"""Does LAPGAN beat its initialisation and the DCGAN baseline? FID/KID on upscaled digits.

Run on demand (this is not a test)::

    python benchmarks/style_lapgan.py                          # seeds 0 1 2, 32x32, 20 epochs
    python benchmarks/style_lapgan.py --seeds 0 --epochs 10 --size 16
    python benchmarks/style_lapgan.py --picture docs/style/lapgan_samples.png

For each seed, on the 1,797 bundled digits upscaled to `--size` (`style_common.digits_at`):

- **LAPGAN**: `GANModel.from_architecture("lapgan", image_shape=(size, size, 1),
  latent_dim=64, num_classes=10 with --conditional)` with small widths (coarse MLPs of 256
  / 128 units, 32 filters per finer level; 3 levels 8 -> 16 -> 32 at 32x32), the coarse
  discriminator without dropout (`--coarse-dropout`, default 0; the paper's 0.5 slows it
  down at this budget), Adam (`--lr`, default 1e-3 = the architecture's
  `optimizer_defaults`; beta_1 0.5) for both players, non-saturating loss, batch 64,
  `--epochs` epochs; its coarse level alone (`LAPGAN, coarse 8x8`, level 0's images) is
  scored too, since the extractor sees 8x8 images;
- **its initialisation**: the same model before `fit`;
- **DCGAN**: `style_common.train_dcgan_baseline` at the same size, batch and epochs,
  scored as trained, with standing batch-norm statistics and (with `--ema-decay`) from its
  EMA generator with standing statistics (`style_common.variant_scores`).

Both are scored as trained, with standing batch-norm statistics (the finer levels'
batch norms) and, with `--ema-decay D` (both then keep an EMA generator of decay `D`),
from the EMA generator with standing statistics (`style_common.variant_scores`).

Scores (`style_common.scores`): FID and KID between 1,000 samples and the 1,797 real
digits with the bundled digits classifier's features (images area-resized to 8x8). The
wall-clock time of each `fit` is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from style_common import (  # noqa: E402  (benchmarks/style_common.py)
    VARIANT_SUFFIXES,
    digits_at,
    machine_line,
    save_grid,
    scores,
    train_dcgan_baseline,
    variant_scores,
)


def build(args, seed, conditional):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    keywords = {
        "image_shape": (args.size, args.size, 1),
        "latent_dim": 64,
        "coarse_units": (256, 256),
        "coarse_discriminator_units": (128, 128),
        "filters": args.filters,
        "discriminator_filters": args.filters,
        "coarse_dropout": args.coarse_dropout,
    }
    if conditional:
        keywords["num_classes"] = 10
    gan = keras_gans.GANModel.from_architecture(
        "lapgan", seed=seed, ema_decay=args.ema_decay, **keywords
    )
    gan.compile(
        keras.optimizers.Adam(args.lr, beta_1=0.5),
        keras.optimizers.Adam(args.lr, beta_1=0.5),
        loss="non-saturating",
    )
    return gan


def coarse_images(gan, seed, labels, n=1000):
    """Level 0's images for the same latents as `scores` uses (labels cycling 0..9)."""
    import numpy as np

    z = gan.sample_latent(n, seed=seed)[:, : gan.latent_sizes[0]]
    inputs = z if labels is None else [z, np.arange(n) % 10]
    return np.asarray(gan.level_generator(0).predict(inputs, verbose=0, batch_size=250))


def sampled_rows(name, model, x, seed, seconds):
    """`model`'s rows as trained, with standing statistics and from its EMA generator."""
    return {
        f"{name}{VARIANT_SUFFIXES[variant]}": {**value, "seconds": seconds}
        for variant, value in variant_scores(model, x, seed=seed).items()
    }


def run(args, seed):
    x, y = digits_at(args.size)
    labels = y if args.conditional else None
    gan = build(args, seed, args.conditional)
    rows = {"LAPGAN, initialisation": {**scores(gan, x, seed=seed), "seconds": 0.0}}
    start = time.perf_counter()
    if labels is None:
        gan.fit(x, batch_size=64, epochs=args.epochs, verbose=0, shuffle=True)
    else:
        gan.fit(x, labels, batch_size=64, epochs=args.epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    rows["LAPGAN, coarse level"] = {**scores(coarse_images(gan, seed, labels), x, seed=seed)}
    rows["LAPGAN, coarse level"]["seconds"] = seconds
    rows.update(sampled_rows("LAPGAN", gan, x, seed, seconds))
    baseline, seconds = train_dcgan_baseline(
        x, labels, epochs=args.epochs, seed=seed, base_filters=args.filters,
        ema_decay=args.ema_decay,
    )  # fmt: skip
    rows.update(sampled_rows("DCGAN", baseline, x, seed, seconds))
    return gan, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--size", type=int, default=32, choices=(16, 32))
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--conditional", action="store_true")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--coarse-dropout", type=float, default=0.0)
    parser.add_argument(
        "--ema-decay", type=float, help="EMA generators of this decay for both models [none]"
    )
    parser.add_argument("--picture", type=Path, default=None)
    args = parser.parse_args()
    print(
        f"# LAPGAN on digits {args.size}x{args.size}, {args.epochs} epochs, batch 64, "
        f"Adam {args.lr:g}, coarse dropout {args.coarse_dropout:g}"
    )
    print(f"# {machine_line()}")
    print(f"{'seed':>4}  {'model':<28} {'FID':>8} {'KID':>8} {'fit s':>7}")
    for i, seed in enumerate(args.seeds):
        gan, rows = run(args, seed)
        for name, row in rows.items():
            fid, kid, seconds = row["fid"], row["kid"], row["seconds"]
            print(f"{seed:>4}  {name:<28} {fid:8.2f} {kid:8.4f} {seconds:7.1f}")
        if i == 0 and args.picture is not None:
            import numpy as np

            labels = np.arange(64) % 10 if args.conditional else None
            save_grid(gan.generate(64, seed=seed, labels=labels), args.picture, rows=8)
            print(f"# wrote {args.picture}")


if __name__ == "__main__":
    main()
