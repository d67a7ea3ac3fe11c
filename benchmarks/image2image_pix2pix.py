"""pix2pix against its baselines on the offline digit translation tasks.

Run on demand (this is not a test)::

    python benchmarks/image2image_pix2pix.py                      # both tasks, seed 0
    python benchmarks/image2image_pix2pix.py --tasks digits-edges --seeds 0 1 2 --epochs 40
    python benchmarks/image2image_pix2pix.py --pictures docs/image2image --markdown table.md

For each task of `keras_gans.datasets.translation_task` (`digits-edges`: a digit to its
edge map; `digits-deblur`: a blurred digit to the sharp one) at `--size` pixels, each seed
trains on the 1,438 training pairs (batch `--batch-size`, Adam 2e-4 / beta_1 0.5 for both
players, as the paper) and measures on the 359 held-out pairs:

- **pix2pix**: `GANModel.from_architecture("pix2pix", ...)`: U-Net + PatchGAN, the
  non-saturating cGAN loss (discriminator halved) + 100 x L1;
- **L1 only**: the same generator, compiled with
  `WeightedLoss("non-saturating", generator_weight=0)`: no adversarial gradient reaches it
  (the paper's "L1" row of Table 1);
- **identity**: the input itself as the translation.

Measures (pixels in [-1, 1]): the per-pixel **L1 error** to the ground truth, and the
**gradient energy ratio**, `mean |grad y_hat|^2 / mean |grad y|^2` over the test set
(finite differences; 1 is as sharp as the ground truth, blurry outputs score below 1):
the sharpness the paper says L1 alone loses.

`--pictures DIR` writes `pix2pix_<task>.png`: rows of held-out inputs, pix2pix outputs,
L1-only outputs and ground truth, for the first seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_name, usable_cores, version  # noqa: E402  (benchmarks/machine.py)

TASKS = ("digits-edges", "digits-deblur")


def adam():
    import keras

    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def build_pix2pix(args, seed, l1_only=False):
    import keras

    import keras_gans
    from keras_gans.losses import WeightedLoss

    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        "pix2pix",
        image_shape=(args.size, args.size, 1),
        base_filters=args.filters,
        discriminator_filters=args.filters,
        seed=seed,
    )
    loss = WeightedLoss("non-saturating", generator_weight=0.0) if l1_only else "non-saturating"
    model.compile(adam(), adam(), loss=loss)
    return model


def gradient_energy(images):
    """Mean squared finite-difference gradient of a batch of images."""
    import numpy as np

    dy = np.diff(images, axis=1)
    dx = np.diff(images, axis=2)
    return float((np.mean(dy**2) + np.mean(dx**2)) / 2)


def scores(output, target):
    """`(L1 error, gradient energy ratio)` of translations against the ground truth."""
    import numpy as np

    return float(np.mean(np.abs(output - target))), gradient_energy(output) / gradient_energy(
        target
    )


def data(task, size):
    from keras_gans.datasets.translation_tasks import translation_task

    train = translation_task(task, image_size=size, split="train")[:2]
    test = translation_task(task, image_size=size, split="test")[:2]
    return train, test


def train(model, train_pairs, args):
    start = time.perf_counter()
    model.fit(*train_pairs, batch_size=args.batch_size, epochs=args.epochs, verbose=0)
    return time.perf_counter() - start


def picture(path, rows, count=10):
    """Writes rows of images (each `(n, h, w, 1)` in [-1, 1]) as one grayscale PNG."""
    import numpy as np
    from PIL import Image

    tiles = [np.concatenate(list(row[:count, :, :, 0]), axis=1) for row in rows]
    grid = np.concatenate(tiles, axis=0)
    pixels = np.clip((grid + 1.0) * 127.5, 0, 255).astype("uint8")
    image = Image.fromarray(pixels, mode="L")
    image = image.resize((image.width * 2, image.height * 2), Image.NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def parse(argv=None, description=__doc__):
    parser = argparse.ArgumentParser(
        description=description.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--filters", type=int, default=32, help="base filters (paper: 64)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--pictures", type=Path, default=None)
    parser.add_argument("--markdown", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    import numpy as np

    print(
        f"# machine: {cpu_name()}, {usable_cores()} cores; tensorflow {version('tensorflow')}, "
        f"keras {version('keras')}; {args.size}x{args.size}, {args.epochs} epochs, batch "
        f"{args.batch_size}, base filters {args.filters}, seeds {args.seeds}"
    )
    lines = [
        "| task | model | test L1 error | gradient energy ratio | train time (s) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for task in args.tasks:
        (train_pairs, (test_a, test_b)) = data(task, args.size)
        results = {"pix2pix": [], "L1 only": [], "identity": [scores(test_a, test_b) + (0.0,)]}
        for index, seed in enumerate(args.seeds):
            outputs = {}
            for name, l1_only in (("pix2pix", False), ("L1 only", True)):
                model = build_pix2pix(args, seed, l1_only=l1_only)
                seconds = train(model, train_pairs, args)
                outputs[name] = model.translate(test_a)
                results[name].append(scores(outputs[name], test_b) + (seconds,))
                error, ratio, _ = results[name][-1]
                print(f"{task} seed {seed} {name}: L1 {error:.4f}, gradient ratio {ratio:.3f}, "
                      f"{seconds:.0f} s", flush=True)  # fmt: skip
            if index == 0 and args.pictures is not None:
                rows = [test_a, outputs["pix2pix"], outputs["L1 only"], test_b]
                picture(args.pictures / f"pix2pix_{task}.png", rows)
        for name, runs in results.items():
            runs = np.array(runs)
            mean, std = runs.mean(axis=0), runs.std(axis=0)
            lines.append(
                f"| {task} | {name} | {mean[0]:.4f} ± {std[0]:.4f} | {mean[1]:.3f} ± {std[1]:.3f} "
                f"| {mean[2]:.0f} |"
            )
    table = "\n".join(lines)
    print(table)
    if args.markdown is not None:
        args.markdown.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
