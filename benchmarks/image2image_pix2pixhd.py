"""pix2pixHD on the offline digit translation tasks, trained coarse to fine.

Run on demand (this is not a test)::

    python benchmarks/image2image_pix2pixhd.py                     # both tasks, seed 0
    python benchmarks/image2image_pix2pixhd.py --size 64 --global-epochs 4 --epochs 12
    python benchmarks/image2image_pix2pixhd.py --pictures docs/image2image --markdown t.md

For each task of `keras_gans.datasets.translation_task` at `--size` pixels, each seed
trains `GANModel.from_architecture("pix2pixhd", ...)` (least-squares GAN summed over the
adaptive number of PatchGAN scales + 10 x discriminator feature matching; Adam 2e-4 /
beta_1 0.5, batch `--batch-size`) on the 1,438 training pairs with the paper's schedule:
`--global-epochs` of `G1` alone at half resolution (`set_stage("global")`),
`--local-epochs` of the local enhancer with `G1` fixed (`"local"`), then the rest of
`--epochs` jointly (`"joint"`). It reports the same measures as
`benchmarks/image2image_pix2pix.py` on the 359 held-out pairs: the per-pixel L1 error
and the gradient energy ratio (sharpness, 1 = the ground truth's), with the identity
baseline; compare with that script's pix2pix rows (same tasks, sizes, epochs and seeds).

`--pictures DIR` writes `pix2pixhd_<task>.png`: held-out inputs, pix2pixHD outputs,
ground truth, for the first seed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from image2image_pix2pix import adam, data, parse, picture, scores  # noqa: E402
from machine import cpu_name, usable_cores, version  # noqa: E402  (benchmarks/machine.py)


def build(args, seed):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        "pix2pixhd",
        image_shape=(args.size, args.size, 1),
        base_filters=max(args.filters // 2, 1),
        discriminator_filters=args.filters,
        global_blocks=args.global_blocks,
        local_blocks=args.local_blocks,
        seed=seed,
    )
    model.compile(adam(), adam(), loss="least-squares")
    return model


def train(model, pairs, args):
    """The coarse-to-fine schedule; returns the wall time."""
    start = time.perf_counter()
    joint = args.epochs - args.global_epochs - args.local_epochs
    for stage, epochs in (("global", args.global_epochs), ("local", args.local_epochs)):
        if epochs > 0:
            model.set_stage(stage)
            model.fit(*pairs, batch_size=args.batch_size, epochs=epochs, verbose=0)
    model.set_stage("joint")
    if joint > 0:
        model.fit(*pairs, batch_size=args.batch_size, epochs=joint, verbose=0)
    return time.perf_counter() - start


def main(argv=None):
    import argparse

    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--global-epochs", type=int, default=3)
    extra.add_argument("--local-epochs", type=int, default=2)
    extra.add_argument("--global-blocks", type=int, default=3, help="paper: 9")
    extra.add_argument("--local-blocks", type=int, default=2, help="paper: 3")
    own, rest = extra.parse_known_args(argv)
    args = parse(rest, __doc__)
    vars(args).update(vars(own))
    import numpy as np

    print(
        f"# machine: {cpu_name()}, {usable_cores()} cores; tensorflow {version('tensorflow')}, "
        f"keras {version('keras')}; {args.size}x{args.size}, {args.epochs} epochs "
        f"({args.global_epochs} global, {args.local_epochs} local, the rest joint), batch "
        f"{args.batch_size}, G2 filters {max(args.filters // 2, 1)}, residual blocks "
        f"{args.global_blocks}/{args.local_blocks}, seeds {args.seeds}"
    )
    lines = [
        "| task | model | test L1 error | gradient energy ratio | train time (s) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for task in args.tasks:
        train_pairs, (test_a, test_b) = data(task, args.size)
        runs = []
        for index, seed in enumerate(args.seeds):
            model = build(args, seed)
            seconds = train(model, train_pairs, args)
            output = model.translate(test_a)
            runs.append(scores(output, test_b) + (seconds,))
            print(f"{task} seed {seed} pix2pixHD: L1 {runs[-1][0]:.4f}, gradient ratio "
                  f"{runs[-1][1]:.3f}, {seconds:.0f} s", flush=True)  # fmt: skip
            if index == 0 and args.pictures is not None:
                picture(args.pictures / f"pix2pixhd_{task}.png", [test_a, output, test_b])
        for name, values in (("pix2pixHD", runs), ("identity", [scores(test_a, test_b) + (0,)])):
            values = np.array(values)
            mean, std = values.mean(axis=0), values.std(axis=0)
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
