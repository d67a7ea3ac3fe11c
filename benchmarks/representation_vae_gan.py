"""VAE-GAN against a plain VAE of the same size trained for the same wall time, on digits.

Run on demand (this is not a test)::

    python benchmarks/representation_vae_gan.py                   # 3 seeds
    python benchmarks/representation_vae_gan.py --seeds 0 --epochs 10
    python benchmarks/representation_vae_gan.py --markdown table.md --pictures docs/representation

Both models train on the training part of `keras_gans.metrics.digits_classifier.
digits_split()` (1,438 of scikit-learn's bundled 8x8 digits, pixels in [-1, 1]) with batch
`--batch` and Adam(`--lr`, beta_1 0.5) for every network. They share the `vae-gan`
architecture's encoder and decoder (`latent_dim` `--latent-dim`, `filters=(32, 64)`,
`dense_units=256`):

- VAE-GAN: `GANModel.from_architecture("vae-gan", gamma=--gamma)` with the loss `--loss`,
  for `--epochs` epochs (encoder: KL + `Dis_l`; decoder: `gamma Dis_l` + GAN;
  discriminator: GAN on `x`, `x~`, `x_p`);
- VAE: the same encoder and decoder trained on KL + the Gaussian negative
  log-likelihood of the pixels, `sum (x - x~)^2 / (2 sigma^2)`, for
  `--vae-epochs-factor` (5) times as many epochs, about the VAE-GAN's wall time (a VAE-GAN
  epoch costs three networks' updates and about five times a VAE epoch on 2 CPU cores;
  the table shows both times), once for each `sigma` of `--sigmas` (the authors' code uses
  sigma = 1; a smaller sigma weighs the pixels more against the KL).

Measured: FID and KID of 1,000 prior samples (`z ~ N(0, I)` decoded) against all 1,797
digits with the shipped digits classifier's features (`extractor="digits"`); that
classifier's mean top-class confidence on the samples; sharpness, the mean absolute
Laplacian of the samples divided by that of the real digits (1 = as sharp as the data);
and the pixel reconstruction MSE of the 359 held-out digits (decoding the posterior mean).
`--pictures DIR` writes `vae_gan_samples.png` and `vae_gan_reconstructions.png` (first seed).
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


def data():
    from keras_gans.datasets import load_digits
    from keras_gans.metrics.digits_classifier import digits_split

    x, _ = load_digits()
    train, test = digits_split(seed=0)
    return x, x[train], x[test]


def architecture(args):
    from keras_gans_representation.vae_gan import VAEGAN

    return VAEGAN(latent_dim=args.latent_dim, gamma=args.gamma)


def train_vae_gan(args, seed, x_train):
    import keras

    import keras_gans

    keras.utils.set_random_seed(seed)
    model = keras_gans.GANModel.from_architecture(
        "vae-gan", latent_dim=args.latent_dim, gamma=args.gamma, seed=seed
    )
    d, g, e = (keras.optimizers.Adam(args.lr, beta_1=0.5) for _ in range(3))
    model.compile(d, g, loss=args.loss, e_optimizer=e)
    model.fit(x_train, batch_size=args.batch, epochs=args.epochs, verbose=0, shuffle=True)
    return model


def train_vae(args, sigma, seed, x_train):
    """A plain VAE on the same networks; returns `(encoder, decoder, epochs)`."""
    import keras
    from keras import ops
    from keras_gans_representation.vae_kl_divergence import gaussian_kl_divergence

    class Reparameterise(keras.layers.Layer):
        def __init__(self, seed):
            super().__init__()
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            mean, log_variance = inputs
            self.add_loss(gaussian_kl_divergence(mean, log_variance))
            noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
            return mean + ops.exp(0.5 * log_variance) * noise

    def pixel_nll(x, reconstruction):
        return ops.sum(ops.square(x - reconstruction), axis=(1, 2, 3)) / (2.0 * sigma**2)

    keras.utils.set_random_seed(seed)
    arch = architecture(args)
    encoder, decoder = arch.build_encoder(), arch.build_generator()
    x = keras.Input(arch.image_shape)
    posterior = encoder(x)
    z = Reparameterise(seed)([posterior["mean"], posterior["log_variance"]])
    vae = keras.Model(x, decoder(z))
    vae.compile(keras.optimizers.Adam(args.lr, beta_1=0.5), loss=pixel_nll)
    epochs = args.epochs * args.vae_epochs_factor
    vae.fit(x_train, x_train, batch_size=args.batch, epochs=epochs, verbose=0)
    return encoder, decoder, epochs


def sharpness(images):
    """Mean absolute 4-neighbour Laplacian of images `(n, h, w, 1)` (edges replicated)."""
    import numpy as np

    padded = np.pad(images[..., 0], ((0, 0), (1, 1), (1, 1)), mode="edge")
    laplacian = (
        padded[:, :-2, 1:-1] + padded[:, 2:, 1:-1] + padded[:, 1:-1, :-2] + padded[:, 1:-1, 2:]
        - 4 * padded[:, 1:-1, 1:-1]
    )  # fmt: skip
    return float(np.abs(laplacian).mean())


def measure(decode, encode_mean, z, x_all, x_test, classifier):
    import numpy as np

    from keras_gans.metrics import fid, kid

    samples = decode(z)
    logits = classifier.predict(samples, verbose=0)
    probabilities = np.exp(logits - logits.max(1, keepdims=True))
    probabilities /= probabilities.sum(1, keepdims=True)
    reconstructions = decode(encode_mean(x_test))
    kernel = kid(x_all, samples, extractor="digits", subsets=50, subset_size=500, verbose=0)
    result = {
        "fid": float(fid(x_all, samples, extractor="digits", verbose=0).value),
        "kid": float(kernel.value),
        "confidence": float(probabilities.max(1).mean()),
        "sharpness": sharpness(samples) / sharpness(x_all),
        "mse": float(np.mean((reconstructions - x_test) ** 2)),
    }
    return result, samples, reconstructions


def pictures(folder, x_test, panels):
    """`vae_gan_samples.png` (one 8x8 grid per model) and `vae_gan_reconstructions.png`
    (held-out digits, then each model's reconstructions, one row each)."""
    import numpy as np
    from PIL import Image, ImageDraw

    from keras_gans.images import image_grid

    def tile(images, rows):
        grid = np.asarray(image_grid(images, rows=rows))[..., 0]
        return Image.fromarray(grid).resize((grid.shape[1] * 3, grid.shape[0] * 3), 0)

    def titled(blocks):
        width = sum(b.width for _, b in blocks) + 10 * (len(blocks) - 1)
        canvas = Image.new("RGB", (width, max(b.height for _, b in blocks) + 16), "white")
        draw, left = ImageDraw.Draw(canvas), 0
        for title, block in blocks:
            canvas.paste(block.convert("RGB"), (left, 16))
            draw.text((left + 2, 2), title, fill="black")
            left += block.width + 10
        return canvas

    titled([(name, tile(samples[:64], 8)) for name, samples, _ in panels]).save(
        Path(folder) / "vae_gan_samples.png", optimize=True
    )
    rows = [("held-out digits", x_test[:16])] + [(n, r[:16]) for n, _, r in panels]
    stacked = np.concatenate([images for _, images in rows])
    block = tile(stacked, len(rows))
    canvas = Image.new("RGB", (block.width + 130, block.height), "white")
    canvas.paste(block.convert("RGB"), (130, 0))
    draw = ImageDraw.Draw(canvas)
    for index, (name, _) in enumerate(rows):
        draw.text((4, index * block.height / len(rows) + 8), name, fill="black")
    canvas.save(Path(folder) / "vae_gan_reconstructions.png", optimize=True)


def run_seed(args, seed, classifier, sigmas, draw):
    import numpy as np

    x_all, x_train, x_test = data()
    start = time.perf_counter()
    model = train_vae_gan(args, seed, x_train)
    seconds = time.perf_counter() - start
    z = np.random.default_rng(1000 + seed).normal(size=(1000, args.latent_dim)).astype("float32")
    results, panels = {}, []
    result, samples, recon = measure(
        lambda t: model.generate(len(t), latents=t), model.encode, z, x_all, x_test, classifier
    )
    results["VAE-GAN"] = {**result, "seconds": seconds, "epochs": args.epochs}
    panels.append(("VAE-GAN", samples, recon))
    for sigma in sigmas:
        start = time.perf_counter()
        encoder, decoder, epochs = train_vae(args, sigma, seed, x_train)
        elapsed = time.perf_counter() - start

        def mean(t, encoder=encoder):
            return encoder.predict(t, verbose=0)["mean"]

        def decode(t, decoder=decoder):
            return decoder.predict(t, verbose=0)

        result, samples, recon = measure(decode, mean, z, x_all, x_test, classifier)
        name = f"VAE (sigma={sigma:g})"
        results[name] = {**result, "seconds": elapsed, "epochs": epochs}
        panels.append((name, samples, recon))
    for name, result in results.items():
        shown = ", ".join(f"{k} {v:.4g}" for k, v in result.items())
        print(f"seed {seed} {name}: {shown}", flush=True)
    if draw:
        pictures(draw, x_test, panels)
        print(f"  wrote pictures into {draw}", flush=True)
    return results


def markdown(per_seed, args, seeds):
    import numpy as np

    def cell(values, digits):
        values = np.asarray(values, dtype="float64")
        spread = f" ± {values.std():.{digits}f}" if len(values) > 1 else ""
        return f"{values.mean():.{digits}f}{spread}"

    lines = [
        "| model | FID (digits) | KID (digits) | classifier confidence | sharpness (data = 1) "
        "| held-out reconstruction MSE | epochs | train s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in per_seed[0]:
        r = {k: [run[name][k] for run in per_seed] for k in per_seed[0][name]}
        lines.append(
            f"| {name} | {cell(r['fid'], 2)} | {cell(r['kid'], 4)} | {cell(r['confidence'], 3)} "
            f"| {cell(r['sharpness'], 2)} | {cell(r['mse'], 4)} | {np.mean(r['epochs']):.0f} "
            f"| {np.mean(r['seconds']):.0f} |"
        )
    lines += [
        "",
        f"Mean ± standard deviation over seeds {', '.join(map(str, seeds))}; batch "
        f"{args.batch} on 1,438 training digits, Adam({args.lr}, beta_1=0.5) for every "
        f"network, latent_dim {args.latent_dim}; VAE-GAN: {args.epochs} epochs, loss "
        f"`{args.loss}`, gamma {args.gamma:g}; each VAE: {args.vae_epochs_factor} times as many "
        "epochs (about the same wall time). FID/KID: "
        "1,000 prior samples against the 1,797 digits.",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--gamma", type=float, default=0.1)
    parser.add_argument("--loss", default="non-saturating")
    parser.add_argument("--sigmas", default="1,0.3", help="pixel sigmas of the VAE baselines")
    parser.add_argument(
        "--vae-epochs-factor", type=int, default=5,
        help="VAE epochs per VAE-GAN epoch (5: about the same wall time on 2 CPU cores)",
    )  # fmt: skip
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pictures", help="write the pictures into this folder")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    sigmas = [float(s) for s in args.sigmas.split(",") if s.strip()]

    from keras_gans.metrics import load_digits_classifier

    machine = (
        f"machine: {cpu_name()}, {usable_cores()} cores usable; python "
        f"{platform.python_version()}, tensorflow {version('tensorflow')}, keras "
        f"{version('keras')}"
    )
    print(machine, flush=True)
    classifier = load_digits_classifier()
    start = time.perf_counter()
    per_seed = [
        run_seed(args, seed, classifier, sigmas, args.pictures if seed == seeds[0] else None)
        for seed in seeds
    ]
    text = markdown(per_seed, args, seeds)
    print(text)
    print(f"total wall time {time.perf_counter() - start:.0f} s; {machine}")
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "seeds": seeds, "machine": machine}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": per_seed}, indent=2))


if __name__ == "__main__":
    main()
