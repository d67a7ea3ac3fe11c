"""The exporters' own path against Keras's `model.export`, format by format.

Run on demand (this is not a test)::

    python benchmarks/export_paths.py                 # 64x64x3 DCGAN, batches 1 and 64
    python benchmarks/export_paths.py --rounds 40 --formats onnx

One generator (the `dcgan` architecture's for 64x64x3 images, latent 100) is exported to
each format twice:

* **keras-gans**: `keras_gans.export.export(gan, path, format=..., verify=False)` (the
  serving function traced by `build_serving`, with its named signature and metadata; the
  verification the exporters run by default is left out so both paths do the same work);
* **Keras**: `generator.export(path, format="tf_saved_model" | "onnx" | "litert")`.

For each artifact the table gives the export time (the faster of two exports, in seconds,
the runtimes imported beforehand), its size on disk, the largest absolute difference from
`generator(z, training=False)` on a seeded batch of 16 (parity), and the median latency
over `--rounds` calls per batch size after two warm-up calls, each artifact run in its own
runtime: `tf.saved_model.load(...).signatures["serving_default"]`, an ONNX Runtime
`InferenceSession` (CPU provider), the LiteRT `Interpreter` with one thread per usable core
and its input resized to the batch. The two artifacts of a format are timed alternately,
call by call, so a slow spell of a shared machine hits both. The float32 matmul peak of the
same machine, measured at the start, puts the latencies in scale.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_name, usable_cores, version  # benchmarks/machine.py
from runtimes import tflite_runner  # benchmarks/runtimes.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FORMATS = ("saved_model", "onnx", "tflite")
#: Our format name -> (Keras's `format=`, the artifact's name).
KERAS_FORMATS = {
    "saved_model": ("tf_saved_model", "keras_saved_model"),
    "onnx": ("onnx", "keras.onnx"),
    "tflite": ("litert", "keras.tflite"),
}
OURS = {"saved_model": "ours_saved_model", "onnx": "ours.onnx", "tflite": "ours.tflite"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed calls (default 20)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 64], help="default: 1 64")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    args = parser.parse_args(argv)
    if args.rounds < 1 or min(args.batch_sizes) < 1:
        parser.error("--rounds and --batch-sizes must be positive")
    return args


def matmul_peak():
    """Median float32 GFLOP/s of a 2048x2048 matmul in TensorFlow (graph mode)."""
    import tensorflow as tf

    n = 2048
    a = tf.random.stateless_normal((n, n), seed=(1, 2))
    matmul = tf.function(lambda x: tf.reduce_sum(tf.matmul(x, x)))
    matmul(a).numpy()
    times = []
    for _ in range(10):
        start = time.perf_counter()
        matmul(a).numpy()
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def saved_model_runner(path):
    import tensorflow as tf

    signature = tf.saved_model.load(str(path)).signatures["serving_default"]
    (name,) = signature.structured_input_signature[1]
    (output,) = signature.structured_outputs

    def prepare(z):
        tensor = tf.constant(z)
        return lambda: signature(**{name: tensor})[output].numpy()

    return prepare


def onnx_runner(path):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name, output = session.get_inputs()[0].name, session.get_outputs()[0].name
    return lambda z: lambda: session.run([output], {name: z})[0]


RUNNERS = {"saved_model": saved_model_runner, "onnx": onnx_runner, "tflite": tflite_runner}


def export_both(gan, fmt, folder, repeats=2):
    """`{path name: (artifact path, export seconds)}` for our exporter and for Keras's.

    Each path exports `repeats` times, alternating which goes first; the time is the fastest.
    """
    from keras_gans import export

    keras_format, name = KERAS_FORMATS[fmt]

    def ours():
        return export.export(gan, folder / OURS[fmt], format=fmt, verify=False).path

    def keras_path():
        gan.generator.export(str(folder / name), format=keras_format, verbose=False)
        return folder / name

    paths = {"keras-gans": ours, "Keras": keras_path}
    seconds = {key: [] for key in paths}
    artifacts = {}
    for repeat in range(repeats):
        for key in list(paths)[:: 1 if repeat % 2 == 0 else -1]:
            start = time.perf_counter()
            artifacts[key] = paths[key]()
            seconds[key].append(time.perf_counter() - start)
    return {key: (artifacts[key], min(seconds[key])) for key in paths}


def size_mib(path):
    """Size of a file, or of every file under a directory, in MiB."""
    path = Path(path)
    files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files) / 2**20


def measure(prepared, rounds):
    """Median seconds per call of each prepared call, alternating, after two warm-ups."""
    for call in prepared.values():
        call()
        call()
    times = {name: [] for name in prepared}
    for _ in range(rounds):
        for name, call in prepared.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None):
    args = parse_args(argv)
    import ai_edge_litert.interpreter  # noqa: F401 - imported before any timing
    import keras
    import numpy as np
    import onnx  # noqa: F401
    import onnxruntime  # noqa: F401
    import tensorflow as tf
    import tf2onnx  # noqa: F401

    import keras_gans

    load_start = os.getloadavg()[0]
    peak = matmul_peak()
    keras.utils.set_random_seed(args.seed)
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(64, 64, 3), latent_dim=100, seed=args.seed
    )
    generator = gan.generator
    z_check = np.random.default_rng(args.seed).standard_normal((16, 100)).astype("float32")
    reference = np.asarray(generator(z_check, training=False))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in args.formats:
            artifacts = export_both(gan, fmt, Path(folder))
            runners = {name: RUNNERS[fmt](path) for name, (path, _) in artifacts.items()}
            parity = {
                name: float(np.max(np.abs(prepare(z_check)() - reference)))
                for name, prepare in runners.items()
            }
            latency = {}
            for batch in args.batch_sizes:
                z = np.random.default_rng(batch).standard_normal((batch, 100)).astype("float32")
                prepared = {name: prepare(z) for name, prepare in runners.items()}
                latency[batch] = measure(prepared, args.rounds)
            for name, (_, seconds) in artifacts.items():
                cells = [f"{latency[b][name] * 1e3:.1f}" for b in args.batch_sizes]
                path = artifacts[name][0]
                size = f"{size_mib(path):.1f}"
                rows.append((fmt, name, f"{seconds:.1f}", size, f"{parity[name]:.1g}", *cells))
            print(f"measured {fmt}", file=sys.stderr)

    print(
        f"DCGAN generator 64x64x3, latent 100, {generator.count_params() / 1e6:.1f} M "
        f"parameters. Machine: {cpu_name()}, {usable_cores()} usable cores, float32 matmul "
        f"peak {peak:.0f} GFLOP/s; Python {platform.python_version()}, TensorFlow "
        f"{tf.__version__}, Keras {keras.__version__}, tf2onnx {version('tf2onnx')}, onnx "
        f"{version('onnx')}, onnxruntime {version('onnxruntime')}, ai-edge-litert "
        f"{version('ai-edge-litert')}. Latency: median of {args.rounds} calls after 2 "
        f"warm-ups. Load average: {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end.\n"
    )
    batches = " | ".join(f"batch {b} (ms)" for b in args.batch_sizes)
    print(f"| format | path | export (s) | size (MiB) | max abs diff vs Keras | {batches} |")
    print("| --- " * (5 + len(args.batch_sizes)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
