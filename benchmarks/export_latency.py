"""Inference latency and artifact size of one generator in every export runtime.

Run on demand (this is not a test)::

    python benchmarks/export_latency.py                  # 64x64x3 DCGAN, batches 1, 8, 64
    python benchmarks/export_latency.py --rounds 40 --batch-sizes 1 16 64 --peak-gflops 218
    python benchmarks/export_latency.py --arch pix2pix --image-side 256 --batch-sizes 1 8

The generator is the `dcgan` architecture's for 64x64x3 images (latent 100, base filters
64: 12.7 M parameters), exported with `keras_gans.export` to SavedModel, ONNX and TFLite
(float32, float16, dynamic-range and int8, with transposed convolutions in the exporters'
default sub-pixel form, plus float32 with LiteRT's native `TRANSPOSE_CONV` for comparison),
each verified against Keras on export. With
`--arch pix2pix` or `--arch cyclegan` it is the translator instead (A to B, an image input
`x` of the given side, verified on random images; the paper's pix2pix U-Net at 256x256
has 54.4 M parameters). Then, for each batch size, every runtime runs the same inputs:

* Keras `predict`: `generator.predict(z, batch_size=b, verbose=0)` (what a script calls);
* compiled `tf.function`: the generator called in a traced function (graph mode, no XLA),
  and the same with XLA (`jit_compile=True`);
* SavedModel: the `serving_default` signature of `tf.saved_model.load`;
* ONNX Runtime: `keras_gans_export.runtime_settings.onnx_session` (intra-op threads = the
  usable cores, sequential, all graph optimisations; CUDA first when a GPU is present);
* TFLite: `runtime_settings.tflite_interpreter` (the LiteRT `Interpreter` with the default
  XNNPACK delegate, `num_threads` = the usable cores), the input resized to the batch.

Timings interleave the runtimes (one timed call each per round, the order rotating), so a
slow spell of a shared machine hits them all; each runtime first makes one warm-up call, and
each timed call follows a 50 ms pause (other runtimes' spinning threads go to sleep) and an
untimed call of the same runtime (a server's steady state). A runtime whose calls are slow
gets fewer rounds (at least 3; `--budget` seconds each). The
table gives the median over the measured rounds, in milliseconds per call, and images per
second.

Then, with `--serving-processes N` (default 3; 0 skips it), each exported ONNX and TFLite
file is timed the way a server runs it: `benchmarks/serving_loop.py` in N fresh processes
per file and batch size (load, 20 warm-up calls, back-to-back timed calls; the processes
alternate between files), and a second table gives the median of the processes' medians
with their range. On this machine a runtime's latency differs from process to process, and
the benchmark's own process (which exported every file and holds every runtime) was slower
than a serving process (docs/guide/export.md, "Latency").
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

import numpy as np
from machine import cpu_name, usable_cores, version  # benchmarks/machine.py
from runtimes import tflite_runner  # benchmarks/runtimes.py
from serving_loop import in_fresh_processes, serving_table  # benchmarks/serving_loop.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


#: `--runtimes` names: each runtime's short name and its row in the table.
RUNTIMES = {
    "keras": "Keras `predict`",
    "graph": "`tf.function` (graph)",
    "xla": "`tf.function` (XLA)",
    "saved-model": "SavedModel",
    "onnx": "ONNX Runtime",
    "tflite": "TFLite float32",
    "tflite-native": "TFLite float32, native `TRANSPOSE_CONV`",
    "tflite-float16": "TFLite float16",
    "tflite-dynamic": "TFLite dynamic",
    "tflite-int8": "TFLite int8",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="measured rounds (default 20)")
    parser.add_argument(
        "--arch", choices=("dcgan", "pix2pix", "cyclegan"), default="dcgan", help="default: dcgan"
    )
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[1, 8, 64], help="default: 1 8 64"
    )
    parser.add_argument(
        "--peak-gflops",
        type=float,
        default=218.0,
        help="the machine's float32 peak the fractions are taken of (default 218)",
    )
    parser.add_argument(
        "--runtimes",
        nargs="+",
        choices=list(RUNTIMES),
        default=list(RUNTIMES),
        help="the runtimes to export and time (default: all); one alone shows it without "
        "the others' memory and threads in the process",
    )
    parser.add_argument("--image-side", type=int, default=64, help="default: 64")
    parser.add_argument("--latent-dim", type=int, default=100, help="default: 100")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds of calls per runtime and batch size; slower runtimes get fewer "
        "rounds, at least 3 (default 30)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads of every runtime (default: the usable cores); the peak scales with them",
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: elapsed time (default); cpu: the process's CPU time, which another "
        "job's load does not inflate (use it with --threads 1 on a shared machine)",
    )
    parser.add_argument(
        "--serving-processes",
        type=int,
        default=3,
        help="fresh processes that time each exported file with benchmarks/serving_loop.py "
        "(default 3; 0: skip)",
    )
    args = parser.parse_args(argv)
    if args.serving_processes < 0:
        parser.error("--serving-processes must be >= 0")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be positive")
    if args.rounds < 1 or min(args.batch_sizes) < 1:
        parser.error("--rounds and --batch-sizes must be positive")
    return args


def export_all(gan, folder, names=None):
    """Exports the variants among `names` (default all); returns `{name: ExportResult}`."""
    from keras_gans import export

    variants = {
        "SavedModel": ("saved_model", "generator_saved_model", {}),
        "ONNX Runtime": ("onnx", "generator.onnx", {}),
        "TFLite float32": ("tflite", "generator.tflite", {}),
        "TFLite float32, native `TRANSPOSE_CONV`": (
            "tflite",
            "generator_native.tflite",
            {"conv_transpose": "native"},
        ),
        "TFLite float16": ("tflite", "generator_fp16.tflite", {"quantize": "float16"}),
        "TFLite dynamic": ("tflite", "generator_dynamic.tflite", {"quantize": "dynamic"}),
        "TFLite int8": ("tflite", "generator_int8.tflite", {"quantize": "int8"}),
    }
    results = {}
    for name, (fmt, file, options) in variants.items():
        if names is not None and name not in names:
            continue
        start = time.perf_counter()
        results[name] = export.export(gan, folder / file, format=fmt, **options)
        print(
            f"exported {name}: {time.perf_counter() - start:.1f} s, {results[name]}",
            file=sys.stderr,
        )
    return results


def build_runners(generator, results, gpu, threads, input_name="z"):
    """`{name: (prepare(batch) -> call)}`: each prepares a zero-argument call on a batch."""
    import onnxruntime
    import tensorflow as tf

    from keras_gans_export.runtime_settings import onnx_session

    def keras_predict(z):
        return lambda: generator.predict(z, batch_size=len(z), verbose=0)

    graph = tf.function(lambda z: generator(z, training=False), jit_compile=False)
    xla = tf.function(lambda z: generator(z, training=False), jit_compile=True)

    def traced(function):
        def prepare(z):
            tensor = tf.constant(z)
            return lambda: function(tensor).numpy()

        return prepare

    signatures = []  # loaded on first use: only when SavedModel is timed

    def saved_model(z):
        if not signatures:
            loaded = tf.saved_model.load(str(results["SavedModel"].path))
            signatures.append(loaded.signatures["serving_default"])
        tensor = tf.constant(z)
        return lambda: signatures[0](**{input_name: tensor})["images"].numpy()

    providers = ["CPUExecutionProvider"]
    if gpu and "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    sessions = []

    def onnx_runtime(z):
        if not sessions:
            path = results["ONNX Runtime"].path
            sessions.append(onnx_session(path, threads, providers=providers))
        return lambda: sessions[0].run(["images"], {input_name: z})[0]

    def tflite(name):
        return tflite_runner(results[name].path, threads)

    runners = {
        "Keras `predict`": keras_predict,
        "`tf.function` (graph)": traced(graph),
        "`tf.function` (XLA)": traced(xla),
        "SavedModel": saved_model,
        "ONNX Runtime": onnx_runtime,
    }
    for name in results:
        if name.startswith("TFLite"):
            runners[name] = tflite(name)
    return runners


#: Seconds of pause before each timed runtime: long enough for the thread pools of the
#: runtime timed before it (ONNX Runtime's, TensorFlow's, XNNPACK's), which spin a while
#: after a call, to go to sleep, so that no runtime is timed against another's spinning
#: threads. On the quiet 2-core machine it changed no figure; TFLite's spread there is
#: between processes, not between runtimes (docs/guide/export.md, "Latency").
SETTLE = 0.05


def measure(runners, z, rounds, budget, clock=time.perf_counter):
    """Median seconds per call of each runner, interleaved, after one warm-up call each.

    In each round each runtime, in turn, gets a pause (`SETTLE`), an untimed call (its
    weights back in cache, its threads awake: the steady state of a server) and the timed
    call. A runner whose warm-up call took longer than `budget / (2 * rounds)` seconds gets
    fewer rounds (at least 3), so one slow runtime does not hold the whole table back.
    """
    names = list(runners)
    calls, quota = {}, {}
    for name in names:  # prepare and warm up each runtime at this batch size
        calls[name] = runners[name](z)
        start = clock()
        calls[name]()
        warm_up = clock() - start
        quota[name] = max(3, min(rounds, int(budget / max(2 * warm_up, 1e-9))))
        print(f"  {name}: warm-up {warm_up * 1e3:.1f} ms, {quota[name]} rounds", file=sys.stderr)
    times = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            if len(times[name]) >= quota[name]:
                continue
            time.sleep(SETTLE)
            calls[name]()
            start = clock()
            calls[name]()
            times[name].append(clock() - start)
    return {name: (statistics.median(v), len(v)) for name, v in times.items()}


def flops_per_sample(network):
    """2 x the multiply-adds of `network`'s dense and convolution layers for one sample.

    A convolution costs `2 * kh * kw * in_channels * filters` per output position, a
    transposed convolution the same per input position, a dense layer `2 * inputs * units`;
    elementwise layers (normalisation, activations) are left out. `None` when a layer's
    shapes cannot be read (a subclassed network).
    """
    import keras

    total = 0
    try:
        for layer in network._flatten_layers(include_self=False):
            if isinstance(layer, keras.layers.Dense):
                total += 2 * layer.kernel.shape[0] * layer.units
            elif isinstance(layer, keras.layers.Conv2DTranspose):
                positions = layer.input.shape[1] * layer.input.shape[2]
                total += 2 * positions * int(np.prod(layer.kernel.shape))
            elif isinstance(layer, keras.layers.Conv2D):
                positions = layer.output.shape[1] * layer.output.shape[2]
                total += 2 * positions * int(np.prod(layer.kernel.shape))
    except (AttributeError, TypeError, ValueError):
        return None
    return total


def human_size(size):
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


def main(argv=None):
    args = parse_args(argv)
    import keras
    import tensorflow as tf

    import keras_gans

    load_start = os.getloadavg()[0]
    threads = args.threads or usable_cores()
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    gpus = tf.config.list_physical_devices("GPU")
    keras.utils.set_random_seed(args.seed)
    side = args.image_side
    gan = keras_gans.GANModel.from_architecture(
        args.arch, image_shape=(side, side, 3), latent_dim=args.latent_dim, seed=args.seed
    )
    translator = args.arch != "dcgan"
    generator = gan.translator() if translator else gan.generator
    with tempfile.TemporaryDirectory() as folder:
        names = [RUNTIMES[r] for r in args.runtimes]
        results = export_all(gan, Path(folder), names)
        runners = build_runners(generator, results, bool(gpus), threads, "x" if translator else "z")
        runners = {name: runner for name, runner in runners.items() if name in names}
        medians = {}
        for batch in args.batch_sizes:
            rng = np.random.default_rng(args.seed)
            shape = (batch, side, side, 3) if translator else (batch, args.latent_dim)
            inputs = rng.uniform(-1, 1, shape) if translator else rng.standard_normal(shape)
            medians[batch] = measure(
                runners, inputs.astype("float32"), args.rounds, args.budget, clock
            )
            print(f"measured batch {batch}", file=sys.stderr)
        serving = in_fresh_processes(
            {name: result.path for name, result in results.items()},
            args.batch_sizes,
            args.serving_processes,
            threads,
            # about --budget seconds of timed calls per file and batch, 20 to 200 calls each
            calls=lambda name, b: max(
                20, min(200, int(args.budget / args.serving_processes / medians[b][name][0]))
            ),
        )

    parameters = generator.count_params()
    keras_size = sum(w.numpy().nbytes for w in generator.weights)
    what = f"{args.arch} translator, images" if translator else "DCGAN generator"
    print(
        f"{what} {side}x{side}x3, latent {args.latent_dim}, "
        f"{parameters / 1e6:.1f} M parameters. Machine: {cpu_name()}, {usable_cores()} usable "
        f"cores, {'GPU: ' + ', '.join(g.name for g in gpus) if gpus else 'no GPU'}; "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras "
        f"{keras.__version__}, tf2onnx {version('tf2onnx')}, onnxruntime "
        f"{version('onnxruntime')}, ai-edge-litert {version('ai-edge-litert')}. Median of "
        f"up to {args.rounds} interleaved rounds after a warm-up, each timed call after a 50 ms "
        "pause and an untimed call (rounds in brackets where "
        "a slow runtime got fewer). Load average (all processes) during the run: "
        f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n"
    )
    flops = flops_per_sample(generator)
    peak = args.peak_gflops * 1e9 * threads / usable_cores()
    if flops:
        print(
            f"Work: {flops / 1e9:.3f} GFLOP per sample (2 x the multiply-adds of the dense and "
            f"convolution layers). Peak assumed: {args.peak_gflops:.0f} GFLOP/s float32 on "
            f"{usable_cores()} cores (--peak-gflops), {peak / 1e9:.0f} GFLOP/s on the "
            f"{threads} thread(s) used, so the floor at batch 1 is {flops / peak * 1e3:.1f} "
            f"ms. Times: {'process CPU time' if args.clock == 'cpu' else 'wall clock'}, "
            f"{threads} thread(s) per runtime. In brackets: the fraction of that peak each "
            "call reaches.\n"
        )
    header = "| runtime | " + " | ".join(f"batch {b} (ms)" for b in args.batch_sizes)
    largest = max(args.batch_sizes)
    print(header + f" | images/s at batch {largest} | artifact size | max diff vs Keras |")
    print("| --- " * (len(args.batch_sizes) + 4) + "|")
    for name in medians[args.batch_sizes[0]]:
        cells = []
        for b in args.batch_sizes:
            median, count = medians[b][name]
            cell = f"{median * 1e3:.1f}" + (f" [{count} rounds]" if count < args.rounds else "")
            if flops:
                cell += f" ({b * flops / median / peak:.0%})"
            cells.append(cell)
        throughput = largest / medians[largest][name][0]
        result = results.get(name)
        size = human_size(result.size_bytes) if result else f"{human_size(keras_size)} (weights)"
        diff = f"{result.verification.max_abs_diff:.1g}" if result else "-"
        print(f"| {name} | {' | '.join(cells)} | {throughput:,.0f} | {size} | {diff} |")
    print()
    if serving:
        print(serving_table(serving, args.serving_processes))
    for b in args.batch_sizes:
        for label, names in (("any", list(medians[b])), ("float32", _float32(medians[b]))):
            best = min(names, key=lambda name: medians[b][name][0])
            print(f"Fastest at batch {b} ({label}): {best}, {medians[b][best][0] * 1e3:.1f} ms.")


def _float32(table):
    """The runtimes that compute in float32 (not the quantised TFLite models)."""
    return [name for name in table if not any(q in name for q in ("float16", "dynamic", "int8"))]


if __name__ == "__main__":
    main()
