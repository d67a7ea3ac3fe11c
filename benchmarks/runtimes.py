"""Runtimes the export benchmarks time, prepared the same way in each."""

from __future__ import annotations

from machine import usable_cores


def tflite_runner(path):
    """`prepare(z) -> call`: a LiteRT interpreter on `path`, resized to `z`'s batch."""
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path), num_threads=usable_cores())
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

    return prepare
