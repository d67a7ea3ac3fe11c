"""`TemperatureAnnealing`: the piece that runs the Gumbel-softmax temperature schedule."""

from __future__ import annotations

import keras

from keras_gans.steps import Piece
from keras_gans_representation.gumbel_softmax import GumbelSoftmax

__all__ = ["TemperatureAnnealing"]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class TemperatureAnnealing(Piece):
    """Sets every `GumbelSoftmax` layer of the generator to its scheduled temperature.

    After each generator update it calls `layer.anneal(step)` with the generator
    optimizer's step count, so the temperature is a function of saved state: a model
    saved and loaded (`keras_gans.load_model`) continues the schedule exactly. Logs the
    first layer's temperature as `gumbel/temperature`. The schedule itself (initial value,
    floor, rate, period) is each layer's configuration.

    Args:
        name: Default `"temperature_annealing"`.

    Example:
    >>> TemperatureAnnealing().metric_names
    ('gumbel/temperature',)

    Reference:
        Jang, Gu & Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017,
        section 4.1 (temperature annealed during training).
    """

    roles = ("generator",)
    reports = ("gumbel/temperature",)

    def __init__(self, name="temperature_annealing"):
        super().__init__(name=name)
        self._layers = []

    def build(self, model):
        self._layers = [
            layer
            for layer in model.generator._flatten_layers(include_self=False)
            if isinstance(layer, GumbelSoftmax)
        ]
        if not self._layers:
            raise ValueError(
                "TemperatureAnnealing needs a generator with at least one GumbelSoftmax "
                f"layer. Received: generator {model.generator.name!r} without one."
            )

    def update(self, player, ctx):
        if player.role != "generator":
            return None
        step = player.optimizer.iterations
        values = [layer.anneal(step) for layer in self._layers]
        return {"gumbel/temperature": values[0]}

    def get_config(self):
        return {"name": self.name}
