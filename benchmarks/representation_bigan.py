"""Does BiGAN's encoder learn useful features? Linear probes and reconstructions on digits.

Run on demand (this is not a test)::

    python benchmarks/representation_bigan.py                        # 3 seeds, 200 epochs
    python benchmarks/representation_bigan.py --seeds 0 --epochs 20 --loss hinge
    python benchmarks/representation_bigan.py --markdown table.md --pictures docs/representation

Each seed trains a `bigan` (`GANModel.from_architecture("bigan", data_shape=(8, 8, 1),
latent_dim=--latent-dim)`, the convolutional networks unless `--dense`) on the training
part of `keras_gans.metrics.digits_split()` (1,438 of the 1,797 bundled 8x8 digits; the
other 359 are held out) with Adam (2e-4, beta_1 0.5) for both players, batch 64, loss
`--loss` (default the architecture's, non-saturating). Then:

- **linear probe**: scikit-learn's `LogisticRegression` (lbfgs, C=1, max_iter 5000, on
  standardised features) is fit on the encoder's codes `E(x)` of the 1,438 training
  digits and scored on the 359 held-out ones; the same for an encoder of the same
  architecture with its random initial weights (the baseline the issue names), and for
  the raw pixels (a reference);
- **reconstructions** `G(E(x))` of the held-out digits: mean squared pixel error (pixels
  in [-1, 1]) and the fraction that the bundled digits classifier
  (`keras_gans.metrics.load_digits_classifier()`, 97.8% on held-out real digits) assigns
  the label of `x` (a random pairing of held-out digits and reconstructions would agree
  about 10% of the time), against the untrained model's.

`--pictures DIR` writes `bigan_reconstructions.png` (held-out digits in odd rows, their
reconstructions below) and `bigan_samples.png` (`generate`) for the first seed.
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
from machine import cpu_name, usable_cores  # noqa: E402  (benchmarks/machine.py)


def build(args, seed):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    keywords = {"data_shape": (8, 8, 1), "latent_dim": args.latent_dim}
    if args.dense:
        keywords["convolutional"] = False
    gan = keras_gans.GANModel.from_architecture("bigan", seed=seed, **keywords)
    gan.compile(
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss=args.loss or "non-saturating",
    )
    return gan


def probe(train_features, train_labels, test_features, test_labels):
    """Held-out accuracy of a logistic regression on standardised features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    model.fit(train_features, train_labels)
    return float(model.score(test_features, test_labels))


def measure(gan, x, y, train, test, classifier):
    """Probe accuracy, reconstruction error and label agreement of one model."""
    import numpy as np

    codes = gan.encode(x)
    accuracy = probe(codes[train], y[train], codes[test], y[test])
    reconstructions = gan.reconstruct(x[test])
    error = float(np.mean((reconstructions - x[test]) ** 2))
    predicted = classifier.predict(reconstructions, verbose=0).argmax(1)
    return accuracy, error, float(np.mean(predicted == y[test]))


def pictures(gan, x, test, folder):
    import numpy as np

    from keras_gans.images import save_image_grid

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shown = x[test[:40]]
    rows = []
    for start in range(0, 40, 10):
        rows += [shown[start : start + 10], gan.reconstruct(shown[start : start + 10])]
    save_image_grid(np.concatenate(rows), folder / "bigan_reconstructions.png", rows=8, scale=4)
    save_image_grid(gan.generate(80, seed=7), folder / "bigan_samples.png", rows=8, scale=4)
    return [folder / "bigan_reconstructions.png", folder / "bigan_samples.png"]


def markdown(results, args, pixels):
    def cell(key):
        values = [r[key] for r in results]
        mean = sum(values) / len(values)
        spread = f" ({min(values):.3f}-{max(values):.3f})" if len(values) > 1 else ""
        return f"{mean:.3f}{spread}"

    seeds = ", ".join(str(r["seed"]) for r in results)
    seconds = sum(r["seconds"] for r in results) / len(results)
    lines = [
        f"| encoder | linear-probe accuracy (held out; mean over seeds {seeds}, range) "
        "| reconstruction MSE | reconstructions classified as their input's label |",
        "| --- | --- | --- | --- |",
        f"| BiGAN, trained {args.epochs} epochs | **{cell('probe')}** | {cell('mse')} "
        f"| {cell('agreement')} |",
        f"| same architecture, random weights | {cell('random_probe')} | "
        f"{cell('random_mse')} | {cell('random_agreement')} |",
        f"| raw pixels (reference) | {pixels:.3f} | - | - |",
        "",
        f"latent_dim {args.latent_dim}, {'dense' if args.dense else 'convolutional'} "
        f"networks, loss {args.loss or 'non-saturating'}, batch 64, "
        f"{seconds:.0f} s of training per seed on {cpu_name()} ({usable_cores()} cores).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--latent-dim", type=int, default=10)
    parser.add_argument("--loss", help="a registered loss [non-saturating]")
    parser.add_argument("--dense", action="store_true", help="fully connected networks")
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write the pictures of the first seed here")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]

    from keras_gans.datasets import load_digits
    from keras_gans.metrics import load_digits_classifier
    from keras_gans.metrics.digits_classifier import digits_split

    x, y = load_digits()
    train, test = digits_split(0)
    classifier = load_digits_classifier()
    flat = x.reshape(len(x), -1)
    pixels = probe(flat[train], y[train], flat[test], y[test])
    results = []
    for seed in seeds:
        gan = build(args, seed)
        random = measure(gan, x, y, train, test, classifier)
        start = time.perf_counter()
        gan.fit(x[train], batch_size=64, epochs=args.epochs, verbose=0, shuffle=True)
        seconds = time.perf_counter() - start
        trained = measure(gan, x, y, train, test, classifier)
        keys = ("probe", "mse", "agreement")
        result = {"seed": seed, "seconds": seconds, **dict(zip(keys, trained, strict=True))}
        result.update({f"random_{k}": v for k, v in zip(keys, random, strict=True)})
        results.append(result)
        print(
            f"seed {seed}: probe {trained[0]:.3f} (random encoder {random[0]:.3f}), "
            f"reconstruction MSE {trained[1]:.3f}, label agreement {trained[2]:.3f} "
            f"({seconds:.0f} s)",
            flush=True,
        )
        if args.pictures and seed == seeds[0]:
            for path in pictures(gan, x, test, args.pictures):
                print(f"  wrote {path}", flush=True)
    text = markdown(results, args, pixels)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "machine": cpu_name(), "cores": usable_cores()}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
