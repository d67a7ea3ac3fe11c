"""Does SAGAN beat its initialisation and the DCGAN baseline on FID/KID? Upscaled digits.

Run on demand (this is not a test)::

    python benchmarks/style_sagan.py                                   # 16x16, 3 seeds
    python benchmarks/style_sagan.py --seeds 0 --base-filters 32       # the docs' table
    python benchmarks/style_sagan.py --size 32 --seeds 0 --epochs 40
    python benchmarks/style_sagan.py --markdown table.md --pictures docs/style

Each seed trains, on the 1,797 bundled digits upscaled to `--size` (bilinear, antialiased,
in [-1, 1]; `benchmarks/style_common.digits_at`):

- `sagan` (`keras_gans_style.sagan.SAGAN`: residual networks, spectral norm in both, one
  self-attention block in each at a quarter of the side but at least 8x8, hinge loss) with
  `latent_dim=64` (the command line's default), `base_filters=--base-filters`, and the
  paper's optimizers (`SAGAN(...).default_optimizers()`: TTUR, discriminator 4e-4,
  generator 1e-4, Adam beta_1 0, beta_2 0.9) unless `--g-lr` / `--d-lr` say otherwise;
  unconditional (no labels);
- the DCGAN baseline (`style_common.train_dcgan_baseline`: the core `dcgan` at the same
  size, its default widths, Adam 2e-4 / beta_1 0.5, non-saturating loss), unconditional;

both for `--epochs` epochs of batch 64, timed (`fit` only). Scores: FID and KID of 1,000
samples against the 1,797 real digits with the bundled digits classifier's features
(`style_common.scores`; images area-resized to 8x8), for SAGAN before training (its
initialisation), after training, and for the baseline. `--pictures DIR` writes
`sagan_samples.png` (64 samples of the first seed) and `sagan_real.png` (64 real digits).
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


def train_family(name, x, y, *, epochs, seed, keywords, d_lr=None, g_lr=None, d_steps=1):
    """Builds `name` with its default optimizers (rates overridable); returns
    `(model, init_scores, trained_scores, seconds)`."""
    import keras
    from style_common import scores

    import keras_gans

    keras.utils.set_random_seed(seed)
    arch = keras_gans.architectures.get(name, **keywords)
    model = keras_gans.GANModel.from_architecture(name, seed=seed, **keywords)
    d_optimizer, g_optimizer = arch.default_optimizers()
    if d_lr is not None:
        d_optimizer.learning_rate = d_lr
    if g_lr is not None:
        g_optimizer.learning_rate = g_lr
    model.compile(d_optimizer, g_optimizer, loss=arch.default_loss, d_steps=d_steps)
    before = scores(model, x, seed=seed)
    start = time.perf_counter()
    labels = y if model.conditional else None
    model.fit(x, labels, batch_size=64 * d_steps, epochs=epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    return model, before, scores(model, x, seed=seed), seconds


def run(name, argv=None, *, conditional=False, extra_keywords=None, doc=None):
    """The benchmark of one family against its initialisation and the DCGAN baseline."""
    parser = argparse.ArgumentParser(description=(doc or __doc__).splitlines()[0])
    parser.add_argument("--size", type=int, default=16, help="image side (16 or 32)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--d-lr", type=float, help="discriminator rate [the paper's]")
    parser.add_argument("--g-lr", type=float, help="generator rate [the paper's]")
    parser.add_argument("--d-steps", type=int, default=1)
    parser.add_argument(
        "--skip-baseline", action="store_true", help="do not train the DCGAN baseline"
    )
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write samples of the first seed into this folder")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]

    from style_common import digits_at, machine_line, save_grid, scores, train_dcgan_baseline

    x, y = digits_at(args.size)
    keywords = {
        "image_shape": (args.size, args.size, 1),
        "latent_dim": 64,
        "base_filters": args.base_filters,
        **(extra_keywords or {}),
    }
    if conditional:
        keywords["num_classes"] = 10
    rows = {"init": [], "trained": [], "dcgan": []}
    times = {"trained": [], "dcgan": []}
    for seed in seeds:
        model, before, after, seconds = train_family(
            name, x, y, epochs=args.epochs, seed=seed, keywords=keywords,
            d_lr=args.d_lr, g_lr=args.g_lr, d_steps=args.d_steps,
        )  # fmt: skip
        base, base_seconds = {"fid": float("nan"), "kid": float("nan")}, float("nan")
        if not args.skip_baseline:
            baseline, base_seconds = train_dcgan_baseline(
                x, y if conditional else None, epochs=args.epochs, seed=seed
            )
            base = scores(baseline, x, seed=seed)
        for key, value in (("init", before), ("trained", after), ("dcgan", base)):
            rows[key].append(value)
        times["trained"].append(seconds)
        times["dcgan"].append(base_seconds)
        print(
            f"seed {seed}: {name} init FID {before['fid']:.2f} KID {before['kid']:.4f}; "
            f"trained FID {after['fid']:.2f} KID {after['kid']:.4f} ({seconds:.0f} s); "
            f"dcgan FID {base['fid']:.2f} KID {base['kid']:.4f} ({base_seconds:.0f} s)",
            flush=True,
        )
        if args.pictures and seed == seeds[0]:
            folder = Path(args.pictures)
            folder.mkdir(parents=True, exist_ok=True)
            labels = (list(range(10)) * 7)[:64] if conditional else None
            save_grid(model.generate(64, seed=7, labels=labels), folder / f"{name}_samples.png")
            save_grid(x[:64], folder / f"{name}_real.png")
    table = markdown(name, rows, times, args, seeds, machine_line())
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "times": times}, indent=2))


def markdown(name, rows, times, args, seeds, machine):
    def cell(values, key, digits):
        numbers = [v[key] for v in values]
        mean = sum(numbers) / len(numbers)
        return f"**{mean:.{digits}f}** ({min(numbers):.{digits}f}-{max(numbers):.{digits}f})"

    titles = {
        "init": f"`{name}` at initialisation",
        "trained": f"`{name}`, {args.epochs} epochs",
        "dcgan": f"`dcgan` baseline, {args.epochs} epochs",
    }
    lines = [
        "| model | FID (digits) | KID (digits) | train time per run |",
        "| --- | --- | --- | --- |",
    ]
    for key, values in rows.items():
        seconds = times.get(key)
        wall = f"{sum(seconds) / len(seconds):.0f} s" if seconds else "-"
        lines.append(
            f"| {titles[key]} | {cell(values, 'fid', 2)} | {cell(values, 'kid', 4)} | {wall} |"
        )
    lines += [
        "",
        f"Mean (min-max) over seeds {', '.join(map(str, seeds))}; {args.size}x{args.size} "
        f"digits, batch 64, base_filters {args.base_filters}; 1,000 samples vs the 1,797 real "
        f"digits, digits-classifier features (area-resized to 8x8); {machine}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    run("sagan")
