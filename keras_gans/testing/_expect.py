"""Small assertion helpers shared by the conformance checks.

They raise `AssertionError` explicitly (never a bare `assert`), so the checks keep working
under `python -O`.
"""

from __future__ import annotations

import inspect
import json

import keras
import numpy as np
from keras import ops


def expect(condition, message):
    """Raises `AssertionError(message)` unless `condition` holds."""
    if not condition:
        raise AssertionError(message)


def shown(obj):
    """`repr(obj)` for messages, or the class name when `repr` itself fails."""
    try:
        return repr(obj)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real failure
        return type(obj).__name__


def to_numpy(value):
    """Converts a tensor or variable (or anything array-like) to a NumPy array."""
    if isinstance(value, keras.Variable):  # np.array(variable) warns under NumPy 2
        value = value.numpy()
    return np.asarray(ops.convert_to_numpy(value))


def finite_scalar(value, what):
    """Checks that `value` is a finite floating-point scalar and returns it as a float."""
    expect(value is not None, f"{what} returned None; it must return a scalar tensor.")
    array = to_numpy(value)
    expect(
        array.shape == (),
        f"{what} must return a scalar (a mean over every axis). Received shape {array.shape}.",
    )
    expect(
        np.issubdtype(array.dtype, np.floating),
        f"{what} must return a floating-point scalar. Received dtype {array.dtype}.",
    )
    expect(np.isfinite(array), f"{what} must be finite. Received {array!r}.")
    return float(array)


def finite_array(value, what):
    """Checks that every element of `value` is finite and returns it as a NumPy array."""
    array = to_numpy(value)
    expect(np.all(np.isfinite(array)), f"{what} must be finite everywhere. Received {array!r}.")
    return array


def constructor_arguments(cls):
    """The names of `cls.__init__`'s named parameters (not `self`, `*args`, `**kwargs`)."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in parameters if p.name != "self" and p.kind not in variadic]


def checked_config(obj, compare_values=True):
    """Checks style rule 3 and returns `obj.get_config()`.

    Every `__init__` argument must be a same-named attribute and a key of `get_config()`.

    Args:
        obj: The plugin instance.
        compare_values: Whether each config value must equal the attribute (default
            `True`; losses serialise their penalties, which are compared elsewhere).

    Returns:
        The config dict.
    """
    cls = type(obj).__name__
    arguments = constructor_arguments(type(obj))
    for name in arguments:
        expect(
            hasattr(obj, name),
            f"{cls}.__init__ takes `{name}` but the instance has no attribute `{name}`: every "
            "constructor argument must be stored as a same-named attribute.",
        )
    try:
        config = obj.get_config()
    except Exception as error:
        raise AssertionError(
            f"{cls}.get_config() failed: {type(error).__name__}: {error}"
        ) from error
    expect(isinstance(config, dict), f"{cls}.get_config() must return a dict. Received {config!r}")
    for name in arguments:
        expect(
            name in config,
            f"{cls}.__init__ takes `{name}` but get_config() lacks it. "
            f"Received config keys: {sorted(config)}",
        )
        if compare_values:
            expect(
                config[name] == getattr(obj, name),
                f"{cls}.get_config()[{name!r}] must equal the attribute `{name}`. "
                f"Received {config[name]!r} and {getattr(obj, name)!r}.",
            )
    return config


def from_config(cls, config):
    """Calls `cls.from_config(config)`, turning any error into an `AssertionError`."""
    try:
        return cls.from_config(config)
    except Exception as error:
        raise AssertionError(
            f"{cls.__name__}.from_config(config) failed: {type(error).__name__}: {error}. "
            f"Received config: {config!r}"
        ) from error


def json_round_trip(config, what):
    """Checks that `config` survives JSON (as `.keras` files store it) and returns the copy."""
    try:
        return json.loads(json.dumps(config))
    except (TypeError, ValueError) as error:
        raise AssertionError(
            f"{what} must be JSON-serialisable (saved models store it as JSON). "
            f"Received {config!r}: {error}"
        ) from error


def keras_round_trip(obj):
    """Serialises `obj` with `keras.saving` through JSON and deserialises it in safe mode.

    Returns:
        The restored object, checked to be of `obj`'s class with an equal config.
    """
    cls = type(obj).__name__
    serialized = json_round_trip(
        keras.saving.serialize_keras_object(obj), f"serialize_keras_object({cls})"
    )
    try:
        restored = keras.saving.deserialize_keras_object(serialized, safe_mode=True)
    except Exception as error:
        raise AssertionError(
            f"keras.saving.deserialize_keras_object could not restore {cls}: "
            f"{type(error).__name__}: {error}. Register the class with "
            "@keras.saving.register_keras_serializable(package='<your_package>')."
        ) from error
    expect(
        type(restored) is type(obj),
        f"keras.saving.deserialize_keras_object must restore a {cls}. "
        f"Received {type(restored).__name__}.",
    )
    expect(
        restored.get_config() == obj.get_config(),
        f"{cls} restored by keras.saving has config {restored.get_config()!r}, expected "
        f"{obj.get_config()!r}.",
    )
    return restored
