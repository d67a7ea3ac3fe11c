"""Unsupervised word translation on synthetic embedding spaces: how well is the rotation found?

Run on demand (this is not a test)::

    python benchmarks/representation_alignment.py                    # 3 noise levels, 3 seeds
    python benchmarks/representation_alignment.py --noise 0.1 --seeds 0 --steps 2000
    python benchmarks/representation_alignment.py --markdown table.md \\
        --plot docs/representation/alignment_precision.png

Each run builds two synthetic "languages" (`alignment_data.synthetic_embedding_spaces`):
`--words` concepts in a clustered, anisotropic cloud of dimension `--dim`; the target is
the source turned by a hidden random rotation plus relative noise `--noise`; each language
orders its words by its own perturbation of a shared Zipf frequency, so no row of one
table is known to translate the same row of the other. Precision@1 is the fraction of ALL
source words whose CSLS-retrieved target word (k = 10) is the true translation.

Rows of the table:

- `identity map`, `random rotation`: chance-level baselines (the map W = I, a random W).
- `identity + Procrustes`: the refinement alone, started from W = I.
- `adversarial`: `embedding-alignment` trained with `fit` as in Conneau et al. (2018):
  SGD 0.1 for both players, batch 32 per update, 5 discriminator updates per map update,
  label smoothing 0.2, input dropout 0.1, orthogonality beta 0.01, identity init; the
  discriminator sees the `--most-frequent` most frequent words of each language. The map
  kept is the one with the best unsupervised criterion (mean cosine of CSLS translations
  of the 1,000 most frequent source words), checked every `--eval-every` map updates:
  the paper's model selection; no true pair is looked at.
- `adversarial + Procrustes`: then `--refine` rounds of Procrustes on mutual CSLS nearest
  neighbours among the `--most-frequent` words.
- `supervised Procrustes`: the closed form on the true pairs of the `--most-frequent`
  most frequent source words: the upper bound.
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

ROWS = (
    "identity map",
    "random rotation",
    "identity + Procrustes",
    "adversarial",
    "adversarial + Procrustes",
    "supervised Procrustes",
)


def dataset(source, target, batch_size, seed):
    """Independent, reshuffled streams of source and target rows, stacked as (2, dim)."""
    import tensorflow as tf

    streams = [
        tf.data.Dataset.from_tensor_slices(table).shuffle(len(table), seed=seed + i).repeat()
        for i, table in enumerate((source, target))
    ]
    pairs = tf.data.Dataset.zip(tuple(streams)).map(lambda s, t: tf.stack([s, t]))
    options = tf.data.Options()
    options.autotune.enabled = False  # avoids a stall at the end of every short fit call
    return pairs.batch(batch_size, drop_remainder=True).with_options(options)


def run(noise, seed, args):
    import keras
    import numpy as np
    from keras_gans_representation import procrustes as P
    from keras_gans_representation.alignment_data import synthetic_embedding_spaces

    import keras_gans

    spaces = synthetic_embedding_spaces(args.words, args.dim, noise=noise, seed=seed)
    source, target, truth = spaces.source, spaces.target, spaces.translation
    top = args.most_frequent

    def precision(kernel, method="csls"):
        return P.precision_at_1(source @ kernel, target, truth, method=method)

    rng = np.random.default_rng(seed + 100)
    random_rotation, _ = np.linalg.qr(rng.normal(size=(args.dim, args.dim)))
    identity_refined, _ = P.procrustes_refinement(
        source, target, np.eye(args.dim), args.refine, top
    )
    result = {
        "identity map": precision(np.eye(args.dim)),
        "random rotation": precision(random_rotation),
        "identity + Procrustes": precision(identity_refined),
        "supervised Procrustes": precision(P.procrustes(source[:top], target[truth[:top]])),
    }

    keras.utils.set_random_seed(seed)
    gan = keras_gans.GANModel.from_architecture(
        "embedding-alignment", embedding_dim=args.dim, hidden_units=(args.hidden,) * 2, seed=seed
    )
    gan.compile()  # the paper's SGD 0.1, d_steps=5, label smoothing 0.2
    data = dataset(source[:top], target[:top], 32 * gan.d_steps, seed)
    curve, best = [], (-np.inf, None, 0)
    start = time.perf_counter()

    class Select(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            nonlocal best
            kernel = np.asarray(gan.kernel.numpy(), "float64")
            criterion = P.mean_csls_criterion(source @ kernel, target, n_words=1000)
            curve.append({"step": (epoch + 1) * args.eval_every, "criterion": criterion,
                          "p@1": precision(kernel)})  # fmt: skip
            if criterion > best[0]:
                best = (criterion, kernel, (epoch + 1) * args.eval_every)

    gan.fit(
        data,
        epochs=args.steps // args.eval_every,
        steps_per_epoch=args.eval_every,
        verbose=0,
        callbacks=[Select()],
    )
    seconds = time.perf_counter() - start
    kernel = best[1]
    refined, sizes = P.procrustes_refinement(source, target, kernel, args.refine, top)
    result.update(
        {
            "adversarial": precision(kernel),
            "adversarial (nearest neighbour)": precision(kernel, "nn"),
            "adversarial + Procrustes": precision(refined),
        }
    )
    orthogonality = float(np.abs(kernel @ kernel.T - np.eye(args.dim)).max())
    return {
        "noise": noise,
        "seed": seed,
        **result,
        "selected_step": best[2],
        "dictionary_sizes": sizes,
        "orthogonality_error": orthogonality,
        "train_seconds": seconds,
        "curve": curve,
    }


def markdown(runs, args):
    noises = sorted({r["noise"] for r in runs})
    seeds = sorted({r["seed"] for r in runs})
    header = " | ".join(f"noise {n:g}" for n in noises)
    lines = [
        f"| method (precision@1, CSLS, mean over seeds {', '.join(map(str, seeds))}; range) "
        f"| {header} |",
        "| --- |" + " --- |" * len(noises),
    ]
    for row in (*ROWS[:4], "adversarial (nearest neighbour)", *ROWS[4:]):
        cells = []
        for noise in noises:
            values = [r[row] for r in runs if r["noise"] == noise]
            spread = f" ({min(values):.1%}-{max(values):.1%})" if len(values) > 1 else ""
            cells.append(f"{statistics.mean(values):.1%}{spread}")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    seconds = statistics.mean(r["train_seconds"] for r in runs)
    lines += [
        "",
        f"{args.words:,} words per language, dimension {args.dim}, {args.steps:,} map "
        f"updates per run (each after 5 discriminator updates of batch 32), discriminator "
        f"{args.hidden}x2, {args.refine} Procrustes rounds; adversarial training "
        f"{seconds:.0f} s per run on average.",
    ]
    return "\n".join(lines)


def plot(runs, path):
    from keras_gans.images import plot_curves

    seed = min(r["seed"] for r in runs)
    series = {}
    for r in sorted((r for r in runs if r["seed"] == seed), key=lambda r: r["noise"]):
        series[f"p@1 noise {r['noise']:g}"] = [c["p@1"] for c in r["curve"]]
        series[f"criterion {r['noise']:g}"] = [c["criterion"] for c in r["curve"]]
    every = runs[0]["curve"][0]["step"]
    title = f"adversarial alignment, seed {seed}: precision@1 and the unsupervised criterion"
    plot_curves(series, path, title=title, size=(720, 400), xlabel=f"x{every} map updates")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0.1,0.3,0.5", help="comma-separated levels")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--dim", type=int, default=16)
    parser.add_argument("--most-frequent", type=int, default=2500)
    parser.add_argument("--hidden", type=int, default=256, help="discriminator width")
    parser.add_argument("--steps", type=int, default=5000, help="map updates per run")
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--refine", type=int, default=5, help="Procrustes rounds")
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write every run's numbers to this file")
    parser.add_argument("--plot", help="write the training curves of the first seed here")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from machine import cpu_name, usable_cores, version

    print(
        f"{cpu_name()}, {usable_cores()} cores; TensorFlow {version('tensorflow')}, "
        f"Keras {version('keras')}",
        flush=True,
    )
    runs = []
    for noise in (float(n) for n in args.noise.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            result = run(noise, seed, args)
            runs.append(result)
            summary = {k: v for k, v in result.items() if k != "curve"}
            print(json.dumps(summary), flush=True)
    text = markdown(runs, args)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))
    if args.plot:
        plot(runs, args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
