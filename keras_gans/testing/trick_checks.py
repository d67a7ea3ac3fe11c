"""Conformance checks for tricks (`keras_gans.tricks.Trick` subclasses)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import keras

from keras_gans.testing._expect import (
    checked_config,
    expect,
    from_config,
    keras_round_trip,
    shown,
)

__all__ = ["check_trick"]


def check_trick(trick, gan=None, *, data=None, tmp_path=None, seed=0):
    """Checks that `trick` is a well-behaved, serialisable `Trick` that trains and reloads.

    The checks, each raising `AssertionError` with a message naming the trick:

    1. `trick` is a `keras_gans.tricks.Trick` (a `keras_gans.steps.Piece`) whose `name` is
       a non-empty string without `/` and whose `roles` are player roles
       (`keras_gans.steps.ROLES`).
    2. Every `__init__` argument is a same-named attribute and a key of `get_config()`;
       `from_config(get_config())` and the `keras.saving` round trip (safe mode, through
       JSON) restore the same class and config.
    3. A `GANModel` compiled with `NonSaturating()` and `tricks=[trick]` (by default
       `tiny_gan(seed)`) trains with `check_fit`, logging every name in
       `trick.metric_names` (its terms' names and the `reports` of its `update`) as a finite
       value.
    4. `check_save_load` passes and the reloaded model's tricks have the same classes and
       configs.

    Args:
        trick: The trick to check.
        gan: An uncompiled `GANModel` to train with it (default `None`:
            `keras_gans.testing.tiny_gan(seed)`), e.g. an image model for an augmentation.
        data: Real samples for `gan` (default `None`: synthetic, see `check_fit`).
        tmp_path: Where to save (default `None`: a temporary directory).
        seed: Seed of the model and data (default 0).

    Returns:
        The reloaded `GANModel`.

    Example:
    >>> from keras_gans.tricks import InstanceNoise
    >>> reloaded = check_trick(InstanceNoise(0.1, decay_steps=10))
    >>> [type(t).__name__ for t in reloaded.tricks]
    ['InstanceNoise']
    """
    from keras_gans.losses import NonSaturating
    from keras_gans.steps import ROLES
    from keras_gans.testing.suite import tiny_gan
    from keras_gans.testing.training_checks import check_fit, check_save_load
    from keras_gans.tricks import Trick

    expect(
        isinstance(trick, Trick),
        "A trick must be a keras_gans.tricks.Trick. "
        f"Received: {shown(trick)} of type {type(trick).__name__}",
    )
    cls, name = type(trick).__name__, getattr(trick, "name", None)
    expect(
        isinstance(name, str) and name and "/" not in name,
        f"{cls}.name must be a non-empty string without '/'. Received: name={name!r}",
    )
    roles = tuple(trick.roles)
    expect(
        all(role in ROLES for role in roles),
        f"{cls}.roles must be player roles from {ROLES} (the players whose objectives its "
        f"`terms` adds to). Received: roles={roles!r}",
    )
    config = checked_config(trick)
    clone = from_config(type(trick), config)
    expect(
        clone.get_config() == config,
        f"{cls}.from_config(get_config()) must rebuild an equal config. "
        f"Received {clone.get_config()!r}, expected {config!r}.",
    )
    keras_round_trip(trick)

    gan = tiny_gan(seed) if gan is None else gan
    gan.compile(
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss=NonSaturating(),
        tricks=[trick],
    )
    gan = check_fit(gan, data, seed=seed)
    logs = {key: values[-1] for key, values in gan.history.history.items()}
    for metric in trick.metric_names:
        expect(
            metric in logs and math.isfinite(float(logs[metric])),
            f"{cls} declares the metric {metric!r}, but fit() logged "
            f"{logs.get(metric)!r}. Logs: {sorted(logs)}",
        )
    with tempfile.TemporaryDirectory() as fallback:
        loaded = check_save_load(gan, Path(tmp_path or fallback), data, seed=seed)
    restored = [(type(t), t.get_config()) for t in loaded.tricks]
    expect(
        restored == [(type(trick), trick.get_config())],
        f"{cls}: the reloaded model's tricks are {loaded.tricks!r}, expected [{trick!r}] "
        "(the compile config did not restore them).",
    )
    return loaded
