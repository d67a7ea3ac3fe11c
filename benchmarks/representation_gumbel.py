"""A Gumbel-softmax sequence GAN on balanced brackets: how many samples are valid, and distinct?

Run on demand (this is not a test)::

    python benchmarks/representation_gumbel.py                     # hard and soft, 3 seeds
    python benchmarks/representation_gumbel.py --variants hard --seeds 0 --epochs 10
    python benchmarks/representation_gumbel.py --markdown table.md \\
        --plot docs/representation/gumbel_validity.png

The language (`bracket_language`): balanced strings over two bracket kinds, `()` and `[]`,
padded with the end token `.` to `--length` tokens; a sequence is valid when it is a
non-empty, correctly nested and matched string followed only by end tokens. The training
set has `--train` sequences: the number of bracket pairs uniform in 1..length/2, then a
uniformly random balanced string of that size.

Each variant is `GANModel.from_architecture("gumbel-sequence", ...)` (a GRU generator
whose Gumbel-softmax tokens feed back into it, a dilated-convolution discriminator),
trained with `fit` for `--epochs` epochs of batch 64, Adam (1e-3, beta_1 0.5) for both
players, the non-saturating loss, temperature annealed from 1 as tau = max(0.5, exp(-1e-4
t)) every 100 updates:

- `hard`: straight-through tokens (one-hot forward, relaxed gradient; the default);
- `soft`: relaxed tokens (`hard=False`): the discriminator sees points of the simplex.

Samples (`--samples` per run) come from `generate` (exact categorical draws at every
position). Reported: the fraction of valid samples; diversity, distinct valid sequences
divided by the number of samples (collapse onto a few strings gives ~0); novelty, the
fraction of distinct valid samples absent from the training set; and the total-variation
distance between the length distributions of the valid samples and of the data. Baselines:
the exact base rate of uniformly random tokens (count of valid sequences / 5^length), an
empirical uniform-random sample, independent tokens drawn from the data's per-position
frequencies, the untrained generator, and the training data itself.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

VARIANTS = {"hard": {"hard": True}, "soft": {"hard": False}}
KINDS = 2


def lengths(ids):
    """The number of tokens before the first end token of each sequence."""
    import numpy as np

    ended = ids == 0
    return np.where(ended.any(axis=1), ended.argmax(axis=1), ids.shape[1])


def statistics_of(samples, train_set, data_lengths):
    import numpy as np
    from keras_gans_representation import bracket_language as bl

    ids = bl.to_ids(samples)
    valid = np.array([bl.is_valid(row, KINDS) for row in ids])
    distinct = {tuple(row) for row in ids[valid].tolist()}
    length = ids.shape[1]
    if valid.any():
        histogram = np.bincount(lengths(ids[valid]), minlength=length + 1) / valid.sum()
        reference = np.bincount(data_lengths, minlength=length + 1) / len(data_lengths)
        tv = 0.5 * float(np.abs(histogram - reference).sum())
    else:
        tv = None  # no valid sample: no length distribution to compare
    return {
        "validity": float(valid.mean()),
        "diversity": len(distinct) / len(ids),
        "novelty": (len(distinct - train_set) / len(distinct)) if distinct else 0.0,
        "length_tv": tv,
    }


def baselines(data, args):
    import numpy as np
    from keras_gans_representation import bracket_language as bl

    rng = np.random.default_rng(12345)
    vocab = 2 * KINDS + 1
    uniform = rng.integers(0, vocab, size=(args.samples, args.length))
    frequencies = np.stack([np.bincount(data[:, i], minlength=vocab) for i in range(args.length)])
    frequencies = frequencies / frequencies.sum(axis=1, keepdims=True)
    unigram = np.stack([rng.choice(vocab, size=args.samples, p=p) for p in frequencies], axis=1)
    real = bl.sample_sequences(args.samples, args.length, KINDS, seed=999)
    return {"uniform random tokens": uniform, "per-position frequencies": unigram,
            "training data (fresh draw)": real}  # fmt: skip


def train(variant, seed, x, args, evaluate):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    gan = keras_gans.GANModel.from_architecture(
        "gumbel-sequence", sequence_length=args.length, units=args.units,
        discriminator_units=args.units, seed=seed, **VARIANTS[variant],
    )  # fmt: skip
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    untrained = gan.generate(args.samples, seed=10_000 + seed)
    curve = []

    class Track(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            curve.append(evaluate(gan.generate(args.samples, seed=20_000 + seed + epoch)))

    start = time.perf_counter()
    gan.fit(x, batch_size=64, epochs=args.epochs, verbose=0, callbacks=[Track()])
    return gan, untrained, curve, time.perf_counter() - start


def markdown(rows, args, seeds):
    lines = [
        f"| sequences (mean over seeds {', '.join(map(str, seeds))}; range) | valid | "
        "diversity (distinct valid / samples) | novel | length TV |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, results in rows.items():
        cells = []
        for key in ("validity", "diversity", "novelty", "length_tv"):
            values = [r[key] for r in results if r[key] is not None]
            if not values:
                cells.append("n/a")
                continue
            spread = f" ({min(values):.1%}-{max(values):.1%})" if len(values) > 1 else ""
            cells.append(f"{statistics.mean(values):.1%}{spread}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="hard,soft", help="comma-separated: hard, soft")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--length", type=int, default=12)
    parser.add_argument("--train", type=int, default=4096, help="training sequences")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write every run's numbers to this file")
    parser.add_argument("--plot", help="write validity and diversity over training here")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    seeds = [int(s) for s in args.seeds.split(",")]
    from keras_gans_representation import bracket_language as bl
    from machine import cpu_name, usable_cores, version

    print(
        f"{cpu_name()}, {usable_cores()} cores; TensorFlow {version('tensorflow')}, "
        f"Keras {version('keras')}",
        flush=True,
    )
    data = bl.sample_sequences(args.train, args.length, KINDS, seed=0)
    x = bl.one_hot(data, KINDS)
    train_set = {tuple(row) for row in data.tolist()}
    data_lengths = lengths(data)

    def evaluate(samples):
        return statistics_of(samples, train_set, data_lengths)

    rows = {name: [evaluate(samples)] for name, samples in baselines(data, args).items()}
    base = bl.base_rate(args.length, KINDS)
    runs, curves, examples = [], {}, {}
    for variant in variants:
        for seed in seeds:
            gan, untrained, curve, seconds = train(variant, seed, x, args, evaluate)
            final = evaluate(gan.generate(args.samples, seed=30_000 + seed))
            runs.append({"variant": variant, "seed": seed, "seconds": seconds,
                         "untrained": evaluate(untrained), **final, "curve": curve})  # fmt: skip
            rows.setdefault(f"untrained generator ({variant})", []).append(evaluate(untrained))
            rows.setdefault(f"trained, {variant} tokens", []).append(final)
            if seed == seeds[0]:
                curves[variant] = curve
                examples[variant] = bl.decode(gan.generate(16, seed=7), KINDS)
            print(json.dumps({k: v for k, v in runs[-1].items() if k != "curve"}), flush=True)
    table = markdown(rows, args, seeds)
    seconds = statistics.mean(r["seconds"] for r in runs)
    text = (
        f"{table}\n\nBase rate of uniformly random tokens (exact): "
        f"{bl.count_valid(args.length, KINDS):,} valid of 5^{args.length} = {base:.2e}. "
        f"{args.samples} samples per row; {args.epochs} epochs of {args.train} sequences, "
        f"batch 64; {seconds:.0f} s of training per run on average."
    )
    print(text)
    for variant, strings in examples.items():
        print(f"examples ({variant}, seed {seeds[0]}):", " ".join(strings))
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "examples": examples}, indent=1))
    if args.plot:
        from keras_gans.images import plot_curves

        series = {}
        for variant, curve in curves.items():
            series[f"valid ({variant})"] = [c["validity"] for c in curve]
            series[f"diversity ({variant})"] = [c["diversity"] for c in curve]
        plot_curves(series, args.plot, title=f"gumbel-sequence, seed {seeds[0]}", size=(640, 360))
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
