"""Speed of `keras_gans.metrics`: feature extraction (samples/s) and metric time at 10k samples.

Run on demand (this is not a test)::

    python benchmarks/metrics_speed.py                  # n = 10,000, ~5 minutes on 2 cores
    python benchmarks/metrics_speed.py --n 2000 --inception-samples 64

Feature extraction: the shipped `digits` classifier on n 8x8 images, and InceptionV3
`pool_3` on 32x32x3 images resized to 299x299 (random weights through the test-only
builder: the speed does not depend on the weights, and no weights are downloaded). Each is
warmed up once (tracing), then timed.

Metric computation, on n real and n fake samples: FID, KID (100 subsets of 1,000),
precision/recall/density/coverage (k = 3 and 5) and nearest neighbours on 2048-d float64
features (as InceptionV3 gives); the Inception Score on n 1000-class logits; SWD on n 32x32x3
images (ProGAN settings: 128 7x7 patches per image and level, 512 directions); MS-SSIM
diversity on 1,000 pairs of 32x32x3 images. Each is run once; wall-clock and process CPU
seconds are both reported (the CPU time is robust to other processes on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from machine import cpu_name  # benchmarks/machine.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def timed(function):
    """Runs `function()`; returns `(result, wall seconds, process CPU seconds)`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def environment():
    import keras
    import numpy
    import tensorflow

    return (
        f"{cpu_name()}, {os.cpu_count()} cores; Python {platform.python_version()}, TensorFlow "
        f"{tensorflow.__version__}, Keras {keras.__version__}, NumPy {numpy.__version__}"
    )


def extraction_rows(n, inception_samples, batch_size):
    import numpy as np

    from keras_gans import metrics
    from keras_gans.datasets import load_digits
    from keras_gans.metrics import inception

    rows = []
    x, _ = load_digits()
    digits = np.resize(x, (n, 8, 8, 1))
    extractor = metrics.resolve_extractor("digits")
    extractor.extract(digits[:batch_size], batch_size, verbose=0)  # warm-up: tracing
    _, wall, cpu = timed(lambda: extractor.extract(digits, batch_size, verbose=0))
    rows.append(("`digits` features, 8x8x1", n, wall, cpu))

    network = inception._build(logits=False, weights_path=None, with_top=False)
    pool3 = inception._extractor(network, logits=False)
    images = np.random.default_rng(0).uniform(-1, 1, (inception_samples, 32, 32, 3))
    images = images.astype("float32")
    pool3.extract(images[:batch_size], batch_size, verbose=0)  # warm-up
    _, wall, cpu = timed(lambda: pool3.extract(images, batch_size, verbose=0))
    rows.append(("`inception-v3` pool_3, 32x32x3 -> 299x299", inception_samples, wall, cpu))
    return rows


def metric_rows(n):
    import numpy as np

    from keras_gans import metrics

    rng = np.random.default_rng(0)
    real = metrics.Features(rng.normal(size=(n, 2048)), extractor="synthetic")
    fake = metrics.Features(rng.normal(size=(n, 2048)) + 0.1, extractor="synthetic")
    logits = rng.normal(size=(n, 1000)) * 3.0
    images = rng.uniform(-1, 1, size=(2, n, 32, 32, 3)).astype("float32")
    runs = [
        ("FID, 2048-d", lambda: metrics.fid(real, fake, extractor=None)),
        ("KID, 2048-d, 100 subsets of 1,000", lambda: metrics.kid(real, fake, extractor=None)),
        (
            "Inception Score, 1000 classes, 10 splits",
            lambda: metrics.inception_score(logits, extractor=None),
        ),
        (
            "precision/recall/density/coverage, 2048-d",
            lambda: metrics.precision_recall(real, fake, extractor=None),
        ),
        ("nearest neighbours, 2048-d", lambda: metrics.nearest_neighbours(real, fake)),
        ("SWD, 32x32x3 (2 levels)", lambda: metrics.sliced_wasserstein(images[0], images[1])),
        ("MS-SSIM diversity, 1,000 pairs of 32x32x3", lambda: metrics.ms_ssim_diversity(images[1])),
    ]
    rows = []
    for name, run in runs:
        _, wall, cpu = timed(run)
        rows.append((name, wall, cpu))
        print(f"  {name}: {wall:.2f} s", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="samples per set")
    parser.add_argument("--inception-samples", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    print(environment(), flush=True)
    extraction = extraction_rows(args.n, args.inception_samples, args.batch_size)
    computation = metric_rows(args.n)
    print("\n| feature extraction | samples | wall s | samples/s | CPU s |")
    print("| --- | --- | --- | --- | --- |")
    for name, count, wall, cpu in extraction:
        print(f"| {name} | {count:,} | {wall:.2f} | {count / wall:,.0f} | {cpu:.2f} |")
    print(f"\n| metric ({args.n:,} real and {args.n:,} fake) | wall s | CPU s |")
    print("| --- | --- | --- |")
    for name, wall, cpu in computation:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
