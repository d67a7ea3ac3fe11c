"""`global_policy`: a Keras global dtype policy for a block of test code, restored after."""

import contextlib

import keras


@contextlib.contextmanager
def global_policy(name):
    """Sets Keras' global dtype policy to `name` inside the block and restores the previous
    one on the way out, also when the block raises."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
