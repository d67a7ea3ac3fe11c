"""Latency of one exported generator file in a process that only loads and serves it.

Run on demand (this is not a test)::

    python benchmarks/serving_loop.py generator.onnx --batch 1
    python benchmarks/serving_loop.py generator.tflite --batch 8 --calls 100 --threads 2

What a server does: a fresh process loads the file with the runtime settings the export
package recommends (`keras_gans_export.runtime_settings.onnx_session` for `.onnx`,
`tflite_interpreter` for `.tflite`, `threads` = the usable cores), fixes the input to the
batch, makes `--warm-up` calls, then `--calls` back-to-back timed calls on the same input.
It prints one JSON line: the file, runtime, batch, threads, and the median, 10th and 90th
percentile milliseconds per call. `benchmarks/export_latency.py --serving-processes N`
runs it in N fresh processes per file and batch size beside its interleaved table, since a
runtime's latency differs from process to process on this machine (docs/guide/export.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import usable_cores  # noqa: E402  (benchmarks/machine.py)
from runtimes import tflite_runner  # noqa: E402  (benchmarks/runtimes.py)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="an exported .onnx or .tflite file")
    parser.add_argument("--batch", type=int, default=1, help="default: 1")
    parser.add_argument("--calls", type=int, default=200, help="timed calls (default 200)")
    parser.add_argument("--warm-up", type=int, default=20, help="untimed calls (default 20)")
    parser.add_argument("--threads", type=int, default=None, help="default: the usable cores")
    parser.add_argument("--seed", type=int, default=0, help="of the random input (default 0)")
    args = parser.parse_args(argv)
    if args.path.suffix not in (".onnx", ".tflite"):
        parser.error(f"path must end in .onnx or .tflite; received {str(args.path)!r}")
    if not args.path.is_file():
        parser.error(f"path: no such file: {str(args.path)!r}")
    for name in ("batch", "calls", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be positive; received {value}")
    if args.warm_up < 0:
        parser.error(f"--warm-up must be >= 0; received {args.warm_up}")
    return args


def onnx_call(path, batch, threads, rng):
    """A zero-argument call of an ONNX Runtime session on one random batch."""
    from keras_gans_export.runtime_settings import onnx_session

    session = onnx_session(path, threads)
    spec = session.get_inputs()[0]
    shape = [batch] + [int(d) for d in spec.shape[1:]]
    feed = {spec.name: _random_input(shape, rng)}
    output = session.get_outputs()[0].name
    return lambda: session.run([output], feed)[0]


def tflite_call(path, batch, threads, rng):
    """A zero-argument call of a LiteRT interpreter resized to `batch`, on one random batch
    (`runtimes.tflite_runner`, as `export_latency.py` times it)."""
    prepare = tflite_runner(path, threads)
    detail = prepare.input_detail
    shape = [batch] + [int(d) for d in detail["shape"][1:]]
    return prepare(_random_input(shape, rng).astype(detail["dtype"]))


def _random_input(shape, rng):
    """Latent vectors (2-D) or images in [-1, 1] (4-D), float32."""
    if len(shape) == 2:
        return rng.standard_normal(shape).astype("float32")
    return rng.uniform(-1.0, 1.0, shape).astype("float32")


def serve(path, batch=1, calls=200, warm_up=20, threads=None, seed=0):
    """Loads `path`, warms up, times `calls` back-to-back calls; returns the summary dict."""
    rng = np.random.default_rng(seed)
    make = onnx_call if Path(path).suffix == ".onnx" else tflite_call
    start = time.perf_counter()
    call = make(str(path), batch, threads, rng)
    load = time.perf_counter() - start
    for _ in range(warm_up):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    deciles = statistics.quantiles(times, n=10) if len(times) > 1 else times * 9
    return {
        "path": str(path),
        "runtime": "onnxruntime" if make is onnx_call else "tflite",
        "batch": batch,
        "threads": threads,
        "calls": calls,
        "load_s": round(load, 3),
        "median_ms": round(statistics.median(times) * 1e3, 3),
        "p10_ms": round(deciles[0] * 1e3, 3),
        "p90_ms": round(deciles[-1] * 1e3, 3),
    }


def in_fresh_processes(files, batch_sizes, processes, threads, calls):
    """`{name: {batch: [median ms of each process]}}`: each file served in fresh processes.

    Args:
        files: `{name: path}` of `.onnx` and `.tflite` files (others are left out).
        batch_sizes: The batch sizes, each in its own processes.
        processes: Processes per file and batch size (0: none, `{}` is returned).
        threads: Each runtime's threads.
        calls: `(name, batch) -> int`, the timed calls of each process.

    The files alternate within each round of processes, so a slow spell of the machine
    hits them all.
    """
    files = {n: p for n, p in files.items() if Path(p).suffix in (".onnx", ".tflite")}
    results = {name: {b: [] for b in batch_sizes} for name in files} if processes else {}
    for _ in range(processes):
        for b in batch_sizes:
            for name, path in files.items():
                command = [sys.executable, __file__, str(path), "--batch", str(b)]
                command += ["--threads", str(threads), "--calls", str(calls(name, b))]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
                results[name][b].append(json.loads(done.stdout.splitlines()[-1])["median_ms"])
        print(f"serving loops: a round of {len(files)} files done", file=sys.stderr)
    return results


def serving_table(results, processes):
    """A Markdown table of `in_fresh_processes`' results: median of medians (range)."""
    batch_sizes = list(next(iter(results.values())))
    lines = [
        f"In a serving process (`benchmarks/serving_loop.py`, {processes} fresh processes per "
        "file and batch size, each loading only that file, 20 warm-up calls, then "
        "back-to-back timed calls): the median of the processes' medians in ms, their range "
        "in brackets.",
        "",
        "| runtime | " + " | ".join(f"batch {b} (ms)" for b in batch_sizes) + " |",
        "| --- " * (len(batch_sizes) + 1) + "|",
    ]
    for name, by_batch in results.items():
        cells = [
            f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})" for v in by_batch.values()
        ]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    threads = args.threads or usable_cores()
    result = serve(args.path, args.batch, args.calls, args.warm_up, threads, args.seed)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
