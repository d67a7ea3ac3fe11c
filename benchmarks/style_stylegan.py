"""StyleGAN and StyleGAN2 on upscaled digits: FID/KID against their init and DCGAN.

Run on demand (this is not a test)::

    python benchmarks/style_stylegan.py                          # both, 32x32, seeds 0 1 2
    python benchmarks/style_stylegan.py --size 16 --epochs 10 --seeds 0
    python benchmarks/style_stylegan.py --variants stylegan2 --pictures docs/style
    python benchmarks/style_stylegan.py --size 16 --variants stylegan --r1-gamma 0.1

Each seed trains, on the 1,797 bundled digits upscaled to `--size` (`style_common.digits_at`):

- `stylegan` and/or `stylegan2` (`GANModel.from_architecture(name, image_shape=(s, s, 1),
  latent_dim=64, filters=--filters, mapping_layers=--mapping-layers)`, the architectures'
  default tricks: style mixing by `default_style_mixing` (0.9 from 64x64 up, off at 32 and
  below; `--style-mixing` sets it), R1 with gamma 10 (s / 1024)^2 (every update for
  StyleGAN, lazily every 16 for StyleGAN2), lazy path length (StyleGAN2, weight 2, every
  4)), with Adam(2e-3, beta_1 0, beta_2 0.99) for both players as in the papers, batch 64,
  `--epochs` epochs, a generator EMA of decay `--ema-decay` (0.995: a half-life of ~140
  updates, ~9k images, near the official 10k-image EMA; samples come from it);
- the core DCGAN (`style_common.train_dcgan_baseline`) with the same batch and epochs.

Scores (`style_common.scores`): FID and KID of 1,000 samples against the real digits with
the bundled digits classifier's features (images area-resized to 8x8), for the untrained
model (its init), the trained model at truncation psi 1.0, 0.7 and 0.5 with const noise (the
stored noise maps of `generate` and export), at psi 1.0 with fresh per-sample noise (as
training samples and the papers' FID protocol does: `generate(..., noise="random")`), and
DCGAN.
`--pictures DIR` writes `stylegan_samples.png` / `stylegan2_samples.png` (psi 1.0 samples) and
`stylegan2_mixing.png` (style mixing: row i takes its coarse styles, layers below
`num_ws / 2`, from source A_i and its fine ones from source B_j of column j; the first row
and column are the sources) for the first seed.
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

import numpy as np  # noqa: E402
from style_common import digits_at, machine_line, save_grid, scores, train_dcgan_baseline  # noqa: E402

#: (truncation psi, noise) pairs scored: const noise (the stored maps `generate` and export
#: use) at three psis, and fresh per-sample noise at psi 1 (the papers' FID protocol).
SAMPLINGS = ((1.0, "const"), (1.0, "random"), (0.7, "const"), (0.5, "const"))


def train_style(
    name,
    x,
    *,
    epochs,
    seed,
    filters,
    mapping_layers,
    ema_decay,
    r1_gamma=None,
    style_mixing=None,
    learning_rate=2e-3,
    batch_size=64,
    augment=None,
    mapping_lr_multiplier=None,
):
    """Builds, scores at init, trains; returns `(model, init_scores, seconds)`."""
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        name,
        image_shape=tuple(x.shape[1:]),
        latent_dim=64,
        filters=filters,
        mapping_layers=mapping_layers,
        seed=seed,
        ema_decay=ema_decay,
        r1_gamma=r1_gamma,
        style_mixing=style_mixing,
        augment=augment,
        mapping_lr_multiplier=mapping_lr_multiplier,
    )
    init = scores(model, x, seed=seed)

    def adam():
        return keras.optimizers.Adam(learning_rate, beta_1=0.0, beta_2=0.99, epsilon=1e-8)

    model.compile(adam(), adam())
    start = time.perf_counter()
    model.fit(x, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return model, init, time.perf_counter() - start


def mixing_grid(model, seed, sources=4):
    """Sources A (rows) and B (columns), and each A's coarse styles with each B's fine ones."""
    from keras import ops
    from keras_gans_style.style_mixing import mix_styles

    rng = np.random.default_rng(seed)
    za = rng.normal(size=(sources, model.latent_dim)).astype("float32")
    zb = rng.normal(size=(sources, model.latent_dim)).astype("float32")
    mapping, truncation = model.part("mapping"), model.part("truncation")
    synthesis = model.part("synthesis")
    wa, wb = truncation(mapping(za)), truncation(mapping(zb))

    def render(ws):
        return ops.convert_to_numpy(synthesis(ws, noise_mode="const", clip=True))

    a, b = render(wa), render(wb)
    blank = -np.ones_like(a[:1])
    cut = model.num_ws // 2
    rows = [np.concatenate([blank, b])]
    for i in range(sources):
        ws = mix_styles(ops.repeat(wa[i : i + 1], sources, axis=0), wb, cut)
        rows.append(np.concatenate([a[i : i + 1], render(ws)]))
    return np.concatenate(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=["stylegan", "stylegan2"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--mapping-layers", type=int, default=4)
    parser.add_argument("--ema-decay", type=float, default=0.995)
    parser.add_argument(
        "--mapping-lr-multiplier",
        type=float,
        default=None,
        help="the mapping layers' learning-rate multiplier (default: the architecture's; "
        "StyleGAN: 1.0 at 32x32 and below, 0.01 (the paper's) above, and 0.01 in the "
        "figures of earlier sessions; StyleGAN2: 0.01)",
    )
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam's, both players")
    parser.add_argument("--r1-gamma", type=float, default=None, help="default: 10 (s/1024)^2")
    parser.add_argument(
        "--style-mixing", type=float, default=None, help="default: default_style_mixing(size)"
    )
    parser.add_argument(
        "--augment",
        nargs="+",
        default=None,
        help="DiffAugment policy for StyleGAN(2) (the architectures' `augment`), e.g. translation",
    )
    parser.add_argument(
        "--baseline-augment",
        action="store_true",
        help="give the DCGAN baseline the same DiffAugment policy (compile(tricks=[...]))",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--pictures", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    x, _ = digits_at(args.size)
    rows = []
    print(machine_line())
    print(
        f"digits {args.size}x{args.size}, batch 64, {args.epochs} epochs, filters "
        f"{args.filters}, mapping layers {args.mapping_layers} (lr x "
        f"{args.mapping_lr_multiplier or 'default'}), lr {args.lr}, augment "
        f"{args.augment}; FID/KID: 1,000 samples, "
        "digits features"
    )
    for seed in args.seeds:
        for name in args.variants:
            model, init, seconds = train_style(
                name,
                x,
                epochs=args.epochs,
                seed=seed,
                filters=args.filters,
                mapping_layers=args.mapping_layers,
                ema_decay=args.ema_decay,
                r1_gamma=args.r1_gamma,
                style_mixing=args.style_mixing,
                learning_rate=args.lr,
                augment=args.augment,
                mapping_lr_multiplier=args.mapping_lr_multiplier,
            )
            rows.append({"model": f"{name} (init)", "seed": seed, **init, "seconds": 0.0})
            print(json.dumps(rows[-1]), flush=True)
            for psi, noise in SAMPLINGS:
                images = model.generate(1000, seed=seed, truncation_psi=psi, noise=noise)
                label = f"{name} psi={psi}" + (" random noise" if noise == "random" else "")
                rows.append(
                    {
                        "model": label,
                        "seed": seed,
                        **scores(images, x, seed=seed),
                        "seconds": seconds,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
            if args.pictures and seed == args.seeds[0]:
                args.pictures.mkdir(parents=True, exist_ok=True)
                save_grid(model.generate(64, seed=seed), args.pictures / f"{name}_samples.png")
                if name == "stylegan2":
                    save_grid(
                        mixing_grid(model, seed), args.pictures / "stylegan2_mixing.png", rows=5
                    )
        if not args.no_baseline:
            augment = args.augment if args.baseline_augment else None
            dcgan, seconds = train_dcgan_baseline(x, epochs=args.epochs, seed=seed, augment=augment)
            rows.append(
                {
                    "model": "dcgan" + ("+augment" if augment else ""),
                    "seed": seed,
                    **scores(dcgan, x, seed=seed),
                    "seconds": seconds,
                }
            )
            print(json.dumps(rows[-1]), flush=True)

    print("\n| model | seeds | FID | KID | train s |\n|---|---|---|---|---|")
    for model_name in dict.fromkeys(r["model"] for r in rows):
        picked = [r for r in rows if r["model"] == model_name]
        fid = np.array([r["fid"] for r in picked])
        kid = np.array([r["kid"] for r in picked])
        secs = np.mean([r["seconds"] for r in picked])
        print(
            f"| {model_name} | {len(picked)} | {fid.mean():.2f} ± {fid.std():.2f} | "
            f"{kid.mean():.2f} ± {kid.std():.2f} | {secs:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
