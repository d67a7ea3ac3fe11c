"""How fast could ONNX Runtime run the 64x64 DCGAN generator at batch 1? Its GEMMs alone.

Run on demand (this is not a test)::

    python benchmarks/onnx_gemm_floor.py               # 64x64x3 DCGAN, 2 threads
    python benchmarks/onnx_gemm_floor.py --rounds 400 --threads 1

A transposed convolution with a k x k kernel on an h x w input is one matrix product,
(h*w, C_in) x (C_in, k*k*C_out), followed by col2im (adding the k*k overlapping columns
into the output); a dense layer is one product. Every multiply-add of the generator is in
these products, so the time ONNX Runtime's own GEMM (MLAS) takes for them, each run as a
single `MatMul` node with the layer's shapes, bounds what any ONNX graph of the same
network can reach on this machine, whatever layout or rewrite it uses. The script prints,
per layer, that `MatMul` against the layer's node in the exported generator (the
`ConvTranspose` or `MatMul` of `keras_gans.export(..., format="onnx")`, per-node times
from ONNX Runtime's profiler; every session with the serving settings of
`keras_gans_export.runtime_settings.onnx_session_options`), and both as a fraction of the
float32 peak (`--peak-gflops`, default 218 GFLOP/s for 2 cores, issue 19's figure). The
sessions alternate in blocks of 20 timed calls (after 5 untimed ones), `--rounds` calls
each, and the medians are printed.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_name, usable_cores, version  # noqa: E402  (benchmarks/machine.py)

BLOCK = 20  # timed calls of one session in a row
UNTIMED = 5  # calls before each block (the other sessions' threads go idle meanwhile)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-side", type=int, default=64, help="default: 64")
    parser.add_argument("--rounds", type=int, default=200, help="timed calls each (default 200)")
    parser.add_argument("--threads", type=int, default=None, help="default: the usable cores")
    parser.add_argument("--peak-gflops", type=float, default=218.0, help="default: 218")
    args = parser.parse_args(argv)
    for name in ("image_side", "rounds", "threads", "peak_gflops"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive; received {value}")
    return args


def gemm_shapes(generator):
    """`[(layer name, (m, k, n))]` of each dense and transposed-convolution layer at batch 1."""
    import keras

    shapes = []
    for layer in generator.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose):
            _, height, width, channels_in = layer.input.shape
            kh, kw = layer.kernel_size
            shapes.append((layer.name, (height * width, channels_in, kh * kw * layer.filters)))
        elif isinstance(layer, keras.layers.Dense):
            shapes.append((layer.name, (1, layer.input.shape[-1], layer.units)))
    return shapes


def matmul_session(m, k, n, options):
    """An ONNX Runtime session of one `MatMul` (m, k) x (k, n) with a constant right side."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    weight = np.random.default_rng(0).standard_normal((k, n)).astype("float32") * 0.01
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(weight, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return onnxruntime.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def node_times(profile_path, calls):
    """`{op type: [per-node median microseconds in graph order]}` of the last `calls` runs."""
    with open(profile_path, encoding="utf-8") as handle:
        events = json.load(handle)
    durations = defaultdict(list)
    kinds = {}
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            durations[event["name"]].append(event["dur"])
            kinds[event["name"]] = event["args"].get("op_name")
    by_kind = defaultdict(list)
    for name, values in durations.items():  # dicts keep the graph's execution order
        by_kind[kinds[name]].append(statistics.median(values[-calls:]))
    return by_kind


def main(argv=None):
    args = parse_args(argv)
    import keras

    import keras_gans
    from keras_gans import export
    from keras_gans_export.runtime_settings import onnx_session_options

    threads = args.threads or usable_cores()
    side = args.image_side
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(side, side, 3), latent_dim=100, seed=0
    )
    shapes = gemm_shapes(gan.generator)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generator.onnx"
        export.export(gan, path, format="onnx")
        import onnxruntime

        profiled = onnx_session_options(threads)
        profiled.enable_profiling = True
        profiled.profile_file_prefix = str(Path(folder) / "profile")
        whole = onnxruntime.InferenceSession(
            str(path), profiled, providers=["CPUExecutionProvider"]
        )
        gemms = [matmul_session(*shape, onnx_session_options(threads)) for _, shape in shapes]
        z = np.random.default_rng(0).standard_normal((1, 100)).astype("float32")
        inputs = [np.ones((m, k), "float32") for _, (m, k, _) in shapes]
        calls = [functools.partial(whole.run, None, {"z": z})] + [
            functools.partial(session.run, None, {"x": x})
            for session, x in zip(gemms, inputs, strict=True)
        ]
        times = [[] for _ in calls]
        # Blocks, not single calls, alternate: a session's threads spin for a while after
        # each call, and six sessions spinning at once would time each other.
        for _ in range(-(-args.rounds // BLOCK)):
            for call, record in zip(calls, times, strict=True):
                for _ in range(UNTIMED):
                    call()
                for _ in range(BLOCK):
                    start = time.perf_counter()
                    call()
                    record.append((time.perf_counter() - start) * 1e3)
        whole_ms, gemm_ms = times[0], times[1:]
        nodes = node_times(whole.end_profiling(), len(whole_ms))
    layer_ms = [t / 1e3 for t in nodes["MatMul"]] + [t / 1e3 for t in nodes["ConvTranspose"]]
    if len(layer_ms) != len(shapes):
        raise RuntimeError(
            f"expected {len(shapes)} MatMul/ConvTranspose nodes in the exported graph; "
            f"found {len(layer_ms)}: the exporter's graph changed, update this script"
        )
    peak = args.peak_gflops * 1e9
    print(
        f"DCGAN generator {side}x{side}x3, batch 1. Machine: {cpu_name()}, {usable_cores()} "
        f"usable cores; {threads} thread(s). onnxruntime {version('onnxruntime')}, "
        f"TensorFlow {version('tensorflow')}, Keras {keras.__version__}, tf2onnx "
        f"{version('tf2onnx')}. Medians of {len(whole_ms)} calls, alternating in blocks; peak "
        f"{args.peak_gflops:g} GFLOP/s."
    )
    print()
    print("| layer | GEMM (m, k, n) | GFLOP | `MatMul` alone (ms) | node in the export (ms) |")
    print("| --- | --- | --- | --- | --- |")
    total_flops = total_gemm = total_node = 0.0
    for (name, (m, k, n)), times, node in zip(shapes, gemm_ms, layer_ms, strict=True):
        flops = 2.0 * m * k * n
        gemm = statistics.median(times)
        total_flops += flops
        total_gemm += gemm
        total_node += node
        print(
            f"| {name} | ({m}, {k}, {n}) | {flops / 1e9:.3f} | {gemm:.3f} "
            f"({flops / (gemm / 1e3) / peak:.0%}) | {node:.3f} "
            f"({flops / (node / 1e3) / peak:.0%}) |"
        )
    print(
        f"| sum | | {total_flops / 1e9:.3f} | {total_gemm:.2f} "
        f"({total_flops / (total_gemm / 1e3) / peak:.0%}) | {total_node:.2f} "
        f"({total_flops / (total_node / 1e3) / peak:.0%}) |"
    )
    print()
    print(
        f"Whole exported generator per call (profiling on): {statistics.median(whole_ms):.2f} ms; "
        f"its GEMMs alone: {total_gemm:.2f} ms."
    )


if __name__ == "__main__":
    main()
