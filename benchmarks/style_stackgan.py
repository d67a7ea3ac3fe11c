"""Does StackGAN beat its initialisation and the DCGAN baseline? FID/KID and class accuracy.

Run on demand (this is not a test)::

    python benchmarks/style_stackgan.py                        # seeds 0 1 2, 32x32, 20 epochs
    python benchmarks/style_stackgan.py --seeds 0 --epochs 10 --size 16
    python benchmarks/style_stackgan.py --picture docs/style/stackgan_samples.png

For each seed, on the 1,797 bundled digits upscaled to `--size` (`style_common.digits_at`)
with their labels as the condition (class ids):

- **StackGAN**: `GANModel.from_architecture("stackgan", image_shape=(size, size, 1),
  latent_dim=64, num_classes=10)` with small widths (Stage-I `--generator-filters` (128)
  at 4x4; Stage-II `--stage-two-filters` (32) at 4x4, halving at each upsampling; discriminators
  `--discriminator-filters` (64, the architecture's default); `projection_dim` 32;
  Stage-I's side `--stage-one-size`, by default the architecture's: 8), the KL term as
  `--kl-weight` and `--kl-reduction` say (default: the architecture's, the authors'
  code: 2.0 on the KL averaged over the dimensions), Adam (2e-4, beta_1 0.5) for every optimizer
  (`--halve-every E`: the rate halves every `E` epochs of each stage's updates, as the paper's),
  non-saturating loss, batch 64, `--epochs` epochs in all: Stage-I for the first
  `--stage-one-share` of the generator updates (`stage_one_steps`; default half), then
  Stage-II with Stage-I fixed, as in the paper;
- **its initialisation**: the same model before `fit`;
- **DCGAN**: the label-conditional `dcgan` (`style_common.train_dcgan_baseline(x, y)`) at
  the same size, batch and epochs (`--no-baseline` skips it).

Scores: FID and KID (`style_common.scores`, digits features, 1,000 samples whose asked
labels cycle 0..9, against the 1,797 real digits) and the accuracy of the bundled digits
classifier (`keras_gans.metrics.load_digits_classifier()`, images area-resized to 8x8) on
the asked class, for each model as trained, with standing batch-norm statistics
(`GANModel.standing_statistics`, 100 batches) and, with `--ema-decay D` (both models then
keep an EMA generator of decay `D`), from the EMA generator with standing statistics. The
wall-clock time of each `fit` is reported. `--progress-every N` prints the losses and the
live FID/KID of the stage being trained every `N` epochs (`training_stage_images`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from style_common import (  # noqa: E402  (benchmarks/style_common.py)
    VARIANT_SUFFIXES,
    digits_at,
    machine_line,
    progress_callback,
    sampling_variants,
    save_grid,
    scores,
    train_dcgan_baseline,
)


def build(args, seed, steps_per_epoch):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    gan = keras_gans.GANModel.from_architecture(
        "stackgan",
        seed=seed,
        image_shape=(args.size, args.size, 1),
        latent_dim=64,
        num_classes=10,
        projection_dim=32,
        generator_filters=args.generator_filters,
        stage_two_filters=args.stage_two_filters,
        stage_one_size=args.stage_one_size,
        discriminator_filters=args.discriminator_filters,
        stage_one_steps=round(args.epochs * steps_per_epoch * args.stage_one_share),
        ema_decay=args.ema_decay,
        **kl_arguments(args),
    )
    gan.compile(
        keras.optimizers.Adam(learning_rate(args, steps_per_epoch), beta_1=0.5),
        keras.optimizers.Adam(learning_rate(args, steps_per_epoch), beta_1=0.5),
        loss="non-saturating",
    )
    return gan


def learning_rate(args, steps_per_epoch):
    """2e-4, or with `--halve-every E` a rate halved every `E` epochs of each optimizer's own
    updates (the paper halves every 100 of each stage's 600 epochs). Each stage's optimizers
    count their own updates, so Stage-II starts again at 2e-4."""
    import keras

    if args.halve_every is None:
        return 2e-4
    return keras.optimizers.schedules.ExponentialDecay(
        2e-4, decay_steps=args.halve_every * steps_per_epoch, decay_rate=0.5, staircase=True
    )


def kl_arguments(args):
    """The KL settings given on the command line (the architecture's defaults otherwise)."""
    given = {"kl_weight": args.kl_weight, "kl_reduction": args.kl_reduction}
    return {k: v for k, v in given.items() if v is not None}


def accuracy(model, seed, n=1000, use_ema=True):
    """The digits classifier's accuracy on the asked class, labels cycling 0..9."""
    import keras

    from keras_gans.metrics import load_digits_classifier

    labels = np.arange(n) % 10
    images = model.generate(n, seed=seed, labels=labels, use_ema=use_ema)
    if images.shape[1] != 8:
        images = keras.ops.convert_to_numpy(
            keras.ops.image.resize(images, (8, 8), interpolation="area")
        )
    logits = load_digits_classifier().predict(images, verbose=0)
    return float((logits.argmax(-1) == labels).mean())


def row(model, x, seed, seconds, use_ema=True):
    return {
        **scores(model, x, seed=seed, use_ema=use_ema),
        "accuracy": accuracy(model, seed, use_ema=use_ema),
        "seconds": seconds,
    }


def sampled_rows(name, model, x, seed, seconds):
    """`model` scored as trained, with standing batch-norm statistics (100 batches) and,
    when it keeps one, from its EMA generator with standing statistics."""
    variants = sampling_variants(
        model, lambda use_ema: row(model, x, seed, seconds, use_ema=use_ema), seed=seed
    )
    return {f"{name}{VARIANT_SUFFIXES[variant]}": value for variant, value in variants.items()}


def training_stage_images(gan, n=1000, seed=0):
    """1,000 live samples, classes 0-9 in turn, of Stage-I (at its own side, which the
    digits extractor area-resizes like any other) until Stage-II has made an update, then
    of Stage-II (so the epoch that ends Stage-I scores Stage-I's final images)."""
    low, images = gan.stage_images(n, np.arange(n) % 10, seed=seed, use_ema=False)
    stage_two_started = int(gan.stage_two_g_optimizer.iterations.numpy()) > 0
    return images if stage_two_started else low


def run(args, seed):
    x, y = digits_at(args.size)
    gan = build(args, seed, steps_per_epoch=-(-len(x) // 64))
    rows = {"StackGAN, initialisation": row(gan, x, seed, 0.0)}
    start = time.perf_counter()
    progress = progress_callback(
        x, every=args.progress_every, seed=seed, label=f"seed {seed}",
        images=lambda model: training_stage_images(model, seed=seed),
    )  # fmt: skip
    gan.fit(x, y, batch_size=64, epochs=args.epochs, verbose=0, shuffle=True, callbacks=progress)
    rows.update(sampled_rows("StackGAN", gan, x, seed, time.perf_counter() - start))
    if args.no_baseline:
        return gan, rows
    baseline, seconds = train_dcgan_baseline(
        x, y, epochs=args.epochs, seed=seed, base_filters=args.baseline_filters,
        ema_decay=args.ema_decay,
    )  # fmt: skip
    rows.update(sampled_rows("DCGAN baseline (cond.)", baseline, x, seed, seconds))
    return gan, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--size", type=int, default=32, choices=(16, 32))
    parser.add_argument(
        "--discriminator-filters",
        type=int,
        default=64,
        help="both stages' discriminators (default 64; at 16 Stage-II collapsed)",
    )
    parser.add_argument(
        "--kl-weight", type=float, default=None, help="default: the architecture's (2.0)"
    )
    parser.add_argument(
        "--kl-reduction",
        choices=("mean", "sum"),
        default=None,
        help="the KL over the dimensions (default: the architecture's, 'mean')",
    )
    parser.add_argument(
        "--stage-one-share",
        type=float,
        default=0.5,
        help="the share of the generator updates that train Stage-I (default 0.5)",
    )
    parser.add_argument(
        "--generator-filters", type=int, default=128, help="Stage-I's filters at 4x4 (default 128)"
    )
    parser.add_argument(
        "--stage-two-filters",
        type=int,
        default=32,
        help="Stage-II's filters at its smallest map; they halve at each upsampling (default 32)",
    )
    parser.add_argument(
        "--stage-one-size",
        type=int,
        default=None,
        help="Stage-I's side (default: the architecture's, 8 at 16x16 and 32x32)",
    )
    parser.add_argument(
        "--halve-every",
        type=int,
        default=None,
        help="halve every rate every this many epochs of each stage's own updates "
        "(the paper: 100 of 600) [constant 2e-4]",
    )
    parser.add_argument("--baseline-filters", type=int, default=32)
    parser.add_argument(
        "--ema-decay", type=float, help="EMA generators of this decay for both models [none]"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the DCGAN (its figures depend only on --seeds, --size, --epochs, "
        "--baseline-filters and --ema-decay)",
    )
    parser.add_argument(
        "--progress-every",
        type=int,
        default=0,
        help="print StackGAN's losses and the live FID/KID of the stage being trained "
        "every N epochs [0: never]",
    )
    parser.add_argument("--picture", type=Path, default=None)
    args = parser.parse_args()
    if not 0 <= args.stage_one_share <= 1:
        parser.error(f"--stage-one-share must be in [0, 1]. Received: {args.stage_one_share}")
    if args.halve_every is not None and args.halve_every < 1:
        parser.error(f"--halve-every must be a positive epoch count. Received: {args.halve_every}")
    print(f"# StackGAN on digits {args.size}x{args.size}, {args.epochs} epochs, batch 64")
    print(f"# KL settings: {kl_arguments(args) or 'the architecture defaults'}")
    print(f"# Stage-I trains for {args.stage_one_share:g} of the generator updates")
    print(f"# Stage-I filters: {args.generator_filters}, Stage-II: {args.stage_two_filters}")
    print(f"# Stage-I side: {args.stage_one_size or 'the architecture default'}")
    halving = f"halved every {args.halve_every} epochs of each stage" if args.halve_every else ""
    print(f"# Adam 2e-4 {halving or 'constant'}")
    print(f"# {machine_line()}")
    print(f"{'seed':>4}  {'model':<36} {'FID':>8} {'KID':>8} {'acc':>6} {'fit s':>7}")
    for i, seed in enumerate(args.seeds):
        gan, rows = run(args, seed)
        for name, r in rows.items():
            print(
                f"{seed:>4}  {name:<36} {r['fid']:8.2f} {r['kid']:8.4f} "
                f"{r['accuracy']:6.3f} {r['seconds']:7.1f}"
            )
        if i == 0 and args.picture is not None:
            labels = np.arange(60) % 10
            low, images = gan.stage_images(60, labels, seed=seed)
            factor = images.shape[1] // low.shape[1]
            low = np.repeat(np.repeat(low, factor, axis=1), factor, axis=2)
            grid = np.concatenate([low[:30], images[:30]])
            save_grid(grid, args.picture, rows=6)
            print(f"# wrote {args.picture} (rows 1-3: Stage-I, enlarged; rows 4-6: Stage-II)")


if __name__ == "__main__":
    main()
