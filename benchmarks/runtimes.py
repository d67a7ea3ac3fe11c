"""Runtimes the export benchmarks time, prepared the same way in each."""

from __future__ import annotations


def tflite_runner(path, threads=None):
    """`prepare(z) -> call`: a LiteRT interpreter on `path`, resized to `z`'s batch.

    `threads`: the interpreter's threads (default `None`: the usable cores).
    `prepare.input_detail` is the model's input detail as exported (`shape`, `dtype`), for
    callers that make `z` to fit the file.
    """
    import numpy as np

    from keras_gans_export.runtime_settings import tflite_interpreter

    interpreter = tflite_interpreter(path, threads)  # the default XNNPACK delegate
    index = interpreter.get_input_details()[0]["index"]
    output = interpreter.get_output_details()[0]["index"]

    def prepare(z):
        interpreter.resize_tensor_input(index, z.shape, strict=True)
        interpreter.allocate_tensors()

        def call():
            interpreter.set_tensor(index, z)
            interpreter.invoke()
            return np.array(interpreter.get_tensor(output))

        return call

    prepare.input_detail = interpreter.get_input_details()[0]
    return prepare
