"""Adversarial embedding alignment (`embedding-alignment`, Conneau et al. 2018).

The maths (Procrustes, the orthogonality update, CSLS) against closed forms and hand
computations; the model through the conformance suite, a save/load round trip, exact
resumption and an export; and a short training run whose retrieval accuracy improves.
"""

import keras
import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf
from keras import ops
from keras_gans_representation import procrustes as P
from keras_gans_representation.alignment_data import synthetic_embedding_spaces, unpaired_rows
from keras_gans_representation.embedding_alignment import EmbeddingAlignment
from keras_gans_representation.embedding_alignment_model import EmbeddingAlignmentModel
from keras_gans_representation.orthogonality import Orthogonality, orthogonality_update

import keras_gans
import keras_gans.testing as kgt


def batches(x, batch_size):
    """A dataset without tf.data autotuning, which stalls every short `fit` call."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return tf.data.Dataset.from_tensor_slices(x).batch(batch_size).with_options(options)


def rotation(dim, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q * np.sign(np.diag(r))


# ---------------------------------------------------------------------------------- maths
def test_procrustes_recovers_a_known_rotation_exactly_without_noise():
    x = np.random.default_rng(0).normal(size=(40, 6))
    q = rotation(6, 1)
    w = P.procrustes(x, x @ q)
    np.testing.assert_allclose(w, q, atol=1e-12)
    np.testing.assert_allclose(w @ w.T, np.eye(6), atol=1e-12)


def test_procrustes_is_the_best_orthogonal_fit_under_noise():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 4))
    y = x @ rotation(4, 3) + 0.3 * rng.normal(size=(60, 4))
    w = P.procrustes(x, y)
    best = np.linalg.norm(x @ w - y)
    for seed in range(20):  # no other orthogonal matrix fits better
        assert best <= np.linalg.norm(x @ rotation(4, 100 + seed) - y)
    with pytest.raises(ValueError, match="aligned pairs of the same shape"):
        P.procrustes(x, y[:10])


def test_orthogonality_update_by_hand():
    # W = [[1, 1], [0, 1]]: W W^T = [[2, 1], [1, 1]], (W W^T) W = [[2, 3], [1, 2]].
    w = np.array([[1.0, 1.0], [0.0, 1.0]])
    beta = 0.1
    expected = 1.1 * w - 0.1 * np.array([[2.0, 3.0], [1.0, 2.0]])
    np.testing.assert_allclose(ops.convert_to_numpy(orthogonality_update(w, beta)), expected)
    # An orthogonal matrix is a fixed point.
    q = rotation(5, 4)
    np.testing.assert_allclose(ops.convert_to_numpy(orthogonality_update(q, 0.01)), q, atol=1e-12)


def test_repeated_orthogonality_updates_make_a_perturbed_map_orthogonal():
    q = rotation(5, 5) + 0.05 * np.random.default_rng(6).normal(size=(5, 5))
    start = np.abs(q @ q.T - np.eye(5)).max()
    for _ in range(200):
        q = ops.convert_to_numpy(orthogonality_update(q, 0.05))
    assert start > 0.05 and np.abs(q @ q.T - np.eye(5)).max() < 1e-6


def test_csls_on_a_hand_made_example():
    # y0 is a hub: s0 sits on it and s1 is closer to it than to s1's own translation y1.
    mapped = np.array([[1.0, 0.0], [0.6, 0.8]])
    target = np.array([[1.0, 0.0], [-0.6, 0.8]])
    cos = mapped @ target.T  # unit rows: [[1, -0.6], [0.6, 0.28]]
    r_t = cos.max(axis=1)  # k=1: [1, 0.6]
    r_s = cos.max(axis=0)  # k=1: [1, 0.28]
    expected = 2 * cos - r_t[:, None] - r_s[None, :]
    np.testing.assert_allclose(expected, [[0.0, -2.48], [-0.4, -0.32]], atol=1e-12)
    np.testing.assert_allclose(P.csls_similarities(mapped, target, k=1), expected, atol=1e-12)
    # Plain nearest neighbours send both words to the hub; CSLS gives s1 its own word.
    assert P.nearest_neighbor_retrieve(mapped, target).tolist() == [0, 0]
    assert P.csls_retrieve(mapped, target, k=1).tolist() == [0, 1]
    assert P.precision_at_1(mapped, target, [0, 1], k=1) == 1.0
    assert P.precision_at_1(mapped, target, [0, 1], method="nn") == 0.5
    assert P.mutual_nearest_neighbors(mapped, target, k=1).tolist() == [[0, 0], [1, 1]]
    with pytest.raises(ValueError, match=r"`method` must be one of \('csls', 'nn'\)"):
        P.precision_at_1(mapped, target, [0, 1], method="cosine")
    with pytest.raises(ValueError, match="`k` must be at most the number of words"):
        P.csls_retrieve(mapped, target, k=3)


def test_synthetic_spaces_hide_a_rotation_and_share_frequency_ranks():
    spaces = synthetic_embedding_spaces(n_words=2000, dim=8, noise=0.0, seed=0)
    np.testing.assert_allclose(
        spaces.source @ spaces.rotation, spaces.target[spaces.translation], atol=1e-5
    )
    assert sorted(spaces.translation.tolist()) == list(range(2000))
    # Row i rarely translates row i, but the most frequent words mostly overlap.
    assert np.mean(spaces.translation == np.arange(2000)) < 0.05
    assert np.mean(spaces.translation[:200] < 400) > 0.8
    rows = unpaired_rows(spaces.source, spaces.target, most_frequent=500)
    assert rows.shape == (500, 2, 8)
    assert {tuple(r) for r in rows[:, 0].round(5)} == {
        tuple(r) for r in spaces.source[:500].round(5)
    }
    with pytest.raises(ValueError, match="same embedding size"):
        unpaired_rows(np.zeros((3, 2)), np.zeros((3, 4)))


# ---------------------------------------------------------------------------------- model
def small_model(seed=0, dim=4, eager=False):
    keras.utils.set_random_seed(seed)
    gan = keras_gans.GANModel.from_architecture(
        "embedding-alignment", embedding_dim=dim, hidden_units=(16,), seed=seed
    )
    gan.compile(d_steps=2, run_eagerly=eager)
    return gan


def test_built_with_the_paper_defaults_and_clear_errors():
    gan = small_model()
    assert isinstance(gan, EmbeddingAlignmentModel)
    np.testing.assert_array_equal(ops.convert_to_numpy(gan.kernel), np.eye(4))
    assert [type(t) for t in gan.tricks] == [Orthogonality]
    assert gan.adversarial_loss.label_smoothing == 0.2 and gan.d_steps == 2
    assert isinstance(gan.g_optimizer, keras.optimizers.SGD)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(0.1)
    default = EmbeddingAlignment()
    assert default.hidden_units == (2048, 2048) and default.input_dropout == 0.1
    with pytest.raises(ValueError, match=r"`hidden_units` must be .*hidden_units=\(\)"):
        EmbeddingAlignment(hidden_units=())
    with pytest.raises(ValueError, match=r"`beta` must be a number in \[0.0, 1.0\).*beta=2"):
        EmbeddingAlignment(beta=2)
    with pytest.raises(ValueError, match=r"pair of shape \(2, 4\).*\(3, 4\)"):
        gan.fit(np.zeros((8, 3, 4), "float32"), batch_size=4, verbose=0)


def test_passes_the_conformance_suite(tmp_path):
    rows = np.random.default_rng(0).normal(size=(32, 2, 4)).astype("float32")
    checked = kgt.run_all(
        "embedding-alignment", tmp_path=tmp_path, data=rows, embedding_dim=4, hidden_units=(8,)
    )
    assert checked == ("architectures",)


def test_each_map_update_is_followed_by_the_orthogonality_step():
    rows = np.random.default_rng(1).normal(size=(4, 2, 4)).astype("float32")
    kernels = {}
    for beta in (None, 0.3):
        gan = small_model()
        if beta is None:
            gan.architecture_tricks = []
        tricks = None if beta is None else [Orthogonality(beta)]
        gan.compile(d_steps=2, tricks=tricks, run_eagerly=True)
        gan.fit(batches(rows, 4), epochs=1, verbose=0, shuffle=False)
        kernels[beta] = ops.convert_to_numpy(gan.kernel)
    # Same data, seeds and SGD step; then W <- 1.3 W - 0.3 (W W^T) W on the stepped map.
    assert not np.allclose(kernels[None], np.eye(4))
    expected = ops.convert_to_numpy(orthogonality_update(kernels[None], 0.3))
    np.testing.assert_allclose(kernels[0.3], expected, rtol=1e-5, atol=1e-6)


def test_save_load_gives_identical_outputs_and_resumes_exactly(tmp_path):
    rows = np.random.default_rng(2).normal(size=(48, 2, 4)).astype("float32")

    def train(gan, epochs):
        gan.fit(batches(rows, 16), epochs=epochs, verbose=0, shuffle=False)

    straight = small_model(seed=3, eager=True)  # eager: same maths, no tracing time
    train(straight, 3)
    interrupted = small_model(seed=3, eager=True)
    train(interrupted, 1)
    interrupted.save(tmp_path / "align.keras")
    loaded = keras_gans.load_model(tmp_path / "align.keras")
    source = rows[:, 0]
    np.testing.assert_array_equal(
        loaded.predict(source, verbose=0), interrupted.predict(source, verbose=0)
    )
    assert type(loaded) is EmbeddingAlignmentModel and loaded.d_steps == 2
    loaded.run_eagerly = True  # not part of the compile config; the maths is the same
    train(loaded, 2)
    assert int(loaded.g_optimizer.iterations) == 9 and int(loaded.d_optimizer.iterations) == 18
    for a, b in zip(straight.variables, loaded.variables, strict=True):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b), a.path)
    for optimizer in ("d_optimizer", "g_optimizer"):
        for a, b in zip(
            getattr(straight, optimizer).variables,
            getattr(loaded, optimizer).variables,
            strict=True,
        ):
            np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


def test_adversarial_training_moves_the_map_towards_the_hidden_rotation():
    # Start 0.8 rad away from the truth (a short test cannot afford the full search from the
    # identity, which benchmarks/representation_alignment.py measures).
    spaces = synthetic_embedding_spaces(n_words=300, dim=4, noise=0.02, clusters=10, seed=1)
    generator = np.random.default_rng(11).normal(size=(4, 4))
    generator = 0.8 * (generator - generator.T) / np.linalg.norm(generator - generator.T, 2)
    start = spaces.rotation @ scipy.linalg.expm(generator)
    gan = small_model(seed=1)
    gan.compile(d_steps=5)
    gan.kernel.assign(start.astype("float32"))
    rows = np.concatenate([unpaired_rows(spaces.source, spaces.target, seed=s) for s in range(10)])
    gan.fit(batches(rows, 160), epochs=3, verbose=0, shuffle=False)
    trained = ops.convert_to_numpy(gan.kernel)

    def scores(kernel):
        refined, _ = P.procrustes_refinement(spaces.source, spaces.target, kernel, iterations=3)
        return [
            P.precision_at_1(spaces.source @ k, spaces.target, spaces.translation)
            for k in (kernel, refined)
        ]

    (start_p1, start_refined), (trained_p1, trained_refined) = scores(start), scores(trained)
    assert trained_p1 > max(2 * start_p1, 0.08), (start_p1, trained_p1)
    assert start_refined < 0.1 < 0.6 < trained_refined, (start_refined, trained_refined)
    distance = np.linalg.norm(trained - spaces.rotation) / np.linalg.norm(start - spaces.rotation)
    assert distance < 0.8
    # After refinement the map translates through `translate` (CSLS retrieval).
    gan.refine(spaces.source, spaces.target, iterations=3)
    found = gan.translate(spaces.source, spaces.target)
    assert np.mean(found == spaces.translation) == pytest.approx(trained_refined, abs=1e-6)


def test_the_map_exports_with_parity(tmp_path):
    gan = small_model()
    gan.kernel.assign(rotation(4, 7).astype("float32"))
    result = keras_gans.export.export(gan, tmp_path / "map.onnx", format="onnx")
    assert result.verification.passed and result.verification.max_abs_diff < 1e-5
    assert result.metadata["inputs"][0]["name"] == "z"
