"""Does the twin classifier give ACGAN's classes their variety back? ACGAN vs TAC-GAN on digits.

Run on demand (this is not a test)::

    python benchmarks/style_tac_gan.py                               # all rows, 3 seeds
    python benchmarks/style_tac_gan.py --seeds 0 --epochs 20 --models acgan,tac-gan@0.9
    python benchmarks/style_tac_gan.py --markdown table.md --pictures docs/style

Both models train on the 1,797 bundled 8x8 digits (`keras_gans.datasets.load_digits()`, in
[-1, 1]) with the settings of `benchmarks/conditional_digits.py` (whose `acgan` row this
benchmark repeats with `--arch-arg spectral_normalization=False`):
`image_shape=(8, 8, 1)`, `latent_dim=32`, `base_filters=32`, `num_classes=10`, classifier
weight 1, `--epochs` epochs of batch 64, Adam (2e-4, beta_1 0.5) for both players,
non-saturating loss. The only difference between the rows is the architecture: `acgan`
(Odena et al. 2017) or `tac-gan` (Gong et al. 2019, the twin classifier;
`keras_gans_style.tac_gan.TACGAN`), the latter with the paper's `twin_weight=1` or,
written `tac-gan@W`, with `twin_weight=W` (the weight of the twin's cross-entropy in the
generator's objective), or the DCGAN baseline `dcgan` (label-conditional with
`num_classes`: the CGAN row of `benchmarks/conditional_digits.py`). Each row's untrained
model (a separate build with the same seed, so the same initial weights as the model that
trains) is scored too.

Then 100 samples per class are drawn (latent seed `seed + 1000`) and measured with the
bundled digits classifier (`keras_gans.metrics.load_digits_classifier()`, 97.8% on held-out
real digits):

- **class accuracy**: the fraction classified as the class they were generated for;
- **within-class spread**, fake / real: for each class, the mean distance between two
  distinct samples of that class divided by the same for the real digits of the class,
  averaged over the classes, both in the classifier's 64-d feature space (the `digits`
  extractor) and in pixel space (as `benchmarks/conditional_digits.py`). A class collapsed
  onto one image scores 0; real variety scores 1;
- **FID / KID** of 1,000 samples (classes 0-9 in turn) against the real digits, with the
  `digits` extractor (`benchmarks/style_common.scores`).

With `--ema-decay D` every model also keeps an EMA generator of decay `D` and is measured
three ways (`style_common.sampling_variants`): as trained, with standing batch-norm
statistics (`GANModel.standing_statistics`, 100 batches) and from the EMA generator with
standing statistics (BigGAN's way of sampling), each a row of its own.

Every model's discriminator is spectrally normalised (`spectral_normalization=True`, the
`tac-gan` default; `acgan` and `dcgan` default to `False`), so the rows differ only in
the objective. `--arch-arg KEY=VALUE` (repeatable, as in `keras-gans train`) sets an
architecture keyword for every model: `--arch-arg spectral_normalization=False` gives the
networks of the first tables in `docs/style/tac_gan.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from style_common import add_arch_arg  # noqa: E402

SHAPE = {"image_shape": (8, 8, 1), "latent_dim": 32, "base_filters": 32, "num_classes": 10}
MODELS = ("acgan", "tac-gan", "tac-gan@0.9")
PER_CLASS = 100


def split(model):
    """`"tac-gan@0.9"` -> `("tac-gan", {"twin_weight": 0.9})`; `"acgan"` -> `("acgan", {})`."""
    name, _, weight = model.partition("@")
    return name, ({"twin_weight": float(weight)} if weight else {})


def label(model):
    model, _, sampled = model.partition(", ")
    suffix = f", {sampled}" if sampled else ""
    name, extra = split(model)
    if name == "acgan":
        return f"ACGAN (`acgan`){suffix}"
    if name == "dcgan":
        return f"CGAN baseline (`dcgan`, label map + embedding){suffix}"
    weight = extra.get("twin_weight", 1.0)
    paper = ", the paper's" if weight == 1.0 else ""
    return f"TAC-GAN (`tac-gan`, `twin_weight={weight:g}`{paper}){suffix}"


def build(model, seed, ema_decay=None, arch_args=None):
    """The compiled, untrained model of one row (the same weights for the same seed)."""
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    name, extra = split(model)
    gan = keras_gans.GANModel.from_architecture(
        name, seed=seed, ema_decay=ema_decay, **SHAPE, **extra, **(arch_args or {})
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def train(model, epochs, seed, ema_decay=None, arch_args=None):
    from keras_gans.datasets import load_digits

    x, y = load_digits()
    gan = build(model, seed, ema_decay, arch_args)
    start = time.perf_counter()
    gan.fit(x, y, batch_size=64, epochs=epochs, verbose=0, shuffle=True)
    return gan, time.perf_counter() - start


def mean_pairwise_distance(points):
    """Mean Euclidean distance between the distinct pairs of rows of `points`."""
    import numpy as np

    flat = points.reshape(len(points), -1).astype("float64")
    squared = (flat**2).sum(1)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None] - 2 * flat @ flat.T, 0))
    return distances.sum() / (len(flat) * (len(flat) - 1))


def evaluate(gan, classifier, features, seed, use_ema=True):
    """Per-class accuracy and spread ratios (features, pixels), each of shape (10,)."""
    import numpy as np

    from keras_gans.datasets import load_digits

    wanted = np.repeat(np.arange(10), PER_CLASS)
    samples = np.asarray(
        gan.generate(len(wanted), labels=wanted, seed=seed + 1000, use_ema=use_ema)
    )
    predicted = classifier.predict(samples, verbose=0).argmax(1)
    x, y = load_digits()
    fake_features = features.extract(samples, verbose=0).values
    real_features = features.extract(x, verbose=0).values
    accuracy, spread, pixel_spread = np.zeros(10), np.zeros(10), np.zeros(10)
    for digit in range(10):
        rows, real = wanted == digit, y == digit
        accuracy[digit] = (predicted[rows] == digit).mean()
        spread[digit] = mean_pairwise_distance(fake_features[rows]) / mean_pairwise_distance(
            real_features[real]
        )
        pixel_spread[digit] = mean_pairwise_distance(samples[rows]) / mean_pairwise_distance(
            x[real]
        )
    return accuracy, spread, pixel_spread


def markdown(results, epochs, seeds, machine):
    def mean(values):
        return sum(values) / len(values)

    def cell(values, percent=False):
        low, high = min(values), max(values)
        if percent:
            return f"**{mean(values):.1%}** ({low:.1%}-{high:.1%})"
        return f"**{mean(values):.2f}** ({low:.2f}-{high:.2f})"

    lines = [
        "| model | class accuracy | spread, digits features (real = 1) | spread, pixels "
        "| FID | KID | FID / KID at init | train time per run |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {label(name)} | {cell(r['accuracy'], True)} | {cell(r['spread'])} "
            f"| {cell(r['pixel_spread'])} | {cell(r['fid'])} | {cell(r['kid'])} "
            f"| {mean(r['fid_init']):.1f} / {mean(r['kid_init']):.2f} "
            f"| {sum(r['seconds']) / len(r['seconds']):.0f} s |"
        )
    lines += ["", "| spread (features) per class | " + " | ".join(map(str, range(10))) + " |"]
    lines.append("| --- |" + " --- |" * 10)
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in r["spread_per_class"]) + " |")
    lines += [
        "",
        f"Mean (min-max) over seeds {', '.join(map(str, seeds))}; {epochs} epochs of batch 64 "
        f"on the 1,797 digits; {PER_CLASS} samples per class; {machine}.",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated names")
    parser.add_argument("--epochs", type=int, default=80)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--markdown", help="write the tables to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write a class sweep per model into this folder")
    parser.add_argument(
        "--ema-decay", type=float, help="EMA generators of this decay for every model [none]"
    )
    add_arch_arg(
        parser, "an architecture keyword for every model, repeatable [spectral_normalization=True]"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    for name in names:
        base, _, weight = name.partition("@")
        if base not in ("acgan", "tac-gan", "dcgan") or (weight and base != "tac-gan"):
            parser.error(f"--models: unknown {name!r}; choose dcgan, acgan, tac-gan or tac-gan@W")
        try:
            float(weight or 0)
        except ValueError:
            parser.error(f"--models: {name!r}: W in tac-gan@W must be a number")
    seeds = [int(s) for s in args.seeds.split(",")]
    arch_args = {"spectral_normalization": True, **dict(args.arch_arg)}

    import numpy as np
    from style_common import VARIANT_SUFFIXES, machine_line, sampling_variants, save_grid, scores

    from keras_gans.datasets import load_digits
    from keras_gans.metrics import load_digits_classifier
    from keras_gans.metrics.digits_classifier import digits_features

    classifier, features = load_digits_classifier(), digits_features()
    x_real, _ = load_digits()
    results = {}
    keys = ("accuracy", "spread", "pixel_spread", "fid", "kid", "fid_init", "kid_init", "seconds")
    per_class = {}
    for name in names:
        for seed in seeds:
            untrained = build(name, seed, arch_args=arch_args)  # same weights as trained
            init = scores(untrained, x_real, seed=seed)
            gan, seconds = train(name, args.epochs, seed, args.ema_decay, arch_args)

            def measure(use_ema, gan=gan, seed=seed):
                accuracy, spread, pixel_spread = evaluate(gan, classifier, features, seed, use_ema)
                score = scores(gan, x_real, seed=seed, use_ema=use_ema)
                return accuracy, spread, pixel_spread, score

            if args.ema_decay is None:
                variants = {"raw": measure(False)}
            else:
                variants = sampling_variants(gan, measure, seed=seed)
            for variant, (accuracy, spread, pixel_spread, score) in variants.items():
                row = f"{name}{VARIANT_SUFFIXES[variant]}"
                r = results.setdefault(row, {k: [] for k in keys})
                values = (accuracy.mean(), spread.mean(), pixel_spread.mean(), score["fid"],
                          score["kid"], init["fid"], init["kid"], seconds)  # fmt: skip
                for key, value in zip(keys, values, strict=True):
                    r[key].append(float(value))
                per_class.setdefault(row, []).append(spread)
                print(
                    f"{row} seed {seed}: accuracy {accuracy.mean():.3f}, spread features "
                    f"{spread.mean():.2f} pixels {pixel_spread.mean():.2f}, FID "
                    f"{score['fid']:.2f}, KID {score['kid']:.4f} (at init {init['fid']:.2f}, "
                    f"{init['kid']:.4f}; {seconds:.0f} s)",
                    flush=True,
                )
            if args.pictures and seed == seeds[0]:
                from keras_gans.latents import class_sweep

                samples, _ = class_sweep(gan, columns=10, seed=7)
                stem = "".join(c if c.isalnum() else "_" for c in name)
                path = Path(args.pictures) / f"tac_gan_sweep_{stem}.png"
                save_grid(samples, path, rows=10, scale=4)
                print(f"  wrote {path}", flush=True)
    for row, spreads in per_class.items():
        results[row]["spread_per_class"] = np.mean(spreads, axis=0).tolist()
    table = markdown(results, args.epochs, seeds, machine_line())
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
