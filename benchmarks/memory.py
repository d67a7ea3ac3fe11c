"""Peak memory of DCGAN 64x64x3 training at batch 256, and of FID + KID over 50,000 samples.

Run on demand (this is not a test)::

    python benchmarks/memory.py                          # every configuration below
    python benchmarks/memory.py --configs float32 --steps 2
    python benchmarks/memory.py --configs metrics-50k --feature-dim 64

Each configuration runs in a fresh subprocess, so peaks do not mix; it reports the resident
set size after importing TensorFlow (the baseline), the peak resident set size (`VmHWM`),
and on a GPU `tf.config.experimental.get_memory_info('GPU:0')['peak']`, and exits non-zero
when a peak exceeds its budget (the table says which):

* `float32`, `mixed_float16`, `mixed_bfloat16`: `GANModel.fit` of the DCGAN (Radford et al.,
  2016) on 64x64x3 images, latent 100, base_filters 64, batch 256, Adam for both networks,
  for `--steps` steps (the first traces the step; the peak is reached in it). The budget is
  `baseline + estimate + 512 MiB`: the estimate is the float32 variables with their
  gradients and Adam's two moments (16 bytes per parameter), plus every layer's output for
  one step (G on a batch, D on a real and a fake batch: the activations the tape keeps) in
  float32 twice (the kept outputs and their gradients); 512 MiB covers TensorFlow's traced
  graphs, thread pools and allocator caches. `mixed_float16` is left out of the default
  list on a machine without a GPU: CPUs emulate float16 convolutions (2 steps took 6
  minutes here, against 40-85 s for float32 and bfloat16); name it in `--configs` to run it.
* `metrics-50k`: `FrechetDistance` (streaming: float64 sums and sums of outer products) updated
  with 50 batches of 1,000 real and 1,000 fake `--feature-dim` vectors drawn per batch (the
  Inception pool's 2,048 by default), while the vectors are also written into two
  preallocated float32 arrays; then `kid` (100 subsets of 1,000, Binkowski et al. 2018) on
  them. The budget is `baseline + 3 * feature bytes + 1 GiB`: KID draws subsets from the
  whole sets, so it holds every feature (float32 here, copied to float64 by `kid`: 3x the
  float32 size), never an n x n kernel matrix (n = 50,000: 20 GB in float64).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from machine import cpu_name, usable_cores, version  # benchmarks/machine.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TRAINING = ("float32", "mixed_float16", "mixed_bfloat16")
CONFIGS = (*TRAINING, "metrics-50k")
IMAGE_SHAPE = (64, 64, 3)
LATENT_DIM = 100
GIB = 2**30
MIB = 2**20


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Peak RSS (and GPU memory) of DCGAN 64x64 training and of 50k-sample metrics."
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=CONFIGS,
        default=None,
        help="configurations, each in its own subprocess (default: all, less mixed_float16 "
        "when no GPU is visible)",
    )
    parser.add_argument("--batch-size", type=int, default=256, help="default: 256")
    parser.add_argument(
        "--steps", type=int, default=2, help="training steps per configuration (default: 2)"
    )
    parser.add_argument("--samples", type=int, default=50_000, help="metrics-50k: default 50000")
    parser.add_argument(
        "--feature-dim", type=int, default=2048, help="metrics-50k: feature size (default 2048)"
    )
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--child", choices=CONFIGS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("batch_size", "steps", "samples", "feature_dim"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.configs is None:
        args.configs = [c for c in CONFIGS if c != "mixed_float16" or gpu_visible()]
    if args.samples < 1000:
        parser.error(f"--samples must be at least 1000 (KID's subsets). Received: {args.samples}")
    return args


def gpu_visible():
    """Whether an NVIDIA GPU is there, without importing TensorFlow in the parent."""
    return os.path.exists("/dev/nvidia0") or os.path.exists("/proc/driver/nvidia/gpus")


def memory_status():
    """`(current, peak)` resident set size in bytes, from /proc/self/status."""
    values = {}
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _ = line.split()
                values[key] = int(amount) * 1024
    return values["VmRSS:"], values["VmHWM:"]


def gpu_peak(tf):
    """Peak bytes allocated on GPU:0, or `None` without a GPU."""
    if not tf.config.list_physical_devices("GPU"):
        return None
    return tf.config.experimental.get_memory_info("GPU:0")["peak"]


def activation_elements(keras, network):
    """Elements of every layer output of a functional network, for one sample."""
    outputs = [o for layer in network.layers for o in keras.tree.flatten(layer.output)]
    return sum(_elements(output.shape[1:]) for output in outputs)


def _elements(shape):
    count = 1
    for size in shape:
        count *= int(size)
    return count


def training_child(args, policy):
    import keras
    import numpy as np
    import tensorflow as tf

    import keras_gans

    baseline, _ = memory_status()
    keras.config.set_dtype_policy(policy)
    keras.utils.set_random_seed(args.seed)
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=IMAGE_SHAPE, latent_dim=LATENT_DIM, seed=args.seed
    )
    gan.compile(keras.optimizers.Adam(2e-4, 0.5), keras.optimizers.Adam(2e-4, 0.5))
    rng = np.random.default_rng(args.seed)
    images = rng.uniform(-1, 1, size=(2 * args.batch_size, *IMAGE_SHAPE)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).repeat().batch(args.batch_size)
    params = gan.generator.count_params() + gan.discriminator.count_params()
    per_sample = activation_elements(keras, gan.generator) + 2 * activation_elements(
        keras, gan.discriminator
    )
    # float32 activations for every policy: mixed layers keep float32 batch-norm statistics
    # and casts, and on this CPU mixed runs peaked as high as float32 ones.
    estimate = 16 * params + 2 * args.batch_size * per_sample * 4
    start = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=args.steps, verbose=0)
    seconds = time.perf_counter() - start
    _, peak = memory_status()
    return {
        "baseline": baseline,
        "peak": peak,
        "gpu_peak": gpu_peak(tf),
        "budget": baseline + estimate + GIB // 2,
        "estimate": estimate,
        "detail": f"{params / 1e6:.2f} M parameters, {per_sample / 1e6:.2f} M activations per "
        f"sample; {args.steps} steps in {seconds:.1f} s",
    }


def metrics_child(args):
    import numpy as np
    import tensorflow as tf

    from keras_gans import metrics

    baseline, _ = memory_status()
    n, d, batch = args.samples, args.feature_dim, 1000
    rng = np.random.default_rng(args.seed)
    frechet = metrics.FrechetDistance(feature_dim=d)
    real = np.empty((n, d), "float32")
    fake = np.empty((n, d), "float32")
    start = time.perf_counter()
    for begin in range(0, n, batch):
        stop = min(begin + batch, n)
        real[begin:stop] = rng.normal(size=(stop - begin, d))
        fake[begin:stop] = rng.normal(size=(stop - begin, d)) * 1.1 + 0.05
        frechet.update_state(real[begin:stop], fake[begin:stop])
    fid = float(frechet.result())
    _, after_fid = memory_status()
    kid = metrics.kid(real, fake, extractor=None, seed=args.seed)
    seconds = time.perf_counter() - start
    _, peak = memory_status()
    feature_bytes = real.nbytes + fake.nbytes
    return {
        "baseline": baseline,
        "peak": peak,
        "gpu_peak": gpu_peak(tf),
        "budget": baseline + 3 * feature_bytes + GIB,
        "estimate": 3 * feature_bytes,
        "detail": f"n={n:,} per side, d={d}; streaming FID {fid:.3f} (peak "
        f"{(after_fid - baseline) / MIB:,.0f} MiB over baseline with the features stored), "
        f"KID {kid.value:.4f}; {seconds:.1f} s",
    }


def run_child(args, config):
    """Runs one configuration in a fresh interpreter; returns its JSON result."""
    command = [sys.executable, os.path.abspath(__file__), "--child", config]
    for name in ("batch_size", "steps", "samples", "feature_dim", "seed"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        return {"error": f"exit status {done.returncode}:\n{tail}"}
    return json.loads(lines[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.child is not None:
        if args.child in TRAINING:
            result = training_child(args, args.child)
        else:
            result = metrics_child(args)
        print(json.dumps(result))
        return 0
    print(
        f"machine: {cpu_name()}, {usable_cores()} cores usable ({os.cpu_count()} online), "
        f"{platform.system()} {platform.machine()}"
    )
    print(
        f"python {platform.python_version()}, tensorflow {version('tensorflow')}, "
        f"keras {version('keras')}, numpy {version('numpy')}"
    )
    print(
        f"DCGAN {IMAGE_SHAPE}, latent {LATENT_DIM}, batch {args.batch_size}, {args.steps} fit "
        f"steps; metrics: n={args.samples:,}, d={args.feature_dim}; one subprocess each"
    )
    sys.stdout.flush()
    rows, failed = [], []
    for config in args.configs:
        result = run_child(args, config)
        if "error" in result:
            print(f"{config}: failed, {result['error']}")
            failed.append(config)
            continue
        within = result["peak"] <= result["budget"]
        if not within:
            failed.append(config)
        gpu = "-" if result["gpu_peak"] is None else f"{result['gpu_peak'] / MIB:,.0f}"
        rows.append(
            f"| {config} | {result['baseline'] / MIB:,.0f} | {result['peak'] / MIB:,.0f} | "
            f"{(result['peak'] - result['baseline']) / MIB:,.0f} | "
            f"{result['estimate'] / MIB:,.0f} | {result['budget'] / MIB:,.0f} | {gpu} | "
            f"{'yes' if within else 'NO'} | {result['detail']} |"
        )
        print(f"{config}: done", flush=True)
    print(
        "\n| configuration | baseline RSS MiB | peak RSS MiB | peak - baseline MiB | "
        "estimate MiB | budget MiB | GPU peak MiB | within budget | detail |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    )
    print("\n".join(rows))
    if failed:
        print(f"\nOVER BUDGET OR FAILED: {', '.join(failed)}")
        return 1
    print("\nEvery peak is within its budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
