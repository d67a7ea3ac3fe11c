"""CycleGAN's parts shared by the architecture and the model: its pieces and network checks.

Private to `cyclegan.py` and `cyclegan_model.py`; `CycleGAN` and `CycleGANModel` document
the behaviour.
"""

from __future__ import annotations

from keras_gans.models import validation as check
from keras_gans_image2image.cycle_consistency import CycleConsistency
from keras_gans_image2image.domain_image_pools import DomainImagePools
from keras_gans_image2image.identity_mapping import IdentityMapping

__all__ = ["LEAST_SQUARES_SCALE", "check_translator", "image_model", "paper_pieces"]

#: keras-gans' least-squares generator term is `0.5 mean((D(G(a)) - 1)^2)`, half of the
#: paper's `mean((D(G(a)) - 1)^2)`; the cycle and identity weights are scaled with it.
LEAST_SQUARES_SCALE = 0.5


def paper_pieces(cycle_weight=10.0, identity_weight=5.0, pool_size=50):
    """The pieces of CycleGAN's objective for weights in the paper's units.

    Args:
        cycle_weight: lambda (default 10).
        identity_weight: The identity loss's weight (default 5, 0.5 lambda; 0: none).
        pool_size: Fakes per discriminator's pool (default 50; 0: no pool).

    Returns:
        `[CycleConsistency, IdentityMapping (if identity_weight > 0), DomainImagePools
        (if pool_size > 0)]`, the two L1 terms' weights multiplied by
        `LEAST_SQUARES_SCALE` (see `CycleGANModel`).

    Example:
    >>> [(type(p).__name__, getattr(p, "weight", None)) for p in paper_pieces()]
    [('CycleConsistency', 5.0), ('IdentityMapping', 2.5), ('DomainImagePools', None)]
    """
    pieces = [CycleConsistency(weight=LEAST_SQUARES_SCALE * cycle_weight)]
    if identity_weight:
        pieces.append(IdentityMapping(weight=LEAST_SQUARES_SCALE * identity_weight))
    if pool_size:
        pieces.append(DomainImagePools(size=pool_size))
    return pieces


def image_model(network, argument):
    """`(input shape, output shape)` of a functional one-image-in, one-image-out model."""
    check.check_network(network, argument)
    try:
        inputs, outputs = list(network.inputs), list(network.outputs)
    except (AttributeError, ValueError):
        raise ValueError(
            f"`{argument}` must be a functional keras.Model (its shapes are checked). "
            f"Received: {argument}={network.name!r}"
        ) from None
    if len(inputs) != 1 or len(outputs) != 1 or len(inputs[0].shape) != 4:
        raise ValueError(
            f"`{argument}` must take one batch of images (batch, height, width, channels) "
            f"and return one output. Received: inputs {[tuple(t.shape) for t in inputs]}, "
            f"outputs {[tuple(t.shape) for t in outputs]}"
        )
    return tuple(inputs[0].shape[1:]), tuple(outputs[0].shape[1:])


def check_translator(generator, discriminator, argument, critic):
    """A translator's output must be what the other domain's discriminator scores."""
    source, target = image_model(generator, argument)
    scored, _ = image_model(discriminator, critic)
    if len(target) != 3 or target != scored:
        raise ValueError(
            f"`{argument}` must output images of the shape `{critic}` scores. Received: "
            f"{argument} output {target}, {critic} input {scored}"
        )
    return source, target
