"""Historical averaging of parameters (Salimans et al. 2016)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps.piece import PieceState
from keras_gans.tricks.base import Trick

__all__ = ["HistoricalAveraging", "historical_averaging_penalty"]

_NETWORKS = ("discriminator", "generator")


def historical_averaging_penalty(weights, averages):
    """The squared distance of parameters from their historical average.

    Formula:
        `sum_j ||theta_j - mean_j||_2^2` over the parameter tensors `j`.

    Args:
        weights: A list of parameter tensors `theta_j`.
        averages: A list of tensors of the same shapes, `mean_j`.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(historical_averaging_penalty([[1.0, 2.0]], [[0.0, 0.0]]))
    5.0

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.3.
    """
    total = ops.zeros((), "float32")
    for weight, average in zip(weights, averages, strict=True):
        difference = ops.cast(weight, "float32") - ops.cast(average, "float32")
        total = total + ops.sum(ops.square(difference))
    return total


@keras.saving.register_keras_serializable(package="keras_gans")
class HistoricalAveraging(Trick):
    """Penalises each player's distance from the running mean of its past parameters.

    Each chosen network keeps `mean_j`, the average of its parameters over all its past
    updates (initialised to its parameters when the model is compiled), and its objective
    gets `weight * sum_j ||theta_j - mean_j||^2`. The penalty is zero at the running mean
    and pulls each player back towards its history, damping the oscillations of
    gradient-descent games. The averages are saved with the model.

    Formula:
        `weight * sum_j ||theta_j - (1/t) sum_{i<=t} theta_j[i]||_2^2`, then
        `mean <- mean + (theta - mean) / (t + 1)` after each update.

    Args:
        weight: The penalty coefficient (default 1e-3; the paper gives no value).
        networks: Which players get the term, from `("discriminator", "generator")`
            (default both, as in the paper).
        name: Logged as `d_term/<name>` and `g_term/<name>` (default
            `"historical_averaging"`).

    Example:
    >>> HistoricalAveraging(networks=["discriminator"]).metric_names
    ('d_term/historical_averaging',)

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.3.
    """

    def __init__(self, weight=1e-3, networks=_NETWORKS, name="historical_averaging"):
        super().__init__(name=name)
        networks = (networks,) if isinstance(networks, str) else tuple(networks)
        if (
            not networks
            or any(n not in _NETWORKS for n in networks)
            or len(set(networks)) < len(networks)
        ):
            raise ValueError(
                f"`networks` must be a non-empty subset of {_NETWORKS}. "
                f"Received: networks={networks!r}"
            )
        self.weight = non_negative(weight, "weight")
        self.networks = networks
        self._averages = {}
        self._counts = {}
        self._variables = {}

    def build(self, model):
        self.state = PieceState(name=f"{self.name}_state")
        for role in self.networks:
            variables = getattr(model, role).trainable_variables
            self._variables[role] = variables
            averages = []
            for i, variable in enumerate(variables):
                average = self.state.variable(f"{role}_average_{i}", tuple(variable.shape))
                average.assign(ops.cast(variable, "float32"))
                averages.append(average)
            self._averages[role] = averages
            count = self.state.variable(f"{role}_count", initializer="ones")
            self._counts[role] = count

    def penalty(self, role):
        """The unweighted penalty of one network (`"discriminator"` or `"generator"`)."""
        if role not in self._averages:
            raise ValueError(
                f"HistoricalAveraging has no average for the {role} (networks="
                f"{self.networks}; built: {sorted(self._averages)})."
            )
        averages = [ops.stop_gradient(ops.convert_to_tensor(a)) for a in self._averages[role]]
        return historical_averaging_penalty(self._variables[role], averages)

    def _update(self, role):
        if role not in self.networks:
            return
        count = self._counts[role]
        for variable, average in zip(self._variables[role], self._averages[role], strict=True):
            average.assign(average + (ops.cast(variable, "float32") - average) / (count + 1.0))
        count.assign(count + 1.0)

    @property
    def roles(self):
        """The networks it regularises: each is the player of that role."""
        return self.networks

    def terms(self, player, ctx):
        return self.weight * self.penalty(player.role)

    def update(self, player, ctx):
        self._update(player.role)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "networks": self.networks}
