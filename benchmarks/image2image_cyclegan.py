"""Does CycleGAN learn a translation it never saw paired? Digits and their edge maps.

Run on demand (this is not a test)::

    python benchmarks/image2image_cyclegan.py                      # the run in the docs
    python benchmarks/image2image_cyclegan.py --identity both      # with and without L_identity
    python benchmarks/image2image_cyclegan.py --task digits-deblur --seeds 0,1
    python benchmarks/image2image_cyclegan.py --pictures docs/image2image --markdown table.md

Data: `keras_gans.datasets.translation_task(task, image_size=--image-size)`. Domain A is
the `a` images of split `"train-a"` (719 digits), domain B the `b` images of split
`"train-b"` (719 *other* digits): no digit is seen in both domains, so the pairing is never
seen. Each seed trains `GANModel.from_architecture("cyclegan", ...)` with the paper's
objective (least squares, lambda = 10, identity 0.5 lambda unless turned off, a pool of 50
fakes per discriminator) and optimisers (Adam 2e-4, beta_1 0.5, constant for the first
half of the epochs then `LinearDecay` to zero, as the paper's 100 + 100 epochs), with
`--filters` generator and discriminator filters and batch `--batch-size` (the paper: 64
filters, batch 1; this is a 2-core CPU). Then, on the 359 held-out test digits:

- translation error `mean |G(a) - b|` (A to B) and `mean |F(b) - a|` (B to A) against the
  ground truth the model never saw paired, pixels in [-1, 1]; against two baselines that
  need no training: the **identity** (output the input: `mean |a - b|`) and **blank** (a
  constant background image, -1 everywhere);
- cycle-reconstruction error `mean |F(G(a)) - a|` and `mean |G(F(b)) - b|`;
- B to A read by the bundled 8x8 digits classifier: the fraction of `F(b)`, averaged down to
  8x8, classified as the digit `b` came from (real test digits: about 0.98; chance 0.1).

`--pictures DIR` writes `cyclegan_<task>_<size>.png` for the first run: for 10 test digits, rows
`a | G(a) | b (ground truth)` then `b | F(b) | a (ground truth)`.
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


def data(task, size):
    from keras_gans.datasets.translation_tasks import translation_task

    a, _, _ = translation_task(task, image_size=size, split="train-a")
    _, b, _ = translation_task(task, image_size=size, split="train-b")
    n = min(len(a), len(b))
    test_a, test_b, labels = translation_task(task, image_size=size, split="test")
    return a[:n], b[:n], test_a, test_b, labels


def build(args, seed, identity, steps_per_epoch):
    import keras

    import keras_gans
    from keras_gans.tricks import LinearDecay

    keras.utils.set_random_seed(seed)
    keywords = {"filters": args.filters, "discriminator_filters": args.filters}
    if not identity:
        keywords["identity_weight"] = 0.0
    model = keras_gans.GANModel.from_architecture(
        "cyclegan", image_shape=(args.image_size, args.image_size, 1), seed=seed, **keywords
    )
    decay = max(1, args.epochs // 2)

    def adam():
        rate = LinearDecay.from_epochs(2e-4, args.epochs, decay, steps_per_epoch)
        return keras.optimizers.Adam(rate, beta_1=0.5)

    model.compile(adam(), adam(), loss="least-squares", d_a_optimizer=adam())
    return model


def l1(x, y):
    import numpy as np

    return float(np.mean(np.abs(x - y)))


def classify(classifier, images, labels):
    """The fraction of images (averaged down to 8x8) classified as `labels`."""
    n, size = len(images), images.shape[1]
    factor = size // 8
    small = images.reshape(n, 8, factor, 8, factor, 1).mean(axis=(2, 4))
    return float((classifier.predict(small, verbose=0).argmax(-1) == labels).mean())


def measure(model, test_a, test_b, labels, classifier):
    fake_b, fake_a = model.translate(test_a, "a2b"), model.translate(test_b, "b2a")
    return {
        "a2b": l1(fake_b, test_b),
        "b2a": l1(fake_a, test_a),
        "cycle_a": l1(model.translate(fake_b, "b2a"), test_a),
        "cycle_b": l1(model.translate(fake_a, "a2b"), test_b),
        "b2a_digits": classify(classifier, fake_a, labels),
    }


def pictures(model, test_a, test_b, folder, task):
    import numpy as np

    from keras_gans.images import save_image_grid

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    a, b = test_a[:10], test_b[:10]
    rows = [a, model.translate(a, "a2b"), b, b, model.translate(b, "b2a"), a]
    size = test_a.shape[1]
    path = folder / f"cyclegan_{task}_{size}.png"
    save_image_grid(np.concatenate(rows), path, rows=6, scale=max(2, 64 // size))
    return path


def markdown(results, baselines, args):
    def cell(rows, key):
        values = [r[key] for r in rows]
        mean = sum(values) / len(values)
        spread = f" ({min(values):.3f}-{max(values):.3f})" if min(values) < max(values) else ""
        return f"{mean:.3f}{spread}"

    seeds = ", ".join(sorted({str(r["seed"]) for r in results}))
    lines = [
        f"| {args.task}, {args.image_size}x{args.image_size}, test digits (seeds {seeds}) "
        "| A to B L1 | B to A L1 | cycle A L1 | cycle B L1 | F(b) read as its digit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for identity in sorted({r["identity"] for r in results}, reverse=True):
        rows = [r for r in results if r["identity"] == identity]
        name = f"CycleGAN, {args.epochs} epochs, {'with' if identity else 'without'} identity loss"
        lines.append(
            f"| {name} | **{cell(rows, 'a2b')}** | **{cell(rows, 'b2a')}** | "
            f"{cell(rows, 'cycle_a')} | {cell(rows, 'cycle_b')} | {cell(rows, 'b2a_digits')} |"
        )
    lines += [
        f"| untrained (same networks) | {cell(results, 'init_a2b')} | "
        f"{cell(results, 'init_b2a')} | {cell(results, 'init_cycle_a')} | "
        f"{cell(results, 'init_cycle_b')} | {cell(results, 'init_b2a_digits')} |",
        f"| identity baseline (output = input) | {baselines['identity']:.3f} | "
        f"{baselines['identity']:.3f} | 0 | 0 | {baselines['identity_digits']:.3f} |",
        f"| blank baseline (background only) | {baselines['blank_b']:.3f} | "
        f"{baselines['blank_a']:.3f} | - | - | - |",
        f"| real test digits (reference) | 0 | 0 | - | - | {baselines['real_digits']:.3f} |",
        "",
        f"filters {args.filters}, batch {args.batch_size}, Adam 2e-4 (beta_1 0.5) constant "
        f"then linearly to 0 over the last {max(1, args.epochs // 2)} epochs; "
        f"{sum(r['seconds'] for r in results) / len(results):.0f} s of training per run on "
        f"{cpu_name()} ({usable_cores()} cores, shared).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="digits-edges", help="digits-edges or digits-deblur")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--identity", choices=("on", "off", "both"), default="on")
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write the picture of the first run here")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    identities = {"on": [True], "off": [False], "both": [True, False]}[args.identity]

    import numpy as np

    from keras_gans.metrics import load_digits_classifier

    a, b, test_a, test_b, labels = data(args.task, args.image_size)
    classifier = load_digits_classifier()
    baselines = {
        "identity": l1(test_a, test_b),
        "identity_digits": classify(classifier, test_b, labels),
        "blank_a": l1(-np.ones_like(test_a), test_a),
        "blank_b": l1(-np.ones_like(test_b), test_b),
        "real_digits": classify(classifier, test_a, labels),
    }
    print(f"baselines: {baselines}", flush=True)
    steps_per_epoch = -(-len(a) // args.batch_size)
    results = []
    for seed in seeds:
        for identity in identities:
            model = build(args, seed, identity, steps_per_epoch)
            start_metrics = measure(model, test_a, test_b, labels, classifier)
            start = time.perf_counter()
            for epoch in range(args.epochs):
                model.fit(a, b, batch_size=args.batch_size, epochs=1, verbose=0, shuffle=True)
                now = measure(model, test_a, test_b, labels, classifier)
                shown = ", ".join(f"{k} {v:.3f}" for k, v in now.items())
                elapsed = time.perf_counter() - start
                print(
                    f"seed {seed} identity {identity} epoch {epoch + 1}: {shown} ({elapsed:.0f} s)",
                    flush=True,
                )
            seconds = time.perf_counter() - start
            result = {"seed": seed, "identity": identity, "seconds": seconds, **now}
            result.update({f"init_{k}": v for k, v in start_metrics.items()})
            results.append(result)
            if args.pictures and len(results) == 1:
                print(f"  wrote {pictures(model, test_a, test_b, args.pictures, args.task)}")
    text = markdown(results, baselines, args)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "machine": cpu_name(), "cores": usable_cores()}
        payload = {"meta": meta, "baselines": baselines, "results": results}
        Path(args.json).write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
