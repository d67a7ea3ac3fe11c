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
  unconditional (no labels); `--arch-arg KEY=VALUE` adds architecture keywords (e.g.
  BigGAN's `initializer=orthogonal`);
- the DCGAN baseline (`style_common.train_dcgan_baseline`: the core `dcgan` at the same
  size, its default widths, Adam 2e-4 / beta_1 0.5, non-saturating loss), unconditional;

both for `--epochs` epochs of batch 64, timed (`fit` only); with `--ema-decay D` both keep
an EMA generator of that decay (averaging after `--ema-start` updates). Scores: FID and KID
of 1,000 samples against the 1,797 real digits with the bundled digits classifier's features
(`style_common.scores`; images area-resized to 8x8), for SAGAN before training (its
initialisation), and for SAGAN and the baseline after training, each sampled as trained,
with standing batch-norm statistics (`--standing-passes` batches) and, with `--ema-decay`,
from its EMA generator with standing statistics (`style_common.variant_scores`). `--pictures
DIR` writes `sagan_samples.png` (64 samples of the first seed) and `sagan_real.png` (64 real
digits).
`--progress-every N` prints the epoch's losses and the live generator's FID/KID every N
epochs while the family trains (`style_common.progress_callback`), for runs of hours.
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
from style_common import add_arch_arg  # noqa: E402


def train_family(
    name, x, y, *, epochs, seed, keywords, d_lr=None, g_lr=None, d_steps=1, ema_decay=None,
    ema_start=0, progress_every=0,
):  # fmt: skip
    """Builds `name` with its default optimizers (rates overridable) and, given
    `ema_decay`, an EMA generator (averaging after `ema_start` updates); returns
    `(model, init_scores, seconds)`. With `progress_every`, prints the live generator's
    scores every that many epochs."""
    import keras
    from style_common import progress_callback, scores

    import keras_gans

    keras.utils.set_random_seed(seed)
    arch = keras_gans.architectures.get(name, **keywords)
    model = keras_gans.GANModel.from_architecture(
        name, seed=seed, ema_decay=ema_decay, ema_start=ema_start, **keywords
    )
    d_optimizer, g_optimizer = arch.default_optimizers()
    if d_lr is not None:
        d_optimizer.learning_rate = d_lr
    if g_lr is not None:
        g_optimizer.learning_rate = g_lr
    model.compile(d_optimizer, g_optimizer, loss=arch.default_loss, d_steps=d_steps)
    before = scores(model, x, seed=seed)
    start = time.perf_counter()
    labels = y if model.conditional else None
    progress = progress_callback(x, every=progress_every, seed=seed, label=f"{name} seed {seed}")
    model.fit(
        x, labels, batch_size=64 * d_steps, epochs=epochs, verbose=0, shuffle=True,
        callbacks=progress,
    )  # fmt: skip
    return model, before, time.perf_counter() - start


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
    add_arch_arg(parser, "extra architecture keyword, repeatable (e.g. initializer=orthogonal)")
    parser.add_argument(
        "--ema-decay",
        type=float,
        help="keep EMA generators of this decay (the family's and the baseline's) and score "
        "them with standing statistics [none]",
    )
    parser.add_argument(
        "--ema-start", type=int, default=0, help="updates before the EMAs start averaging [0]"
    )
    parser.add_argument(
        "--standing-passes",
        type=int,
        default=100,
        help="batches of 64 for the standing batch-norm statistics",
    )
    parser.add_argument(
        "--skip-baseline", action="store_true", help="do not train the DCGAN baseline"
    )
    parser.add_argument(
        "--progress-every",
        type=int,
        default=0,
        help="print the live generator's FID/KID every N epochs (the scoring runs inside "
        "fit, so its seconds count in the fit time) [0: never]",
    )
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write samples of the first seed into this folder")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]

    from style_common import (
        digits_at,
        machine_line,
        save_grid,
        train_dcgan_baseline,
        variant_scores,
    )

    x, y = digits_at(args.size)
    keywords = {
        "image_shape": (args.size, args.size, 1),
        "latent_dim": 64,
        "base_filters": args.base_filters,
        **(extra_keywords or {}),
        **dict(args.arch_arg),
    }
    if conditional:
        keywords["num_classes"] = 10
    rows = {"init": []}
    times = {"trained": [], "dcgan": []}
    for seed in seeds:
        model, before, seconds = train_family(
            name, x, y, epochs=args.epochs, seed=seed, keywords=keywords,
            d_lr=args.d_lr, g_lr=args.g_lr, d_steps=args.d_steps, ema_decay=args.ema_decay,
            ema_start=args.ema_start, progress_every=args.progress_every,
        )  # fmt: skip
        rows["init"].append(before)
        times["trained"].append(seconds)
        results = {"trained": variant_scores(model, x, seed=seed, passes=args.standing_passes)}
        if not args.skip_baseline:
            baseline, base_seconds = train_dcgan_baseline(
                x, y if conditional else None, epochs=args.epochs, seed=seed,
                ema_decay=args.ema_decay, ema_start=args.ema_start,
            )  # fmt: skip
            times["dcgan"].append(base_seconds)
            results["dcgan"] = variant_scores(baseline, x, seed=seed, passes=args.standing_passes)
        line = [f"seed {seed}: {name} init FID {before['fid']:.2f} KID {before['kid']:.4f}"]
        for model_key, variants in results.items():
            for variant, value in variants.items():
                key = model_key if variant == "raw" else f"{model_key}_{variant}"
                rows.setdefault(key, []).append(value)
                line.append(f"{key} FID {value['fid']:.2f} KID {value['kid']:.4f}")
        print("; ".join(line) + f" (fit {seconds:.0f} s)", flush=True)
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

    standing = f"standing statistics ({args.standing_passes} batches)"
    start = f", start {args.ema_start}" if args.ema_start else ""
    ema = f"EMA generator ({args.ema_decay}{start}) with {standing}"
    titles = {
        "init": f"`{name}` at initialisation",
        "trained": f"`{name}`, {args.epochs} epochs",
        "trained_standing": f"`{name}`, {standing}",
        "trained_ema_standing": f"`{name}`, {ema}",
        "dcgan": f"`dcgan` baseline, {args.epochs} epochs",
        "dcgan_standing": f"`dcgan` baseline, {standing}",
        "dcgan_ema_standing": f"`dcgan` baseline, {ema}",
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
        f"digits, batch 64, base_filters {args.base_filters}, d_steps {args.d_steps}"
        + "".join(f", {key}={value!r}" for key, value in args.arch_arg)
        + "; 1,000 samples vs the 1,797 real digits, digits-classifier features (area-resized "
        f"to 8x8); {machine}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    run("sagan")
