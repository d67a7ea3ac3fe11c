"""One image pool per discriminator: CycleGAN's history of 50 fakes for each domain."""

from __future__ import annotations

import types

import keras

from keras_gans.checks import number_in, positive_int
from keras_gans.steps import Piece, PieceState
from keras_gans.tricks import ImagePool

__all__ = ["DomainImagePools"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class DomainImagePools(Piece):
    """Gives every discriminator player its own `keras_gans.tricks.ImagePool`.

    `ImagePool` keeps one buffer and swaps the fakes of *every* discriminator update: in a
    model with two discriminators (CycleGAN's `d_a` and `d_b`) one pool would mix the two
    domains' fakes (and fail when their shapes differ), so each discriminator would be
    shown the other domain's translations. This piece builds one `ImagePool(size,
    probability)` per discriminator player of the model, shaped like that
    discriminator's input, and routes each discriminator update to its own pool; the
    pools' sampling and replacement rules are `ImagePool`'s (the generator's update always
    uses fresh fakes). Both pools are saved with the model, so training resumes with them.

    Args:
        size: Fakes each pool holds (default 50, as in the paper).
        probability: Chance a new fake is exchanged for a stored one once the pool is full
            (default 0.5, as in the paper's code).
        name: Names the pools' state (default `"image_pool"`).

    Example:
    >>> DomainImagePools().size
    50

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, section 4 ("we update the discriminators using
        a history of generated images rather than the ones produced by the latest
        generators ... an image buffer that stores the 50 previously created images");
        Shrivastava et al., "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017, section 2.3.
    """

    roles = ()

    def __init__(self, size=50, probability=0.5, name="image_pool"):
        super().__init__(name=name)
        self.size = positive_int(size, "size")
        self.probability = number_in(probability, "probability", 0.0, 1.0)
        self.pools = {}

    def build(self, model):
        self.pools = {}
        states = []
        for player in model._players:
            if player.role != "discriminator":
                continue
            network = player.networks[0]
            shape = tuple(network.inputs[0].shape[1:])
            pool = ImagePool(self.size, self.probability, name=f"{self.name}_{player.name}")
            # ImagePool.build reads the model's `conditional` flag and sample shape only:
            # it is given the shape of this discriminator's input.
            pool.build(types.SimpleNamespace(conditional=model.conditional, sample_shape=shape))
            self.pools[player.name] = pool
            states.append(pool.state)
        self.state = PieceState(name=f"{self.name}_states")
        self.state.pools = states  # tracked sublayers: saved and restored with the model

    def transform(self, inputs, ctx):
        pool = self.pools.get(ctx.player.name) if ctx.role == "discriminator" else None
        if pool is None:
            return inputs
        return inputs.replace(fake=pool.query(inputs.fake, ctx.seed_generator, ctx.all_gather))

    def filled(self, player_name):
        """How many fakes the pool of the discriminator player `player_name` holds."""
        if player_name not in self.pools:
            raise ValueError(
                f"`player_name` must be a discriminator player of the built model, one of "
                f"{sorted(self.pools)}. Received: player_name={player_name!r}"
            )
        return self.pools[player_name].filled

    def get_config(self):
        return {**super().get_config(), "size": self.size, "probability": self.probability}
