"""CycleGAN's comparison table (its Tables 1-2), rerun offline: edge maps -> digits.

Run on demand (this is not a test)::

    python benchmarks/image2image_comparison.py                      # every row, seed 0
    python benchmarks/image2image_comparison.py --rows cogan,simgan --epochs-scale 0.2
    python benchmarks/image2image_comparison.py --markdown table.md --pictures docs/image2image

The task is `keras_gans.datasets.translation_task("digits-edges", image_size=16)` in the
B -> A direction (edge map -> digit), the analogue of CycleGAN's labels -> photo with its
FCN score: the metric is the accuracy of the bundled digits classifier
(`keras_gans.metrics.load_digits_classifier()`) on the translations of the 359 held-out
test edge maps (outputs area-downsampled to 8x8), against the digits' labels. The floor is
the identity (the edge map itself, classified as a digit) and the ceiling the real test
digits. The unpaired methods train on domain A from `split="train-a"` and domain B from
`split="train-b"` (two disjoint halves of the 1,438 training digits: no digit is seen in
both domains); pix2pix trains paired on `split="train"` (the upper bound, as in the paper).

Rows (model; how it translates B -> A):

- CoGAN: `cogan`, `fit(a, b)`; `translate(b, "b2a")`, the `z` whose `G_B(z)` matches the
  edge map, rendered by `G_A`.
- BiGAN/ALI: `BiGANModel` with `x` = edge maps and `z` = flattened digits (CycleGAN's
  "same objective, mapping a source image to a target image"); `E(b)` reshaped.
- SimGAN: `simgan`, the refiner trained from A' = edges to B' = digits; `translate(b)`.
- feature loss + GAN: the same with `self_regularization="features"`.
- CycleGAN: `cyclegan`, `fit(a, b)`; `translate(b, "b2a")`.
- pix2pix: `pix2pix`, paired, trained on (edges, digits); `translate(b)`.

Each row trains with Adam(2e-4, beta_1 0.5) (the papers' optimiser; CycleGAN's rate
constant for half the epochs, then linearly to zero, as in its paper) and batch 64
(CycleGAN `--cyclegan-batch` 4, pix2pix `--pix2pix-batch` 16: both papers use 1) for its
`--epochs-scale` times its default epochs (`EPOCHS`), seeded with `--seeds`.
`--pictures DIR` writes `comparison.png`: test edge maps (top row), each model's
translation below in table order, the ground-truth digits (bottom row).
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

ROWS = ("cogan", "bigan", "simgan", "feature-gan", "cyclegan", "pix2pix")
TITLES = {
    "cogan": "CoGAN (Liu & Tuzel 2016)",
    "bigan": "BiGAN/ALI (Donahue et al. 2017; Dumoulin et al. 2017)",
    "simgan": "SimGAN (Shrivastava et al. 2017)",
    "feature-gan": "feature loss + GAN",
    "cyclegan": "CycleGAN (Zhu et al. 2017)",
    "pix2pix": "pix2pix (Isola et al. 2017), paired: upper bound",
}
#: Default training epochs per row (scaled by --epochs-scale).
EPOCHS = {"cogan": 60, "bigan": 60, "simgan": 30, "feature-gan": 30, "cyclegan": 8, "pix2pix": 30}


def load_task(size):
    from keras_gans.datasets.translation_tasks import translation_task

    a_train, _, _ = translation_task("digits-edges", image_size=size, split="train-a")
    _, b_train, _ = translation_task("digits-edges", image_size=size, split="train-b")
    a_paired, b_paired, _ = translation_task("digits-edges", image_size=size, split="train")
    a_test, b_test, labels = translation_task("digits-edges", image_size=size, split="test")
    return {
        "a": a_train, "b": b_train, "a_paired": a_paired, "b_paired": b_paired,
        "a_test": a_test, "b_test": b_test, "labels": labels,
    }  # fmt: skip


def to_8x8(images):
    """Area downsampling to 8x8 (sides multiples of 8), grey."""
    import numpy as np

    images = np.asarray(images, "float32").mean(axis=-1, keepdims=True)
    n, h, w, _ = images.shape
    return images.reshape(n, 8, h // 8, 8, w // 8, 1).mean(axis=(2, 4))


def accuracy(images, labels, classifier):
    """Fraction of `images` that the digits classifier reads as `labels`."""
    import numpy as np

    logits = classifier.predict(to_8x8(np.clip(images, -1.0, 1.0)), verbose=0)
    return float(np.mean(logits.argmax(-1) == labels))


def adam():
    import keras

    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def _fit(model, a, b, epochs, batch_size=64):
    model.fit(a, b, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)


def train_cogan(task, epochs, seed, args, **keywords):
    import keras_gans

    size = task["a"].shape[1]
    model = keras_gans.GANModel.from_architecture(
        "cogan", image_shape=(size, size, 1), latent_dim=args.latent_dim, seed=seed,
        **{"base_filters": 32, "max_filters": 256, **keywords},
    )  # fmt: skip
    model.compile(adam(), adam())
    _fit(model, task["a"], task["b"], epochs)
    return model, lambda b: model.translate(b, "b2a", batch_size=len(b), steps=args.cogan_steps)


def train_simgan(task, epochs, seed, args, **keywords):
    import keras_gans

    size = task["a"].shape[1]
    model = keras_gans.GANModel.from_architecture(
        "simgan", image_shape=(size, size, 1), seed=seed, **{"filters": 32, **keywords}
    )
    model.compile(adam(), adam(), refiner_steps=2)  # the paper's K_g = 2, K_d = 1
    _fit(model, task["b"], task["a"], epochs)  # the refiner maps edges (B) to digits (A)
    return model, lambda b: model.translate(b, batch_size=128)


def train_feature_gan(task, epochs, seed, args):
    return train_simgan(task, epochs, seed, args, self_regularization="features")


def train_cyclegan(task, epochs, seed, args):
    import keras_gans

    size = task["a"].shape[1]
    model = keras_gans.GANModel.from_architecture(
        "cyclegan", image_shape=(size, size, 1), seed=seed, filters=32,
        discriminator_filters=32, identity_weight=args.cyclegan_identity,
    )  # fmt: skip
    steps = -(-len(task["a"]) // args.cyclegan_batch)

    def decaying():  # the paper's: constant for half the epochs, then linearly to zero
        import keras

        from keras_gans.tricks import LinearDecay

        rate = LinearDecay.from_epochs(2e-4, epochs, epochs // 2, steps_per_epoch=steps)
        return keras.optimizers.Adam(rate, beta_1=0.5)

    model.compile(decaying(), decaying())
    _fit(model, task["a"], task["b"], epochs, batch_size=args.cyclegan_batch)
    return model, lambda b: model.translate(b, "b2a", batch_size=128)


def train_pix2pix(task, epochs, seed, args):
    import keras_gans

    size = task["a"].shape[1]
    depth = max(1, size.bit_length() - 1)  # the U-Net down to 1x1
    model = keras_gans.GANModel.from_architecture(
        "pix2pix", image_shape=(size, size, 1), seed=seed, base_filters=32, depth=depth,
        discriminator_filters=32,
    )  # fmt: skip
    model.compile(adam(), adam())
    _fit(model, task["b_paired"], task["a_paired"], epochs, batch_size=args.pix2pix_batch)
    return model, lambda b: model.translate(b, batch_size=128)


def train_bigan(task, epochs, seed, args):
    """BiGAN's objective from image to image: `x` = edge maps, `z` = flattened digits."""
    import keras
    import numpy as np
    from keras import ops
    from keras_gans_representation.bigan import BiGAN
    from keras_gans_representation.bigan_model import BiGANModel

    from keras_gans.latents import LatentDistribution

    class Empirical(LatentDistribution):
        """`z` drawn uniformly from a fixed set of vectors (the flattened digits)."""

        def __init__(self, table):
            self.table = ops.convert_to_tensor(table)

        def sample(self, n, latent_dim, seed=None):
            rows = keras.random.randint((n,), 0, int(self.table.shape[0]), seed=seed)
            return ops.take(self.table, rows, axis=0)

    size = task["a"].shape[1]
    flat = task["a"].reshape(len(task["a"]), -1)
    keras.utils.set_random_seed(seed)
    arch = BiGAN(data_shape=(size, size, 1), latent_dim=flat.shape[1], hidden_units=(256,))
    model = BiGANModel(
        **arch.build_networks(), latent_dim=flat.shape[1],
        latent_distribution=Empirical(flat), seed=seed,
    )  # fmt: skip
    model.compile(adam(), adam())
    model.fit(task["b"], batch_size=64, epochs=epochs, verbose=0, shuffle=True)

    def translate(b):
        return np.clip(model.encode(b).reshape(len(b), size, size, 1), -1.0, 1.0)

    return model, translate


TRAINERS = {
    "cogan": train_cogan, "bigan": train_bigan, "simgan": train_simgan,
    "feature-gan": train_feature_gan, "cyclegan": train_cyclegan, "pix2pix": train_pix2pix,
}  # fmt: skip


def run_row(row, task, seed, args, classifier):
    """Trains one row's model; returns its result and its test translations."""
    import keras

    keras.utils.set_random_seed(seed)
    epochs = max(1, round(EPOCHS[row] * args.epochs_scale))
    start = time.perf_counter()
    _, translate = TRAINERS[row](task, epochs, seed, args)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    translated = translate(task["b_test"])
    translate_seconds = time.perf_counter() - start
    result = {
        "row": row, "seed": seed, "epochs": epochs, "train_seconds": seconds,
        "translate_seconds": translate_seconds,
        "accuracy": accuracy(translated, task["labels"], classifier),
    }  # fmt: skip
    return result, translated


def markdown(results, references, args):
    lines = [
        "| method | classifier accuracy on translated test edge maps (B -> A) | epochs | "
        "training time |",
        "| --- | --- | --- | --- |",
        f"| identity: the edge map itself (floor) | {references['identity']:.3f} | - | - |",
    ]
    for row in [r for r in ROWS if any(x["row"] == r for x in results)]:
        mine = [x for x in results if x["row"] == row]
        values = [x["accuracy"] for x in mine]
        mean = sum(values) / len(values)
        spread = f" ({min(values):.3f}-{max(values):.3f})" if len(values) > 1 else ""
        seconds = sum(x["train_seconds"] for x in mine) / len(mine)
        lines.append(
            f"| {TITLES[row]} | {mean:.3f}{spread} | {mine[0]['epochs']} | {seconds:.0f} s |"
        )
    lines += [
        f"| real test digits (ceiling) | {references['real']:.3f} | - | - |",
        "",
        f"digits-edges at {args.image_size}x{args.image_size}, 359 test digits, seeds "
        f"{args.seeds}, batch 64 (CycleGAN {args.cyclegan_batch}, pix2pix "
        f"{args.pix2pix_batch}), Adam(2e-4, 0.5); {cpu_name()} ({usable_cores()} cores).",
    ]
    return "\n".join(lines)


def picture(task, translations, path, count=12):
    import numpy as np

    from keras_gans.images import save_image_grid

    rows = [task["b_test"][:count]]
    rows += [translations[row][:count] for row in ROWS if row in translations]
    rows.append(task["a_test"][:count])
    grid = np.concatenate([np.clip(r, -1.0, 1.0) for r in rows])
    save_image_grid(grid, path, rows=len(rows), scale=3)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS), help=f"from {', '.join(ROWS)}")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--epochs-scale", type=float, default=1.0)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--cogan-steps", type=int, default=300, help="latent search steps")
    parser.add_argument("--cyclegan-batch", type=int, default=4)
    parser.add_argument(
        "--cyclegan-identity", type=float, default=None,
        help="CycleGAN's identity-loss weight [None: the architecture's, 0.5 lambda]",
    )  # fmt: skip
    parser.add_argument("--pix2pix-batch", type=int, default=16)
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write comparison.png (first seed) here")
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {', '.join(ROWS)}")
    seeds = [int(s) for s in args.seeds.split(",")]

    from keras_gans.metrics import load_digits_classifier

    task = load_task(args.image_size)
    classifier = load_digits_classifier()
    references = {
        "identity": accuracy(task["b_test"], task["labels"], classifier),
        "real": accuracy(task["a_test"], task["labels"], classifier),
    }
    print(f"identity {references['identity']:.3f}, real digits {references['real']:.3f}")
    results, translations = [], {}
    for seed in seeds:
        for row in rows:
            try:
                result, translated = run_row(row, task, seed, args, classifier)
            except ImportError as error:  # a family not written yet: report, keep going
                print(f"{row}: skipped ({type(error).__name__}: {error})", flush=True)
                continue
            results.append(result)
            if seed == seeds[0]:
                translations[row] = translated
            print(
                f"seed {seed} {row}: accuracy {result['accuracy']:.3f} "
                f"({result['epochs']} epochs, {result['train_seconds']:.0f} s + "
                f"{result['translate_seconds']:.0f} s to translate)",
                flush=True,
            )
    text = markdown(results, references, args)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "machine": cpu_name(), "cores": usable_cores()}
        payload = {"meta": meta, "references": references, "results": results}
        Path(args.json).write_text(json.dumps(payload, indent=2))
    if args.pictures and translations:
        folder = Path(args.pictures)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"wrote {picture(task, translations, folder / 'comparison.png')}")


if __name__ == "__main__":
    main()
