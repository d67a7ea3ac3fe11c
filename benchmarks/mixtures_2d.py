"""The 2-D mode-collapse benchmark: a ring of 8 and a 5x5 grid of Gaussians.

Run on demand (this is not a test)::

    python benchmarks/mixtures_2d.py                       # every recipe, both mixtures, 5 seeds
    python benchmarks/mixtures_2d.py --recipes best --mixtures ring --seeds 1
    python benchmarks/mixtures_2d.py --markdown table.md --plot docs/mixtures_2d.png

The mixtures follow PacGAN (Lin et al. 2018, Table 1 and the authors' code): the ring has 8
modes on the unit circle at angles 2 pi i / 8 with standard deviation 0.01, the grid 25
modes on {-4, -2, 0, 2, 4}^2 with standard deviation 0.05. Each run trains on 50,000
points from the mixture, then draws 2,500 samples (VEEGAN's protocol, Srivastava et al.
2017): a sample is high quality (HQ) when it lies within 3 standard deviations of its
nearest mode, a mode is captured when it is the nearest mode of at least one HQ sample,
and the reverse KL is KL(p || uniform) between the histogram p of the HQ samples over the
modes and the uniform distribution (0 when every mode gets an equal share).

Every recipe is a `GANModel` built with `GANModel.from_architecture("mlp", ...)` and the
`compile` call printed in the table; the wall time covers training and evaluation of one
run on this machine, with one TensorFlow process and no other training running.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MIXTURES = {
    # name: (sampler keywords, standard deviation, published figures)
    "ring": ({"modes": 8, "radius": 1.0, "std": 0.01}, 0.01),
    "grid": ({"side": 5, "spacing": 2.0, "std": 0.05}, 0.05),
}
STEPS = {"ring": 12_000, "grid": 20_000}  # generator updates per run
TRAIN_POINTS = 50_000
EVAL_SAMPLES = 2_500
BATCH_SIZE = 256
LATENT_DIM = 2


def mixture(name, n, seed):
    """`(points, centres, std)` of a benchmark mixture."""
    from keras_gans.datasets import grid_of_gaussians, ring_of_gaussians

    keywords, std = MIXTURES[name]
    sampler = ring_of_gaussians if name == "ring" else grid_of_gaussians
    points, centres = sampler(n, seed=seed, **keywords)
    return points, centres, std


def mode_statistics(samples, centres, std):
    """Modes captured, % high-quality samples and reverse KL of the HQ mode histogram.

    Args:
        samples: `(n, 2)` generated points.
        centres: `(modes, 2)` mode centres.
        std: The modes' standard deviation.

    Returns:
        A dict with `modes`, `hq_percent` and `reverse_kl` (`inf` when no sample is HQ).
    """
    import numpy as np

    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    hq = distances.min(axis=1) <= 3.0 * std
    counts = np.bincount(nearest[hq], minlength=len(centres)).astype("float64")
    if counts.sum() == 0:
        return {"modes": 0, "hq_percent": 0.0, "reverse_kl": math.inf}
    p = counts / counts.sum()
    nonzero = p > 0
    reverse_kl = float(np.sum(p[nonzero] * np.log(p[nonzero] * len(centres))))
    return {
        "modes": int(np.count_nonzero(counts)),
        "hq_percent": 100.0 * float(hq.mean()),
        "reverse_kl": reverse_kl,
    }


# --------------------------------------------------------------------------- recipes
# Each recipe returns the keywords of `GANModel.from_architecture("mlp", ...)`, of
# `compile(...)` and the number of generator updates. Shown verbatim in docs/guide/mode-collapse.md.
def _adam(lr, beta_1=0.5, beta_2=0.999):
    import keras

    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)


def recipe_gan(mixture_name):
    """Goodfellow et al. 2014: the minimax loss."""
    return {}, {"d_optimizer": _adam(1e-3), "g_optimizer": _adam(1e-3), "loss": "minimax"}


def recipe_non_saturating(mixture_name):
    """Goodfellow et al. 2014: the non-saturating generator loss."""
    return {}, {"d_optimizer": _adam(1e-3), "g_optimizer": _adam(1e-3), "loss": "non-saturating"}


def recipe_wgan_gp(mixture_name):
    """Gulrajani et al. 2017: 5 critic steps, Adam betas (0.5, 0.9), lambda = 0.1 (the
    authors' toy-data setting)."""
    return {}, {
        "d_optimizer": _adam(1e-3, 0.5, 0.9),
        "g_optimizer": _adam(1e-3, 0.5, 0.9),
        "loss": {"name": "wgan-gp", "gp_weight": 0.1},
        "d_steps": 5,
    }


def recipe_unrolled(mixture_name):
    """Metz et al. 2017: 5 unrolled discriminator steps with second-order gradients."""
    from keras_gans.tricks import UnrolledDiscriminator

    return {}, {
        "d_optimizer": _adam(1e-3),
        "g_optimizer": _adam(1e-3),
        "loss": "non-saturating",
        "tricks": [UnrolledDiscriminator(steps=5, learning_rate=1e-3, update_rule="sgd")],
    }


def recipe_pacgan(mixture_name):
    """Lin et al. 2018: the non-saturating GAN whose discriminator sees packs of samples."""
    packs = 2 if mixture_name == "ring" else 4
    return {"packing": packs}, {
        "d_optimizer": _adam(1e-3),
        "g_optimizer": _adam(1e-3),
        "loss": "non-saturating",
    }


def recipe_best(mixture_name):
    """The best combination found: minibatch standard deviation and an EMA generator."""
    return {"minibatch_stddev": 4}, {
        "d_optimizer": _adam(1e-3),
        "g_optimizer": _adam(1e-3),
        "loss": "non-saturating",
    }


RECIPES = {
    "gan": recipe_gan,
    "non-saturating": recipe_non_saturating,
    "wgan-gp": recipe_wgan_gp,
    "unrolled": recipe_unrolled,
    "pacgan": recipe_pacgan,
    "best": recipe_best,
}
EMA_DECAY = {"best": 0.999}


def build(recipe, mixture_name, seed, hidden_units=(128, 128, 128)):
    """A compiled `GANModel` for one recipe (weights seeded by `seed`)."""
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    arch_kwargs, compile_kwargs = RECIPES[recipe](mixture_name)
    gan = keras_gans.GANModel.from_architecture(
        "mlp",
        data_shape=(2,),
        latent_dim=LATENT_DIM,
        hidden_units=hidden_units,
        seed=seed,
        ema_decay=EMA_DECAY.get(recipe),
        **arch_kwargs,
    )
    compile_kwargs = {"steps_per_execution": 50, **compile_kwargs}
    gan.compile(**compile_kwargs)
    return gan


def dataset(points, batch_size, seed):
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(points).shuffle(len(points), seed=seed)
    data = data.repeat().batch(batch_size, drop_remainder=True)
    options = tf.data.Options()
    options.autotune.enabled = False
    return data.with_options(options)


def run(recipe, mixture_name, seed, steps, hidden_units=(128, 128, 128)):
    """Trains one recipe on one mixture; returns its statistics, samples and wall time."""
    points, centres, std = mixture(mixture_name, TRAIN_POINTS, seed)
    start = time.perf_counter()
    gan = build(recipe, mixture_name, seed, hidden_units)
    d_steps = gan.d_steps
    gan.fit(
        dataset(points, BATCH_SIZE * d_steps, seed),
        epochs=1,
        steps_per_epoch=steps,
        verbose=0,
    )
    samples = gan.generate(EVAL_SAMPLES, seed=10_000 + seed)
    seconds = time.perf_counter() - start
    stats = mode_statistics(samples, centres, std)
    return {**stats, "seconds": seconds}, samples, centres


def summarise(results, total_modes):
    """Mean and standard deviation of each statistic over seeds (infinite KLs counted)."""
    summary = {}
    for key in ("modes", "hq_percent", "reverse_kl", "seconds"):
        values = [r[key] for r in results]
        finite = [v for v in values if math.isfinite(v)]
        mean = statistics.fmean(finite) if finite else math.inf
        spread = statistics.stdev(finite) if len(finite) > 1 else 0.0
        summary[key] = (mean, spread, len(values) - len(finite))
    summary["all_modes"] = sum(r["modes"] == total_modes for r in results)
    return summary


PUBLISHED = {
    # (mixture, recipe): "modes / %HQ (source)"
    ("ring", "gan"): "6.3 / 98.2% (PacGAN T1); 1 / 99.3% (VEEGAN T1)",
    ("ring", "unrolled"): "7.6 / 35.6% (VEEGAN T1)",
    ("ring", "pacgan"): "7.9 / 95.6% (PacGAN2, PacGAN T1)",
    ("grid", "gan"): "17.3 / 94.8% (PacGAN T1); 3.3 / 0.5% (VEEGAN T1)",
    ("grid", "unrolled"): "23.6 / 16% (VEEGAN T1)",
    ("grid", "pacgan"): "24.8 / 93.6% (PacGAN4, PacGAN T1)",
}


def markdown(table, seeds, steps):
    lines = [
        "| mixture | recipe | modes | HQ % | reverse KL | runs with all modes | s per run "
        "| published (modes / HQ %) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (mixture_name, recipe), summary in table.items():
        modes, hq, kl, seconds = (
            summary[k] for k in ("modes", "hq_percent", "reverse_kl", "seconds")
        )
        infinite = f" ({kl[2]} runs inf)" if kl[2] else ""
        lines.append(
            f"| {mixture_name} | {recipe} | {modes[0]:.1f} ± {modes[1]:.1f} | "
            f"{hq[0]:.1f} ± {hq[1]:.1f} | {kl[0]:.3f} ± {kl[1]:.3f}{infinite} | "
            f"{summary['all_modes']}/{seeds} | {seconds[0]:.0f} | "
            f"{PUBLISHED.get((mixture_name, recipe), '-')} |"
        )
    return (
        "\n".join(lines)
        + f"\n\nMean ± standard deviation over {seeds} seeds; {steps} generator updates per run.\n"
    )


def plot(samples_by_run, path):
    """A grid of scatter plots: one row per mixture, one column per recipe (first seed)."""
    import numpy as np
    from PIL import Image, ImageDraw

    mixtures = sorted({m for m, _ in samples_by_run}, key=list(MIXTURES).index)
    recipes = [r for r in RECIPES if any(key[1] == r for key in samples_by_run)]
    cell, pad, title = 220, 8, 18
    image = Image.new("RGB", (len(recipes) * cell, len(mixtures) * (cell + title)), "white")
    draw = ImageDraw.Draw(image)
    for row, mixture_name in enumerate(mixtures):
        extent = 1.4 if mixture_name == "ring" else 5.5
        for column, recipe in enumerate(recipes):
            if (mixture_name, recipe) not in samples_by_run:
                continue
            samples, centres = samples_by_run[(mixture_name, recipe)]
            left, top = column * cell, row * (cell + title)
            draw.text((left + pad, top + 2), f"{mixture_name}: {recipe}", fill="black")

            def to_pixel(points, left=left, top=top, extent=extent):
                scale = (cell - 2 * pad) / (2 * extent)
                xs = left + pad + (points[:, 0] + extent) * scale
                ys = top + title + pad + (extent - points[:, 1]) * scale
                return np.stack([xs, ys], axis=1)

            draw.rectangle(
                [left + pad, top + title + pad, left + cell - pad, top + title + cell - pad],
                outline="lightgray",
            )
            for x, y in to_pixel(centres):
                draw.ellipse([x - 4, y - 4, x + 4, y + 4], outline="red")
            for x, y in to_pixel(samples[:1000]):
                draw.point((float(x), float(y)), fill="black")
    image.save(path)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="2-D mixture mode-collapse benchmark.")
    parser.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    parser.add_argument("--mixtures", nargs="+", default=list(MIXTURES), choices=list(MIXTURES))
    parser.add_argument("--seeds", type=int, default=5, help="runs per cell (default: 5)")
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help=f"generator updates per run (default: {STEPS})",
    )
    parser.add_argument("--json", help="write every run's statistics here")
    parser.add_argument("--markdown", help="write the Markdown table here")
    parser.add_argument("--plot", help="write a PNG of the first seed's samples here")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import tensorflow as tf

    print(
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, {os.cpu_count()} CPUs",
        flush=True,
    )
    table, runs, samples_by_run = {}, [], {}
    for mixture_name in args.mixtures:
        for recipe in args.recipes:
            results = []
            for seed in range(args.seeds):
                steps = args.steps or STEPS[mixture_name]
                stats, samples, centres = run(recipe, mixture_name, seed, steps)
                stats = {"mixture": mixture_name, "recipe": recipe, "seed": seed, **stats}
                results.append(stats)
                runs.append(stats)
                if seed == 0:
                    samples_by_run[(mixture_name, recipe)] = (samples, centres)
                print(json.dumps(stats), flush=True)
            total = 8 if mixture_name == "ring" else 25
            table[(mixture_name, recipe)] = summarise(results, total)
    steps = args.steps or " / ".join(f"{n:,} ({m})" for m, n in STEPS.items())
    text = markdown(table, args.seeds, steps)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(runs, handle, indent=1)
    if args.plot:
        plot(samples_by_run, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
