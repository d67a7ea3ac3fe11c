"""Small assertion helpers shared by the conformance checks.

They raise `AssertionError` explicitly (never a bare `assert`), so the checks keep working
under `python -O`.
"""

from __future__ import annotations

import inspect
import json

import numpy as np
from keras import ops


def expect(condition, message):
    """Raises `AssertionError(message)` unless `condition` holds."""
    if not condition:
        raise AssertionError(message)


def describe(obj):
    """A short name for messages: `"Hinge(name='hinge')"` or the class name."""
    try:
        return repr(obj)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real failure
        return type(obj).__name__


def to_numpy(value):
    """Converts a tensor (or anything array-like) to a NumPy array."""
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


def check_arguments_in_config(obj, config, compare_values=True):
    """Checks style rule 3: every `__init__` argument is an attribute and in `get_config()`.

    Args:
        obj: The plugin instance.
        config: `obj.get_config()`.
        compare_values: Whether each config value must equal the attribute (default
            `True`; serialised sub-objects such as penalties are compared elsewhere).
    """
    cls = type(obj).__name__
    for name in constructor_arguments(type(obj)):
        expect(
            hasattr(obj, name),
            f"{cls}.__init__ takes `{name}` but the instance has no attribute `{name}`: every "
            "constructor argument must be stored as a same-named attribute.",
        )
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


def json_round_trip(config, what):
    """Checks that `config` survives JSON (as `.keras` files store it) and returns the copy."""
    try:
        return json.loads(json.dumps(config))
    except (TypeError, ValueError) as error:
        raise AssertionError(
            f"{what} must be JSON-serialisable (saved models store it as JSON). "
            f"Received {config!r}: {error}"
        ) from error
