"""Speed and sample quality of float32, mixed_float16 and mixed_bfloat16 training.

Run on demand (this is not a test)::

    python benchmarks/mixed_precision.py                  # 60 epochs, the three policies
    python benchmarks/mixed_precision.py --epochs 5 --policies float32 mixed_bfloat16

Every policy trains the default `keras-gans train` model (`keras-gans train --dry-run`): a
label-conditioned DCGAN on the 1,797 bundled 8x8x1 digits, latent 64, base_filters 64,
batch 64, Adam(2e-4, 0.5, 0.999) for both networks, non-saturating loss, seed 0. Each
policy's networks are built under it (Micikevicius et al., "Mixed Precision Training", ICLR
2018: float16 compute, float32 master weights, loss scaling; Kalamkar et al., "A Study of
BFLOAT16 for Deep Learning Training", 2019: bfloat16 keeps float32's exponent range and
needs no loss scale), from the same seed, so they start from the same float32 weights, and
each has its own copy of the data pipeline (the same shuffled order for all).

The policies train in one process, one epoch each in turn (the order rotates every epoch),
so a busy spell of the shared machine hits them all. Epoch 1 (tracing) is not timed;
images/s is the median over the other epochs, next to the median CPU that other processes
used meanwhile. After training, each generator draws as many samples as there are real
digits, labelled with the real labels, and FID and KID (100 subsets of 1,000) are taken on
the `digits` classifier's 64-d features against the real digits; the FID/KID of one half
of the real digits against the other is the floor. For mixed_float16 the final dynamic
loss scale of both optimizers is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

from machine import OtherLoad, machine_line  # benchmarks/machine.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Images/s, FID and KID of the default digits DCGAN per dtype policy."
    )
    parser.add_argument(
        "--policies",
        nargs="+",
        choices=POLICIES,
        default=list(POLICIES),
        help="dtype policies to train (default: all three)",
    )
    parser.add_argument(
        "--epochs", type=int, default=60, help="epochs per policy (default: 60, the CLI's)"
    )
    parser.add_argument("--batch-size", type=int, default=64, help="default: 64")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (epoch 1 traces and is not timed)")
    return args


def build(keras, keras_gans, policy, seed, batch_size):
    """The CLI's default digits model under `policy`, compiled, and its own data pipeline."""
    source = keras_gans.datasets.load("digits", batch_size=batch_size, seed=seed)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        keras.utils.set_random_seed(seed)
        gan = keras_gans.GANModel.from_architecture(
            "dcgan", image_shape=(8, 8, 1), latent_dim=64, num_classes=10, seed=seed
        )
    finally:
        keras.config.set_dtype_policy(previous)  # the feature extractor stays float32
    gan.compile(
        keras.optimizers.Adam(2e-4, 0.5, 0.999),
        keras.optimizers.Adam(2e-4, 0.5, 0.999),
        loss="non-saturating",
    )
    return gan, source


def quality(metrics, np, gan, real, labels, seed):
    """FID and KID (mean, std) of `len(real)` labelled fakes against `real`, digits features."""
    fake = gan.generate(len(real), seed=seed, labels=labels)
    if not np.isfinite(fake).all():
        return float("nan"), float("nan"), float("nan")
    fake_features = metrics.extract_features(fake, "digits", verbose=0)
    fid = metrics.fid(real, fake_features, extractor="digits", verbose=0).value
    kid = metrics.kid(real, fake_features, extractor="digits", seed=seed, verbose=0)
    return fid, kid.value, kid.std


def main(argv=None):
    args = parse_args(argv)
    import keras
    import numpy as np
    import tensorflow as tf

    import keras_gans
    from keras_gans import metrics

    print(machine_line())
    print(
        f"python {platform.python_version()}, tensorflow {tf.__version__}, "
        f"keras {keras.__version__}, keras-gans {keras_gans.__version__}, "
        f"GPUs visible: {len(tf.config.list_physical_devices('GPU'))}"
    )
    print(
        f"label-conditioned DCGAN 8x8x1 (the default `keras-gans train`), batch "
        f"{args.batch_size}, {args.epochs} epochs per policy, seed {args.seed}"
    )
    sys.stdout.flush()
    started = time.perf_counter()
    models = {p: build(keras, keras_gans, p, args.seed, args.batch_size) for p in args.policies}
    first = models[args.policies[0]][0].generator.get_weights()
    same = all(
        all(np.array_equal(a, b) for a, b in zip(first, m.generator.get_weights(), strict=True))
        for m, _ in models.values()
    )
    print(f"same initial float32 weights for every policy: {'yes' if same else 'NO'}")
    n_images = models[args.policies[0]][1].num_examples
    seconds = {p: [] for p in args.policies}
    loads = {p: [] for p in args.policies}
    histories = {p: {} for p in args.policies}
    other_load = OtherLoad()
    for epoch in range(args.epochs):
        shift = epoch % len(args.policies)
        for policy in args.policies[shift:] + args.policies[:shift]:
            gan, source = models[policy]
            other_load()
            start = time.perf_counter()
            logs = gan.fit(source.dataset, initial_epoch=epoch, epochs=epoch + 1, verbose=0)
            elapsed = time.perf_counter() - start
            load = other_load()
            for key, values in logs.history.items():
                histories[policy][key] = values[-1]
            if epoch > 0:
                seconds[policy].append(elapsed)
                loads[policy].append(load)
        if (epoch + 1) % 10 == 0 or epoch + 1 == args.epochs:
            print(f"  epoch {epoch + 1}/{args.epochs} done", flush=True)

    real, labels = keras_gans.datasets.load_digits()
    real_features = metrics.extract_features(real, "digits", verbose=0)
    half = np.random.default_rng(args.seed).permutation(len(real))
    a, b = (
        metrics.Features(real_features.values[i], "digits", real_features.resizing)
        for i in np.array_split(half, 2)
    )
    floor_fid = metrics.fid(a, b, extractor="digits").value
    floor_kid = metrics.kid(a, b, extractor="digits", seed=args.seed).value
    rows = []
    for policy in args.policies:
        gan, _ = models[policy]
        fid, kid, kid_std = quality(metrics, np, gan, real_features, labels, args.seed)
        median = statistics.median(seconds[policy])
        scale = "-"
        if isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer):
            scale = (
                f"D {float(gan.d_optimizer.dynamic_scale):g}, "
                f"G {float(gan.g_optimizer.dynamic_scale):g}"
            )
        final = ", ".join(f"{k} {v:.3f}" for k, v in sorted(histories[policy].items()))
        rows.append(
            (
                policy,
                n_images / median,
                statistics.median(loads[policy]),
                fid,
                kid,
                kid_std,
                scale,
                final,
            )
        )
    print()
    print(
        "| policy | images/s | other load | FID | KID (std) | loss scale at the end | "
        "final logs |\n| --- | ---: | ---: | ---: | ---: | --- | --- |"
    )
    for policy, speed, load, fid, kid, kid_std, scale, final in rows:
        print(
            f"| {policy} | {speed:,.0f} | {load:.2f} | {fid:.2f} | {kid:.4f} ({kid_std:.4f}) | "
            f"{scale} | {final} |"
        )
    print(
        f"\nreal vs real (two halves of {len(real)}): FID {floor_fid:.2f}, KID {floor_kid:.4f}. "
        f"{len(real)} fakes per policy, labelled like the real digits; images/s: median of "
        f"{args.epochs - 1} epochs of {n_images} images; other load: median cores' worth of "
        f"CPU other processes used during them. Wall time {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
