"""Result objects: every metric returns its value(s) together with the protocol behind them.

A score such as FID is comparable with another only when both were computed the same way
(same sample counts, feature extractor, resizing, subsets...). Every result therefore
carries a `protocol` dict that `to_dict()` writes next to the numbers, ready for JSON.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["MetricResult", "NearestNeighboursResult", "PrecisionRecallResult"]


def _plain(value):
    """Converts NumPy scalars and arrays inside `value` to JSON-serialisable Python."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


@dataclasses.dataclass(frozen=True)
class MetricResult:
    """One scalar metric, its spread where it has one, and the protocol that produced it.

    Attributes:
        name: The metric, e.g. `"fid"`.
        value: The score (the mean over subsets or splits where the metric has them).
        std: The standard deviation over subsets or splits, or `None`.
        protocol: How the score was computed: sample counts, extractor, resizing, ...
        details: Further named numbers (e.g. per-level SWD), default empty.

    Example:
    >>> result = MetricResult("kid", 0.012, std=0.003, protocol={"n_real": 100})
    >>> float(result), result.scalars()
    (0.012, {'kid': 0.012, 'kid_std': 0.003})
    """

    name: str
    value: float
    std: float | None = None
    protocol: dict = dataclasses.field(default_factory=dict)
    details: dict = dataclasses.field(default_factory=dict)

    def __float__(self) -> float:
        return float(self.value)

    def scalars(self) -> dict:
        """The named numbers of this result: `{name: value}` plus `name_std` when known."""
        out = {self.name: float(self.value)}
        if self.std is not None:
            out[f"{self.name}_std"] = float(self.std)
        return out

    def to_dict(self) -> dict:
        """A JSON-serialisable dict: the numbers, details and protocol."""
        return _plain(
            {
                "metric": self.name,
                "value": self.value,
                "std": self.std,
                "details": self.details,
                "protocol": self.protocol,
            }
        )


@dataclasses.dataclass(frozen=True)
class PrecisionRecallResult:
    """Improved precision and recall (Kynkaanniemi et al. 2019), density and coverage
    (Naeem et al. 2020), with their protocol.

    Attributes:
        precision: Fraction of fakes inside the real manifold estimate.
        recall: Fraction of reals inside the fake manifold estimate.
        density: Mean count of real k-NN balls holding each fake, divided by k (can exceed 1).
        coverage: Fraction of real k-NN balls holding at least one fake.
        protocol: How they were computed (sample counts, k, extractor, ...).

    Example:
    >>> PrecisionRecallResult(1.0, 0.5, 0.9, 0.6).scalars()["recall"]
    0.5
    """

    precision: float
    recall: float
    density: float
    coverage: float
    protocol: dict = dataclasses.field(default_factory=dict)

    name = "precision_recall"

    def scalars(self) -> dict:
        """`{"precision": ..., "recall": ..., "density": ..., "coverage": ...}`."""
        return {
            "precision": float(self.precision),
            "recall": float(self.recall),
            "density": float(self.density),
            "coverage": float(self.coverage),
        }

    def to_dict(self) -> dict:
        """A JSON-serialisable dict: the four numbers and the protocol."""
        return _plain({"metric": self.name, **self.scalars(), "protocol": self.protocol})


@dataclasses.dataclass(frozen=True)
class NearestNeighboursResult:
    """For each generated sample, its nearest training samples and their distances.

    Attributes:
        indices: Integer array `(n_fake, k)`: rows of the real set, nearest first.
        distances: Float array `(n_fake, k)`: the Euclidean distances, ascending.
        protocol: How they were computed (sample counts, space, extractor, ...).

    Example:
    >>> import numpy as np
    >>> result = NearestNeighboursResult(np.array([[2], [0]]), np.array([[0.5], [1.5]]))
    >>> result.scalars()["nn_distance_min"]
    0.5
    """

    indices: np.ndarray
    distances: np.ndarray
    protocol: dict = dataclasses.field(default_factory=dict)

    name = "nearest_neighbours"

    def scalars(self) -> dict:
        """Summary of the distances to the nearest real sample: min, median and mean."""
        nearest = np.asarray(self.distances)[:, 0]
        return {
            "nn_distance_min": float(nearest.min()),
            "nn_distance_median": float(np.median(nearest)),
            "nn_distance_mean": float(nearest.mean()),
        }

    def to_dict(self) -> dict:
        """A JSON-serialisable dict: the summary, every index and distance, the protocol."""
        return _plain(
            {
                "metric": self.name,
                **self.scalars(),
                "indices": self.indices,
                "distances": self.distances,
                "protocol": self.protocol,
            }
        )
