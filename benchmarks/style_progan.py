"""Does ProGAN beat its own initialisation and the DCGAN baseline on upscaled digits?

Run on demand (this is not a test)::

    python benchmarks/style_progan.py                             # 16x16, 3 seeds, 40 epochs
    python benchmarks/style_progan.py --size 32 --seeds 0 --epochs 12
    python benchmarks/style_progan.py --seeds 0 --pictures docs/style --markdown table.md

Each seed trains a `progan` (`GANModel.from_architecture("progan", image_shape=(size,
size, 1), latent_dim=64, fmap_base=--fmap-base, fmap_max=--fmap-max, fade_images,
stable_images, ema_decay=--ema-decay)`) on the 1,797 bundled digits upscaled to `--size`
(`style_common.digits_at`), with the paper's training: WGAN-GP (lambda 10) plus the drift
term (0.001), one critic step per generator step, Adam(1e-3, beta_1=0, beta_2=0.99), batch
64; with `--reset-optimizers`, both Adams restart when each fade-in starts and ends (the
official code's `reset_opt_for_new_lod`, `ProGAN(reset_optimizers=True)`). Growth: 4x4
stable, then each resolution fades in and stabilises over `--fade-images`/`--stable-images`
real images. Samples come from the EMA generator and are
clipped to [-1, 1] (ProGAN's output is linear; the official code clips when it converts
images). The baseline is the core `dcgan` at the same size, batch and epochs
(`style_common.train_dcgan_baseline`, `base_filters=--dcgan-filters`). Scores: FID and KID
of 1,000 samples against the real digits with the digits classifier's features
(`style_common.scores`), for ProGAN at initialisation, ProGAN trained and DCGAN trained.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from style_common import (  # noqa: E402  (benchmarks/style_common.py)
    digits_at,
    machine_line,
    save_grid,
    scores,
    train_dcgan_baseline,
)


def build_progan(args, seed):
    import keras
    from keras_gans_style.progan import ProGAN

    import keras_gans

    keras.utils.set_random_seed(seed)
    keywords = {
        "image_shape": (args.size, args.size, 1),
        "latent_dim": 64,
        "fmap_base": args.fmap_base,
        "fmap_max": args.fmap_max,
        "fade_images": args.fade_images,
        "stable_images": args.stable_images,
        "reset_optimizers": args.reset_optimizers,
    }
    model = keras_gans.GANModel.from_architecture(
        "progan", seed=seed, ema_decay=args.ema_decay, **keywords
    )
    d_optimizer, g_optimizer = ProGAN(**keywords).default_optimizers()
    if args.d_lr is not None:
        d_optimizer.learning_rate = args.d_lr
    if args.g_lr is not None:
        g_optimizer.learning_rate = args.g_lr
    model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss="wgan-gp")
    return model


def clipped_samples(model, seed, n=1000, use_ema=True):
    import numpy as np

    return np.clip(model.generate(n, seed=seed, use_ema=use_ema), -1.0, 1.0)


def run_seed(args, seed, x):
    row = {"seed": seed}
    model = build_progan(args, seed)
    row["init"] = scores(clipped_samples(model, seed), x, seed=seed)
    start = time.perf_counter()
    history = model.fit(x, batch_size=64, epochs=args.epochs, verbose=0, shuffle=True)
    row["progan_s"] = time.perf_counter() - start
    row["progan"] = scores(clipped_samples(model, seed), x, seed=seed)
    row["raw"] = scores(clipped_samples(model, seed, use_ema=False), x, seed=seed)
    row["stage"] = (model.resolution, model.alpha, model.images_seen)
    row["resolutions"] = [round(v, 2) for v in history.history["progan/resolution"]]
    dcgan, row["dcgan_s"] = train_dcgan_baseline(
        x, epochs=args.epochs, seed=seed, batch_size=64, base_filters=args.dcgan_filters
    )
    row["dcgan"] = scores(dcgan, x, seed=seed)
    if args.pictures and seed == args.seeds[0]:
        folder = Path(args.pictures)
        folder.mkdir(parents=True, exist_ok=True)
        save_grid(clipped_samples(model, seed, 64), folder / "progan_samples.png")
        save_grid(x[:64], folder / "progan_real.png")
    return row


def table(rows, args):
    lines = [
        f"ProGAN on digits {args.size}x{args.size}, {args.epochs} epochs of batch 64, "
        f"fade/stable {args.fade_images}/{args.stable_images} images, "
        f"fmap_base {args.fmap_base}, fmap_max {args.fmap_max}, Adam lr D "
        f"{args.d_lr or 1e-3:g} / G {args.g_lr or 1e-3:g}, optimizers restarted at each "
        f"stage: {'yes' if args.reset_optimizers else 'no'}; {machine_line()}",
        "",
        "| seed | model | FID | KID | train s |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        for name, key, seconds in (
            ("ProGAN at init", "init", None),
            ("ProGAN (EMA)", "progan", row["progan_s"]),
            ("ProGAN (raw G)", "raw", None),
            ("DCGAN baseline", "dcgan", row["dcgan_s"]),
        ):
            s = "" if seconds is None else f"{seconds:.0f}"
            r = row[key]
            lines.append(f"| {row['seed']} | {name} | {r['fid']:.2f} | {r['kid']:.4f} | {s} |")
    for row in rows:
        lines.append(
            f"\nseed {row['seed']}: final stage (resolution, alpha, images) {row['stage']}; "
            f"epoch-mean resolution {row['resolutions']}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=16, choices=(8, 16, 32))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--fade-images", type=int, default=3000)
    parser.add_argument("--stable-images", type=int, default=3000)
    parser.add_argument("--fmap-base", type=int, default=512)
    parser.add_argument(
        "--fmap-max", type=int, default=128, help="default 128 (at 32 the critic was too weak)"
    )
    parser.add_argument("--ema-decay", type=float, default=0.99)
    parser.add_argument("--d-lr", type=float, help="critic lr (default: the paper's 1e-3)")
    parser.add_argument("--g-lr", type=float, help="generator lr (default: the paper's 1e-3)")
    parser.add_argument(
        "--reset-optimizers",
        action="store_true",
        help="restart both Adams at each change of stage (the official code's "
        "reset_opt_for_new_lod; ProGAN(reset_optimizers=True))",
    )
    parser.add_argument("--dcgan-filters", type=int, default=32)
    parser.add_argument("--pictures", help="write progan_samples.png / progan_real.png here")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args(argv)
    x, _ = digits_at(args.size)
    start = time.perf_counter()
    rows = [run_seed(args, seed, x) for seed in args.seeds]
    text = table(rows, args) + f"\n\nwall time {time.perf_counter() - start:.0f} s"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
