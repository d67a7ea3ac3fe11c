"""Precision/recall, density/coverage and nearest neighbours on constructed sets."""

import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.metrics.manifold import kth_neighbour_distances


def test_kth_neighbour_distances_by_hand():
    points = np.array([[0.0], [1.0], [3.0], [7.0]])
    assert kth_neighbour_distances(points, 1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert kth_neighbour_distances(points, 2).tolist() == [3.0, 2.0, 3.0, 6.0]


def test_precision_recall_density_coverage_by_hand():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # k=1 radii: 1, 1, 1, 1
    fake = np.array([[0.5], [0.6], [10.0]])  # k=1 radii: 0.1, 0.1, 9.4
    result = metrics.precision_recall(real, fake, extractor=None, k=1, density_k=1)
    assert result.precision == pytest.approx(2 / 3)  # 10 lies outside every real ball
    # Reals inside a fake ball: 1, 2 and 3 (within 9.4 of 10); 0 is in none.
    assert result.recall == pytest.approx(3 / 4)
    # 0.5 lies in the balls of 0 and 1, 0.6 in those of 0 and 1: 4 / (1 * 3).
    assert result.density == pytest.approx(4 / 3)
    assert result.coverage == pytest.approx(2 / 4)  # only the balls of 0 and 1 hold a fake


def test_identical_sets_are_fully_precise_and_covered():
    x = np.random.default_rng(0).normal(size=(300, 5))
    result = metrics.precision_recall(x, x, extractor=None)
    assert (result.precision, result.recall, result.coverage) == (1.0, 1.0, 1.0)
    # Each real ball holds its centre and its 4 nearer neighbours strictly inside, and its
    # 5th neighbour exactly on the boundary (the radius is that distance). The boundary point
    # counts, or not, by one rounding of the same distance computed twice, so each ball adds
    # 5 or 6 to the count: density = count / (5 * 300) with count an integer in [1500, 1800]
    # (6 / 5 when every boundary point counts).
    count = result.density * 5 * 300
    assert count == pytest.approx(round(count), abs=1e-6) and 1500 <= round(count) <= 1800
    assert result.density == pytest.approx(6 / 5, abs=300 / 1500)
    # A fresh sample of the same distribution has density ~1 (Naeem et al.).
    other = np.random.default_rng(9).normal(size=(300, 5))
    same = metrics.precision_recall(x, other, extractor=None)
    assert same.density == pytest.approx(1.0, abs=0.2)
    assert result.protocol["k"] == 3 and result.protocol["density_k"] == 5


def test_mode_collapse_keeps_precision_and_loses_recall_and_coverage():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(500, 2))
    collapsed = real[:1] + 0.01 * rng.normal(size=(500, 2))  # every fake near one real point
    result = metrics.precision_recall(real, collapsed, extractor=None)
    assert result.precision == 1.0
    assert result.recall < 0.05 and result.coverage < 0.05
    far = metrics.precision_recall(real, real + 100.0, extractor=None)
    assert far.scalars() == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_precision_recall_checks_k():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match="smaller than the number of samples"):
        metrics.precision_recall(x, x, extractor=None, k=5)
    with pytest.raises(ValueError, match="density_k"):
        metrics.precision_recall(x, x, extractor=None, density_k=0)


def test_nearest_neighbours_finds_copies_and_orders_neighbours():
    rng = np.random.default_rng(2)
    real = rng.uniform(-1, 1, size=(3000, 4, 4, 1))
    copies = real[[5, 2000, 17]]
    result = metrics.nearest_neighbours(real, copies, k=3)
    assert result.indices[:, 0].tolist() == [5, 2000, 17]
    np.testing.assert_allclose(result.distances[:, 0], 0.0, atol=1e-6)
    assert np.all(np.diff(result.distances, axis=1) >= 0)
    # Brute force for the second neighbour of the first copy.
    distances = np.linalg.norm((real - copies[0]).reshape(3000, -1), axis=1)
    assert result.indices[0, 1] == np.argsort(distances)[1]
    assert result.scalars()["nn_distance_min"] == pytest.approx(0.0, abs=1e-6)
    assert result.protocol["space"] == "raw values, flattened"
    data = result.to_dict()
    assert len(data["indices"]) == 3 and data["protocol"]["n_real"] == 3000
