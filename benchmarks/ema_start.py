"""Does a late start help the generator's EMA? Several averages of one training run, scored.

Run on demand (this is not a test)::

    python benchmarks/ema_start.py                       # 16x16 digits, 60 epochs, seed 0
    python benchmarks/ema_start.py --seeds 0,1,2 --markdown table.md

One run per seed trains the label-conditional core `dcgan` on the 1,797 bundled digits
upscaled to `--size` (the style benchmarks' data and DCGAN baseline: Adam 2e-4, beta_1 0.5,
batch 64, non-saturating loss) for `--epochs` epochs, while a callback keeps, beside the
model's own EMA generator (`ema_decay=--check-decay`, `ema_start=--check-start`), one
average per `--decays` x `--starts` pair in NumPy, updated after every generator update the
way `GeneratorEMA` updates it (copy for the first `start` updates, then `decay * average +
(1 - decay) * weights`; batch-norm statistics copied). Every average is scored the way
BigGAN samples: loaded into the EMA generator, its batch-norm statistics re-measured over
100 batches (`standing_statistics`), FID and KID of 1,000 samples (classes 0-9 in turn)
against the real digits with the digits classifier's features. The live generator is scored
as trained too. The NumPy average of the model's own pair must equal the model's EMA
generator (printed as the largest difference): the in-graph late start, checked in a real run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from style_common import digits_at, machine_line, scores  # noqa: E402


class Averages:
    """NumPy twins of `GeneratorEMA`, one per `(decay, start)`, fed the generator's weights
    (and which of them are trainable) after each update."""

    def __init__(self, pairs, weights, trainable):
        self.trainable = list(trainable)
        self.values = {pair: [w.copy() for w in weights] for pair in pairs}
        self.updates = 0

    def update(self, weights):
        self.updates += 1
        for (decay, start), average in self.values.items():
            rate = decay if self.updates > start else 0.0
            for i, (a, w) in enumerate(zip(average, weights, strict=True)):
                average[i] = rate * a + (1.0 - rate) * w if self.trainable[i] else w.copy()


def run_seed(seed, args, x, y):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        "dcgan", seed=seed, image_shape=x.shape[1:], latent_dim=64, num_classes=10,
        ema_decay=args.check_decay, ema_start=args.check_start,
    )  # fmt: skip
    adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)  # noqa: E731
    model.compile(adam(), adam(), loss="non-saturating")
    weights = model.generator.weights
    grid = [(d, s) for d in args.decays for s in args.starts]
    pairs = list(dict.fromkeys([*grid, (args.check_decay, args.check_start)]))  # unique, ordered
    averages = Averages(pairs, [w.numpy() for w in weights], [w.trainable for w in weights])

    class Feed(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            averages.update([w.numpy() for w in weights])

    start = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=args.epochs, verbose=0, shuffle=True, callbacks=[Feed()])
    seconds = time.perf_counter() - start
    check = averages.values[(args.check_decay, args.check_start)]
    gap = max(
        float(np.max(np.abs(a.numpy() - b)))
        for a, b, trainable in zip(
            model.ema_generator.weights, check, averages.trainable, strict=True
        )
        if trainable
    )
    rows = {"live generator, as trained": scores(model, x, seed=seed, use_ema=False)}
    for decay, begin in pairs:
        model.ema_generator.set_weights(averages.values[(decay, begin)])
        model.standing_statistics(passes=100, seed=seed, use_ema=True)
        rows[f"EMA {decay}, start {begin}"] = scores(model, x, seed=seed, use_ema=True)
    return rows, averages.updates, seconds, gap


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--decays", default="0.995,0.999", help="comma-separated")
    parser.add_argument("--starts", default="0,500,1000", help="comma-separated updates")
    parser.add_argument("--check-decay", type=float, default=0.999)
    parser.add_argument("--check-start", type=int, default=500)
    parser.add_argument("--markdown", help="write the table to this file")
    args = parser.parse_args(argv)
    args.decays = [float(d) for d in args.decays.split(",")]
    args.starts = [int(s) for s in args.starts.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    x, y = digits_at(args.size)
    print(machine_line(), flush=True)
    results = {}
    for seed in seeds:
        rows, updates, seconds, gap = run_seed(seed, args, x, y)
        print(
            f"seed {seed}: {updates} generator updates, fit {seconds:.0f} s; model EMA "
            f"({args.check_decay}, start {args.check_start}) vs its NumPy twin: max |diff| "
            f"{gap:.2e}",
            flush=True,
        )
        for name, value in rows.items():
            print(f"  {name}: FID {value['fid']:.2f} KID {value['kid']:.3f}", flush=True)
            results.setdefault(name, []).append(value)
    lines = [
        f"| sampled as | FID seeds {' / '.join(map(str, seeds))} | mean | KID | mean |",
        "|---|---|---:|---|---:|",
    ]
    for name, values in results.items():
        fid, kid = [v["fid"] for v in values], [v["kid"] for v in values]
        lines.append(
            f"| {name} | {' / '.join(f'{v:.2f}' for v in fid)} | {np.mean(fid):.2f} | "
            f"{' / '.join(f'{v:.3f}' for v in kid)} | {np.mean(kid):.3f} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")


if __name__ == "__main__":
    main()
