"""Trains a label-conditioned DCGAN on scikit-learn's bundled digits and writes a PNG grid.

Runs offline in about a minute on 2 CPU cores:

    python examples/train_dcgan_digits.py --epochs 60 --out digits.png

Each row of the grid is one class (0-9), each column one latent vector.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np

import keras_gans
from keras_gans.datasets import load_digits
from keras_gans.images import save_image_grid


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--loss", default="non-saturating")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="digits.png")
    args = parser.parse_args(argv)

    x, y = load_digits()  # (1797, 8, 8, 1) in [-1, 1], labels 0-9
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=args.latent_dim, num_classes=10, seed=args.seed
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss=args.loss,
    )
    start = time.perf_counter()
    gan.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, verbose=2)
    print(f"trained {args.epochs} epochs in {time.perf_counter() - start:.0f} s")

    labels = np.repeat(np.arange(10), 10)
    images = gan.generate(100, labels=labels, seed=args.seed)
    save_image_grid(images, args.out, rows=10, scale=6)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
