"""Domain-adversarial training on digits: target accuracy with and without adaptation.

Run on demand (this is not a test)::

    python benchmarks/representation_dann.py                       # 3 shifts, 4 lambdas, 5 seeds
    python benchmarks/representation_dann.py --shifts rot30 --lambdas 0,0.2 --seeds 0
    python benchmarks/representation_dann.py --markdown table.md --pictures docs/representation

The shift is made from the 1,797 bundled 8x8 digits (`keras_gans.datasets.load_digits()`)
split by `keras_gans.metrics.digits_split()`: the 1,438 training digits are shuffled (by
the seed) and halved into disjoint sets: the labelled **source** set (719 upright
digits) and the unlabelled **target** set (719 other digits, transformed); the 359
held-out digits give the source test set (upright) and the target test set
(transformed). Shifts: `rot30` and `rot45` rotate by 30 or 45 degrees (bilinear,
background filled with the background value), `invert` negates the pixels (x -> -x).

Every run is the `dann` architecture (`GANModel.from_architecture("dann",
data_shape=(8, 8, 1), num_classes=10)`: two 3x3 ReLU convolutions of 32 and 48 channels
with 2x2 max pooling, a 128-unit feature layer, a 100-100-10 label predictor and a
100-1 domain classifier) compiled with the paper's optimizer (SGD, momentum 0.9,
learning rate 0.01 / (1 + 10 p) ** 0.75) and `lambda = max_lambda * (2 / (1 + exp(-10
p)) - 1)`, `p` = step / total steps, for `--epochs` epochs of 32 source and 32 target
digits per step. `max_lambda = 0` is the same network trained on the source alone
(the gradient-reversal layer passes no gradient back): the baseline "without
adaptation". The tables give the mean accuracy over the seeds and its range.

`--pictures DIR` writes `dann_features.png`: a t-SNE of the feature extractor's outputs
on the 359 held-out digits of each domain (source blue, target orange), trained without
adaptation (left) and with the first nonzero lambda (right), first seed, first shift.
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

BATCH = 32


def shifted(images, shift):
    """The target domain's version of `images` (8x8x1 in [-1, 1])."""
    import numpy as np

    if shift == "invert":
        return -images
    if shift.startswith("rot"):
        from scipy.ndimage import rotate

        angle = float(shift[3:])
        out = rotate(images, angle, axes=(1, 2), reshape=False, order=1, cval=-1.0)
        return np.clip(out, -1.0, 1.0).astype("float32")
    raise ValueError(f"unknown shift {shift!r}: use rot<degrees> or invert")


def domains(seed, shift):
    """`(source x, y), (target x), (source test x, y), (target test x)`."""
    import numpy as np

    from keras_gans.datasets import load_digits
    from keras_gans.metrics.digits_classifier import digits_split

    x, y = load_digits()
    train, test = digits_split(0)
    train = np.random.default_rng(seed).permutation(train)
    source, target = train[: len(train) // 2], train[len(train) // 2 :]
    return (
        (x[source], y[source]),
        shifted(x[target], shift),
        (x[test], y[test]),
        shifted(x[test], shift),
    )


def train(shift, max_lambda, seed, epochs):
    import keras
    import numpy as np

    import keras_gans

    (xs, ys), xt, _, _ = domains(seed, shift)
    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        "dann", data_shape=(8, 8, 1), num_classes=10, seed=seed
    )
    steps = epochs * int(np.ceil(len(xs) / BATCH))
    model.compile(schedule_steps=steps, max_lambda=max_lambda)
    model.fit((xs, xt), ys, batch_size=BATCH, epochs=epochs, verbose=0)
    return model


def accuracies(model, shift, seed):
    import numpy as np

    _, _, (x_test, y_test), xt_test = domains(seed, shift)
    source = np.mean(model.classify(x_test).argmax(1) == y_test)
    target = np.mean(model.classify(xt_test).argmax(1) == y_test)
    return float(source), float(target)


def feature_picture(models, shift, seed, path):
    """Side-by-side t-SNE plots of both domains' features, one `(title, model)` per panel."""
    import numpy as np
    from PIL import Image, ImageDraw
    from sklearn.manifold import TSNE

    _, _, (x_test, _), xt_test = domains(seed, shift)
    size, margin, top = 320, 10, 24
    width = len(models) * (size + margin) + margin
    canvas = Image.new("RGB", (width, size + top + margin), "white")
    draw = ImageDraw.Draw(canvas)
    for index, (title, model) in enumerate(models):
        features = np.concatenate(
            [model.feature_extractor.predict(x, verbose=0) for x in (x_test, xt_test)]
        )
        points = TSNE(2, init="pca", random_state=0, perplexity=30).fit_transform(features)
        low, high = points.min(0), points.max(0)
        scaled = (points - low) / np.maximum(high - low, 1e-9) * (size - 8) + 4
        left = margin + index * (size + margin)
        draw.text((left, 6), title, fill=(0, 0, 0))
        draw.rectangle([left, top, left + size, top + size], outline=(180, 180, 180))
        for k, (px, py) in enumerate(scaled):
            colour = (31, 119, 180) if k < len(x_test) else (255, 127, 14)
            cx, cy = left + px, top + py
            draw.ellipse([cx - 2, cy - 2, cx + 2, cy + 2], fill=colour)
    canvas.save(path, optimize=True)
    return path


def markdown(table, seeds, epochs, seconds):
    lambdas = sorted({key[1] for key in table})
    shifts = list(dict.fromkeys(key[0] for key in table))

    def cell(values, bold=False):
        mean = sum(values) / len(values)
        text = f"**{mean:.1%}**" if bold else f"{mean:.1%}"
        return text + (f" ({min(values):.1%}-{max(values):.1%})" if len(values) > 1 else "")

    names = ["no adaptation (max_lambda 0)"] + [f"DANN, max_lambda {v:g}" for v in lambdas[1:]]
    lines = ["| shift | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(lambdas)]
    for which, index in (("target", 1), ("source", 0)):
        for shift in shifts:
            columns = [[run[index] for run in table[(shift, lam)]] for lam in lambdas]
            means = [sum(c) / len(c) for c in columns]
            best = means.index(max(means)) if which == "target" else -1
            cells = [cell(c, bold=i == best) for i, c in enumerate(columns)]
            lines.append(f"| {which} accuracy, {shift} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Held-out digits (359 per domain); mean over seeds {', '.join(map(str, seeds))} "
        f"(range); {epochs} epochs of 23 steps (32 source + 32 target digits each); "
        f"{seconds:.0f} s per run on {cpu_name()} ({usable_cores()} cores).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shifts", default="rot30,rot45,invert")
    parser.add_argument("--lambdas", default="0,0.2,0.5,1")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write dann_features.png into this folder")
    args = parser.parse_args(argv)
    shifts = [s.strip() for s in args.shifts.split(",") if s.strip()]
    lambdas = [float(v) for v in args.lambdas.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    table, times, pictured = {}, [], {}
    for shift in shifts:
        for max_lambda in lambdas:
            for seed in seeds:
                start = time.perf_counter()
                model = train(shift, max_lambda, seed, args.epochs)
                times.append(time.perf_counter() - start)
                source, target = accuracies(model, shift, seed)
                table.setdefault((shift, max_lambda), []).append((source, target))
                print(
                    f"{shift} max_lambda {max_lambda:g} seed {seed}: source {source:.3f}, "
                    f"target {target:.3f} ({times[-1]:.0f} s)",
                    flush=True,
                )
                if args.pictures and shift == shifts[0] and seed == seeds[0]:
                    pictured.setdefault(max_lambda, model)
    text = markdown(table, seeds, args.epochs, sum(times) / len(times))
    print(text)
    if args.pictures and len(pictured) > 1:
        folder = Path(args.pictures)
        folder.mkdir(parents=True, exist_ok=True)
        adapted = next(v for v in lambdas if v > 0)
        models = [
            (f"no adaptation ({shifts[0]}; source blue, target orange)", pictured[lambdas[0]]),
            (f"DANN, max_lambda {adapted:g}", pictured[adapted]),
        ]
        print(f"wrote {feature_picture(models, shifts[0], seeds[0], folder / 'dann_features.png')}")
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        rows = [
            {"shift": s, "max_lambda": lam, "source": src, "target": tgt}
            for (s, lam), values in table.items()
            for src, tgt in values
        ]
        meta = {"args": vars(args), "machine": cpu_name(), "cores": usable_cores()}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows}, indent=2))


if __name__ == "__main__":
    main()
