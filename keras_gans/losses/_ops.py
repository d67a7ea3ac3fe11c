"""The one helper the pure loss functions share."""

from keras import ops


def as_float(x):
    """`x` as a float tensor (float32 unless it already is float32 or float64)."""
    x = ops.convert_to_tensor(x)
    return x if x.dtype == "float32" or x.dtype == "float64" else ops.cast(x, "float32")
