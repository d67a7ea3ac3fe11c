"""Does a sample generated for class c look like a c? CGAN, ACGAN and InfoGAN on digits.

Run on demand (this is not a test)::

    python benchmarks/conditional_digits.py                          # every model, 3 seeds
    python benchmarks/conditional_digits.py --models acgan --seeds 0 --epochs 20
    python benchmarks/conditional_digits.py --markdown table.md --pictures docs/

Every model trains on scikit-learn's 1,797 bundled 8x8 digits (`keras_gans.datasets.
load_digits()`, pixels in [-1, 1]) for `--epochs` epochs of batch 64, with Adam (learning
rate 2e-4, beta_1 0.5) for both players unless the row says otherwise, and is built with
`GANModel.from_architecture` (which brings each architecture's own terms):

- `cgan`: `dcgan` with `num_classes=10` (Mirza & Osindero 2014: a label embedding joined to
  `z`, a learned label map as an extra discriminator channel);
- `projection`: `dcgan` with `conditioning="projection"` (Miyato & Koyama 2018) and
  `generator_conditioning="cbn"` (conditional batch normalisation);
- `acgan`: `acgan` (Odena et al. 2017), classifier weight 1;
- `infogan`: `infogan` (Chen et al. 2016) trained WITHOUT labels, one 10-way categorical
  code and 2 continuous codes, generator learning rate 1e-3 as in the paper.

Then 100 samples per class (per category of InfoGAN's code) are classified by the
independent digits classifier shipped with the metrics (`keras_gans.metrics.
load_digits_classifier()`, 97.8% accuracy on held-out real digits). Class accuracy is the
fraction classified as the class they were generated for. InfoGAN never sees labels, so
its categories are matched to digits by the permutation that maximises accuracy (the
Hungarian algorithm, `scipy.optimize.linear_sum_assignment`, on the 10x10 table of
category vs predicted digit); this is the best-permutation accuracy. Each model is run
with every seed in `--seeds`; the tables give the mean (and the range) over the seeds and
the per-class accuracy averaged over them. `--pictures DIR` writes a class sweep of the
first seed of each model: one row per class (InfoGAN: per category, ordered by the digit
it was matched to), ten columns that share their latent vector.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SHAPE = {"image_shape": (8, 8, 1), "latent_dim": 32, "base_filters": 32}
MODELS = {
    # name: (title, architecture, keywords, generator learning rate, uses labels)
    "cgan": ("CGAN (`dcgan`, label map + embedding)", "dcgan", {"num_classes": 10}, 2e-4, True),
    "projection": (
        "CGAN, projection D + conditional BN G",
        "dcgan",
        {"num_classes": 10, "conditioning": "projection", "generator_conditioning": "cbn"},
        2e-4,
        True,
    ),
    "acgan": ("ACGAN (`acgan`)", "acgan", {"num_classes": 10}, 2e-4, True),
    "infogan": ("InfoGAN (`infogan`, no labels)", "infogan", {}, 1e-3, False),
}
PER_CLASS = 100


def train(name, epochs, seed):
    import keras

    import keras_gans
    from keras_gans.datasets import load_digits

    _, arch, keywords, g_lr, labelled = MODELS[name]
    x, y = load_digits()
    keras.utils.set_random_seed(seed)
    gan = keras_gans.GANModel.from_architecture(arch, seed=seed, **SHAPE, **keywords)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(g_lr, beta_1=0.5))
    gan.fit(x, y if labelled else None, batch_size=64, epochs=epochs, verbose=0, shuffle=True)
    return gan


def _pairwise_distance(images):
    """Mean Euclidean distance between the distinct pairs of a set of images."""
    import numpy as np

    flat = images.reshape(len(images), -1).astype("float64")
    squared = (flat**2).sum(1)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None] - 2 * flat @ flat.T, 0))
    return distances.sum() / (len(flat) * (len(flat) - 1))


def evaluate(gan, name, classifier, seed):
    """Per-class accuracy and diversity (10,) each, the sweep's row order, the code table."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from keras_gans.datasets import load_digits

    wanted = np.repeat(np.arange(10), PER_CLASS)
    table = None
    if MODELS[name][4]:
        samples = gan.generate(len(wanted), labels=wanted, seed=seed + 1000)
        predicted = classifier.predict(samples, verbose=0).argmax(1)
        order = np.arange(10)
    else:
        z = gan.latent_distribution.with_codes(
            len(wanted), gan.latent_dim, categorical=wanted, seed=seed + 1000
        )
        samples = gan.generate(len(wanted), latents=z)
        predicted = classifier.predict(samples, verbose=0).argmax(1)
        table = np.zeros((10, 10))
        np.add.at(table, (wanted, predicted), 1)
        categories, digits = linear_sum_assignment(-table)
        order = categories[np.argsort(digits)]  # order[d]: the category matched to digit d
    x, y = load_digits()
    accuracy, diversity = np.zeros(10), np.zeros(10)
    for digit in range(10):
        rows = wanted == order[digit]
        accuracy[digit] = (predicted[rows] == digit).mean()
        real = _pairwise_distance(x[y == digit])
        diversity[digit] = _pairwise_distance(samples[rows]) / real
    return accuracy, diversity, order, table


def sweep_picture(gan, name, order, path):
    from keras_gans.images import save_image_grid
    from keras_gans.latents import class_sweep, code_sweep

    if MODELS[name][4]:
        samples, _ = class_sweep(gan, columns=10, seed=7)
    else:
        samples, _ = code_sweep(gan, values=order, columns=10, seed=7)
    save_image_grid(samples, path, rows=10, scale=4)


def markdown(results, epochs, seeds):
    lines = [
        f"| model | class accuracy (mean over seeds {', '.join(map(str, seeds))}; range) "
        "| within-class diversity (real digits = 1) | train time per run |",
        "| --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        accs = result["accuracy"]
        spread = f"{min(accs):.1%}-{max(accs):.1%}" if len(accs) > 1 else "one seed"
        mean = sum(accs) / len(accs)
        diversity = sum(result["diversity"]) / len(result["diversity"])
        lines.append(
            f"| {MODELS[name][0]} | **{mean:.1%}** ({spread}) | {diversity:.2f} "
            f"| {result['seconds']:.0f} s |"
        )
    lines += ["", "| model | " + " | ".join(str(d) for d in range(10)) + " |"]
    lines.append("| --- |" + " --- |" * 10)
    for name, result in results.items():
        cells = " | ".join(f"{v:.0%}" for v in result["per_class"])
        lines.append(f"| {name} | {cells} |")
    lines.append("")
    lines.append(
        f"{epochs} epochs of batch 64 on the 1,797 digits; {PER_CLASS} samples per class; "
        "per-class accuracy averaged over the seeds; InfoGAN: best permutation of its "
        "categorical code. Diversity: mean pixel distance between two samples of a class, "
        "divided by the same for the real digits of that class, averaged over classes."
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated names")
    parser.add_argument("--epochs", type=int, default=80)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--markdown", help="write the tables to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write a class sweep per model into this folder")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = sorted(set(names) - set(MODELS))
    if unknown:
        parser.error(f"--models: unknown {unknown}; choose from {sorted(MODELS)}")
    seeds = [int(s) for s in args.seeds.split(",")]

    import numpy as np

    from keras_gans.metrics import load_digits_classifier

    classifier = load_digits_classifier()
    results = {}
    for name in names:
        accuracies, diversities, per_class, seconds = [], [], [], []
        for seed in seeds:
            start = time.perf_counter()
            gan = train(name, args.epochs, seed)
            seconds.append(time.perf_counter() - start)
            accuracy, diversity, order, table = evaluate(gan, name, classifier, seed)
            accuracies.append(float(accuracy.mean()))
            diversities.append(float(diversity.mean()))
            per_class.append(accuracy)
            print(f"{name} seed {seed}: class accuracy {accuracy.mean():.3f}, diversity "
                  f"{diversity.mean():.2f} ({seconds[-1]:.0f} s)", flush=True)  # fmt: skip
            if table is not None:
                print(f"  category -> digit order {order.tolist()}", flush=True)
            if args.pictures and seed == seeds[0]:
                path = Path(args.pictures) / f"conditional_digits_{name}.png"
                sweep_picture(gan, name, order, path)
                print(f"  wrote {path}", flush=True)
        results[name] = {
            "accuracy": accuracies,
            "diversity": diversities,
            "per_class": np.mean(per_class, axis=0).tolist(),
            "seconds": float(np.mean(seconds)),
        }
    text = markdown(results, args.epochs, seeds)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"epochs": args.epochs, "seeds": seeds, "machine": platform.platform()}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
