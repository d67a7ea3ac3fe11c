"""Does the adversarial autoencoder's code match its prior? AAE against a plain autoencoder.

Run on demand (this is not a test)::

    python benchmarks/representation_aae.py                       # 3 priors x 3 seeds
    python benchmarks/representation_aae.py --priors gaussian-mixture --seeds 0 --epochs 20
    python benchmarks/representation_aae.py --markdown table.md --pictures docs/representation

Both models train on the training part of `keras_gans.metrics.digits_classifier.
digits_split()` (1,438 of scikit-learn's bundled 8x8 digits, pixels in [-1, 1]) and are
measured on the 359 held-out digits. They share the networks of the `aae` architecture
with `latent_dim=2` (encoder and decoder with two hidden layers of `--units` ReLU units;
the AAE's code discriminator too): the AAE is `GANModel.from_architecture("aae",
prior=...)`, trained with its two phases per step; the baseline is the same encoder and
decoder as one `keras.Model`, trained on the mean squared error alone, for the same
number of steps with the same optimizer (Adam, `--lr`, beta_1 0.5; batch `--batch`).

Measured on the held-out digits:

- `SWD(q(z), p(z))`: the sliced Wasserstein distance (`keras_gans.metrics.
  sliced_wasserstein_distance`, 512 directions) between their codes and as many prior
  samples, averaged over 10 prior draws. `floor` is the same distance between two
  independent prior draws of that size, the value of a perfect match;
- `MMD^2`: the biased squared maximum mean discrepancy with a Gaussian kernel whose width
  is the median distance between prior samples, averaged the same way;
- reconstruction MSE (pixels in [-1, 1]);
- decoded prior samples (the AAE's generator, `generate`; for the autoencoder its decoder
  on the same prior samples): FID against all 1,797 digits with the shipped digits
  classifier's features (`extractor="digits"`, 1,000 samples) and that classifier's mean
  top-class confidence.

`--pictures DIR` writes, for the first seed of each prior, `aae_codes_<prior>.png`
(held-out codes coloured by digit over prior samples in grey, AAE left, autoencoder right;
codes beyond the prior's range are drawn on the border) and `aae_samples_<prior>.png`
(decoded prior samples; for the mixture prior row k decodes samples of component k).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from machine import cpu_name, usable_cores, version  # benchmarks/machine.py

PRIORS = ("gaussian-mixture", "swiss-roll", "normal")
#: One colour per digit (the ten "tab10" colours).
COLOURS = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]  # fmt: skip


def data():
    from keras_gans.datasets import load_digits
    from keras_gans.metrics.digits_classifier import digits_split

    x, y = load_digits()
    train, test = digits_split(seed=0)
    return x, x[train], x[test], y[test]


def train_aae(prior, args, seed, x_train):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    units = (args.units, args.units)
    model = keras_gans.GANModel.from_architecture(
        "aae", latent_dim=2, hidden_units=units, discriminator_units=units, prior=prior, seed=seed
    )
    optimizers = [keras.optimizers.Adam(args.lr, beta_1=0.5) for _ in range(3)]
    model.compile(optimizers[0], optimizers[1], ae_optimizer=optimizers[2])
    model.fit(x_train, batch_size=args.batch, epochs=args.epochs, verbose=0, shuffle=True)
    return model


def train_autoencoder(args, seed, x_train):
    import keras
    from keras_gans_representation.aae import AAE

    keras.utils.set_random_seed(seed)
    arch = AAE(latent_dim=2, hidden_units=(args.units, args.units))
    encoder, decoder = arch.build_encoder(), arch.build_generator()
    model = keras.Sequential([encoder, decoder])
    model.compile(keras.optimizers.Adam(args.lr, beta_1=0.5), loss="mse")
    model.fit(x_train, x_train, batch_size=args.batch, epochs=args.epochs, verbose=0)
    return encoder, decoder


def gaussian_mmd2(a, b, width):
    """Biased squared MMD with the kernel exp(-|x - y|^2 / (2 width^2))."""
    import numpy as np

    def kernel(u, v):
        squared = (u**2).sum(1)[:, None] + (v**2).sum(1)[None] - 2 * u @ v.T
        return np.exp(-np.maximum(squared, 0) / (2 * width**2))

    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    return float(kernel(a, a).mean() + kernel(b, b).mean() - 2 * kernel(a, b).mean())


def code_match(codes, prior_draws):
    """Mean SWD and MMD^2 of `codes` against each prior draw, and the two floors."""
    import numpy as np

    from keras_gans.metrics import sliced_wasserstein_distance as swd

    first = prior_draws[0]
    distances = np.sqrt(((first[:, None] - first[None]) ** 2).sum(-1))
    width = float(np.median(distances[np.triu_indices(len(first), 1)]))
    pairs = list(zip(prior_draws[:-1], prior_draws[1:], strict=True))
    return {
        "swd": float(np.mean([swd(codes, p, seed=i) for i, p in enumerate(prior_draws)])),
        "mmd2": float(np.mean([gaussian_mmd2(codes, p, width) for p in prior_draws])),
        "swd_floor": float(np.mean([swd(p, q, seed=i) for i, (p, q) in enumerate(pairs)])),
        "mmd2_floor": float(np.mean([gaussian_mmd2(p, q, width) for p, q in pairs])),
    }


def sample_quality(samples, x_all, classifier):
    import numpy as np

    from keras_gans.metrics import fid

    logits = classifier.predict(samples, verbose=0)
    probabilities = np.exp(logits - logits.max(1, keepdims=True))
    probabilities /= probabilities.sum(1, keepdims=True)
    return {
        "fid": float(fid(x_all, samples, extractor="digits", verbose=0).value),
        "confidence": float(probabilities.max(1).mean()),
    }


def evaluate(encode, decode, prior_draws, samples_z, x_all, x_test, classifier):
    import numpy as np

    codes = encode(x_test)
    result = code_match(codes, prior_draws)
    result["mse"] = float(np.mean((decode(codes) - x_test) ** 2))
    result.update(sample_quality(decode(samples_z), x_all, classifier))
    return result, codes


def code_picture(panels, prior_draw, labels, path, size=300):
    """Side-by-side scatter plots of codes coloured by digit over prior samples in grey."""
    import numpy as np
    from PIL import Image, ImageDraw

    limit = float(np.abs(prior_draw).max()) * 1.15
    image = Image.new("RGB", (size * len(panels), size + 22), "white")
    draw = ImageDraw.Draw(image)
    for index, (title, codes) in enumerate(panels):
        left = index * size

        def point(z, left=left):
            x = left + (z[0] + limit) / (2 * limit) * (size - 1)
            return x, (limit - z[1]) / (2 * limit) * (size - 1) + 22

        for z in prior_draw:
            x, y = point(z)
            draw.point((x, y), fill=(160, 160, 160))
        for z, label in zip(codes, labels, strict=True):
            x, y = point(np.clip(z, -limit, limit))
            draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=COLOURS[int(label)])
        draw.text((left + 6, 4), title, fill="black")
        draw.line([(left, 0), (left, size + 22)], fill="black")
    for digit in range(10):
        draw.text((size * len(panels) - 14, 26 + 12 * digit), str(digit), fill=COLOURS[digit])
    image.save(path, optimize=True)


def samples_picture(model, path):
    import numpy as np

    from keras_gans.images import save_image_grid

    prior = model.latent_distribution
    if hasattr(prior, "sample_components"):
        ids = np.repeat(np.arange(prior.components), 10)
        z = prior.sample_components(ids, model.latent_dim, seed=3).numpy()
        samples = model.generate(len(z), latents=z)
        rows = prior.components
    else:
        samples, rows = model.generate(100, seed=3), 10
    save_image_grid(samples, path, rows=rows, scale=3)


def run_prior(prior, args, seeds, classifier, pictures):
    x_all, x_train, x_test, y_test = data()
    rows = {"AAE": [], "autoencoder": []}
    for seed in seeds:
        start = time.perf_counter()
        aae = train_aae(prior, args, seed, x_train)
        aae_seconds = time.perf_counter() - start
        start = time.perf_counter()
        encoder, decoder = train_autoencoder(args, seed, x_train)
        ae_seconds = time.perf_counter() - start
        draws = [aae.sample_latent(len(x_test), seed=100 + i).numpy() for i in range(10)]
        samples_z = aae.sample_latent(1000, seed=7).numpy()

        def generate(z, aae=aae):
            return aae.generate(len(z), latents=z)

        def encode(x, encoder=encoder):
            return encoder.predict(x, verbose=0)

        def decode(z, decoder=decoder):
            return decoder.predict(z, verbose=0)

        common = (draws, samples_z, x_all, x_test, classifier)
        aae_result, aae_codes = evaluate(aae.encode, generate, *common)
        ae_result, ae_codes = evaluate(encode, decode, *common)
        aae_result["seconds"], ae_result["seconds"] = aae_seconds, ae_seconds
        rows["AAE"].append(aae_result)
        rows["autoencoder"].append(ae_result)
        for name, result in (("AAE", aae_result), ("autoencoder", ae_result)):
            shown = ", ".join(f"{k} {v:.4g}" for k, v in result.items())
            print(f"{prior} seed {seed} {name}: {shown}", flush=True)
        if pictures and seed == seeds[0]:
            folder = Path(pictures)
            code_picture(
                [(f"AAE, {prior} prior", aae_codes), ("autoencoder (no adversary)", ae_codes)],
                draws[0], y_test, folder / f"aae_codes_{prior.replace('-', '_')}.png",
            )  # fmt: skip
            samples_picture(aae, folder / f"aae_samples_{prior.replace('-', '_')}.png")
            print(f"  wrote pictures for {prior} into {folder}", flush=True)
    return {
        name: {key: [r[key] for r in results] for key in results[0]}
        for name, results in rows.items()
    }


def markdown(results, args, seeds):
    import numpy as np

    def cell(values, digits):
        values = np.asarray(values)
        spread = f" ± {values.std():.{digits}f}" if len(values) > 1 else ""
        return f"{values.mean():.{digits}f}{spread}"

    lines = [
        "| prior | model | SWD(q(z), p(z)) (floor) | MMD² (floor) | reconstruction MSE "
        "| FID of decoded prior samples | classifier confidence | train s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for prior, by_model in results.items():
        for name, r in by_model.items():
            lines.append(
                f"| {prior} | {name} | {cell(r['swd'], 3)} ({np.mean(r['swd_floor']):.3f}) "
                f"| {cell(r['mmd2'], 4)} ({np.mean(r['mmd2_floor']):.4f}) | {cell(r['mse'], 4)} "
                f"| {cell(r['fid'], 2)} | {cell(r['confidence'], 3)} "
                f"| {np.mean(r['seconds']):.0f} |"
            )
    lines += [
        "",
        f"Mean ± standard deviation over seeds {', '.join(map(str, seeds))}; {args.epochs} "
        f"epochs of batch {args.batch} on 1,438 training digits, Adam({args.lr}, beta_1=0.5) "
        f"for every player, hidden layers of {args.units} units, latent_dim 2; measured on "
        "the 359 held-out digits (FID: 1,000 decoded prior samples against the 1,797 digits, "
        "digits-classifier features).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priors", default=",".join(PRIORS), help="comma-separated")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write the pictures into this folder")
    args = parser.parse_args(argv)
    priors = [p.strip() for p in args.priors.split(",") if p.strip()]
    unknown = sorted(set(priors) - set(PRIORS))
    if unknown:
        parser.error(f"--priors: unknown {unknown}; choose from {list(PRIORS)}")
    seeds = [int(s) for s in args.seeds.split(",")]

    from keras_gans.metrics import load_digits_classifier

    machine = (
        f"machine: {cpu_name()}, {usable_cores()} cores usable; python "
        f"{platform.python_version()}, tensorflow {version('tensorflow')}, keras "
        f"{version('keras')}"
    )
    print(machine, flush=True)
    classifier = load_digits_classifier()
    start = time.perf_counter()
    results = {p: run_prior(p, args, seeds, classifier, args.pictures) for p in priors}
    text = markdown(results, args, seeds)
    print(text)
    print(f"total wall time {time.perf_counter() - start:.0f} s; {machine}")
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "seeds": seeds, "machine": machine}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
