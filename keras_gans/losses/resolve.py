"""Turns the `loss` argument of `GANModel.compile` into an `AdversarialLoss`."""

from __future__ import annotations

import keras

from keras_gans.losses.base import AdversarialLoss


def resolve(identifier):
    """Returns the `AdversarialLoss` that `identifier` names.

    Args:
        identifier: A registry name (`"wgan-gp"`), a config dict with a `"name"` key and
            constructor keywords (`{"name": "wgan-gp", "gp_weight": 5.0}`), a Keras
            serialisation dict (`{"class_name": ..., "config": ...}`) or an
            `AdversarialLoss` instance.

    Returns:
        An `AdversarialLoss`.

    Example:
    >>> resolve({"name": "least_squares", "generator_target": 0.5}).generator_target
    0.5
    """
    from keras_gans.losses import registry

    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, str):
        return registry.get(identifier)
    if isinstance(identifier, dict):
        if "class_name" in identifier:
            loss = keras.saving.deserialize_keras_object(identifier)
        elif "name" in identifier:
            kwargs = {k: v for k, v in identifier.items() if k != "name"}
            loss = registry.get(identifier["name"], **kwargs)
        else:
            raise ValueError(
                "A loss config dict needs a 'name' key (a registered loss) and optional "
                f"constructor keywords. Received: loss={identifier!r}"
            )
        if isinstance(loss, AdversarialLoss):
            return loss
    raise TypeError(
        "`loss` must be a registered loss name, a config dict or a "
        f"keras_gans.losses.AdversarialLoss. Received: loss={identifier!r} of type "
        f"{type(identifier).__name__}. Installed losses: {', '.join(registry.names())}"
    )
