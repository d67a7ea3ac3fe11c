"""The 2-D mode-collapse benchmark: its statistics, and a fast run of the best recipe."""

import math

import numpy as np
import pytest

from tests import benchmark_modules


@pytest.fixture(scope="module")
def bench():
    return benchmark_modules.load("mixtures_2d")


def test_mode_statistics_are_hand_computed(bench):
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    samples = np.array([[0.1, 0.0], [0.0, -0.2], [10.0, 0.25], [5.0, 5.0], [0.0, 10.4], [9.9, 0.0]])
    stats = bench.mode_statistics(samples, centres, std=0.1)  # HQ within 0.3
    # HQ: modes 0, 0, 1, 1 (the 0.4 and the far sample are not HQ); 2 modes of 4.
    assert stats["modes"] == 2
    assert stats["hq_percent"] == pytest.approx(100 * 4 / 6)
    assert stats["reverse_kl"] == pytest.approx(2 * 0.5 * math.log(0.5 * 4))
    assert bench.mode_statistics(samples + 100, centres, 0.1)["reverse_kl"] == math.inf


def test_benchmark_mixtures_follow_the_pacgan_definitions(bench):
    points, centres, std = bench.mixture("ring", 1000, seed=0)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 1.0, rtol=1e-6)
    assert len(centres) == 8 and std == 0.01
    points, centres, std = bench.mixture("grid", 1000, seed=0)
    assert sorted(set(centres[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0] and std == 0.05


@pytest.mark.slow  # trains for 14-41 s: the slow tier keeps the default under 15 min
def test_best_recipe_captures_all_eight_ring_modes(bench):
    stats, samples, _ = bench.run("best", "ring", seed=0, steps=6000)
    assert stats["modes"] == 8, stats
    assert stats["hq_percent"] > 80.0, stats
    assert samples.shape == (bench.EVAL_SAMPLES, 2)
