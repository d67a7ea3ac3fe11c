"""How to serve an exported generator on a CPU: runtime sessions with measured settings.

Both runtimes size their thread pools from the machine's core count by default, which in a
container or under `taskset` is more cores than the process may use; oversubscribed
threads that spin while waiting then take turns on the same cores. These helpers size the
pools from the CPU affinity instead and keep each runtime's full graph optimisation. The
numbers behind the choices are in `docs/guide/export.md` ("Latency").
"""

from __future__ import annotations

import os

from keras_gans_export.base import require

__all__ = ["onnx_session", "onnx_session_options", "tflite_interpreter", "usable_cores"]


def usable_cores():
    """The cores this process may run on (its CPU affinity), else the online count.

    Example:
    >>> usable_cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_threads(threads):
    if threads is None:
        return usable_cores()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(
            f"`threads` must be a positive integer or None. Received: threads={threads!r}"
        )
    return threads


def onnx_session(path, threads=None, providers=("CPUExecutionProvider",)):
    """An ONNX Runtime `InferenceSession` set up for low-latency serving.

    `ORT_ENABLE_ALL` graph optimisation, sequential execution (a generator is one chain of
    layers: parallel execution only adds scheduling), and `threads` intra-op threads.

    Args:
        path: The `.onnx` file.
        threads: Intra-op threads (default `None`: the usable cores, `usable_cores()`).
        providers: Execution providers, in order of preference (default CPU only).

    Returns:
        The `onnxruntime.InferenceSession`.

    Example:
    >>> import tempfile, keras_gans
    >>> from keras_gans import export
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    >>> path = export.export(gan, tempfile.mkdtemp() + "/g.onnx", format="onnx").path
    >>> onnx_session(path, threads=1).get_inputs()[0].name
    'z'
    """
    ort = require("onnxruntime", "onnx")
    options = onnx_session_options(threads)
    return ort.InferenceSession(str(path), options, providers=list(providers))


def onnx_session_options(threads=None):
    """The `onnxruntime.SessionOptions` that `onnx_session` opens a file with.

    For a session `onnx_session` cannot open (a model held in memory) or one that needs
    more set (profiling, say) with the same serving settings.

    Args:
        threads: Intra-op threads (default `None`: the usable cores, `usable_cores()`).

    Returns:
        `SessionOptions` with `ORT_ENABLE_ALL`, sequential execution, `threads` intra-op
        threads and one inter-op thread.

    Example:
    >>> options = onnx_session_options(threads=1)
    >>> options.intra_op_num_threads, options.inter_op_num_threads
    (1, 1)
    """
    ort = require("onnxruntime", "onnx")
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = _check_threads(threads)
    options.inter_op_num_threads = 1
    return options


def tflite_interpreter(path, threads=None):
    """A LiteRT `Interpreter` with the default XNNPACK delegate on `threads` threads.

    Args:
        path: The `.tflite` file.
        threads: Interpreter and XNNPACK threads (default `None`: the usable cores).

    Returns:
        The `ai_edge_litert.interpreter.Interpreter` (tensors not yet allocated).
    """
    litert = require("ai_edge_litert.interpreter", "tflite")
    return litert.Interpreter(model_path=str(path), num_threads=_check_threads(threads))
