"""BigGAN (`biggan`): conditional batch norm, orthogonal regulariser, hierarchical latents."""

import json

import keras
import numpy as np
import pytest
from keras_gans_style.biggan import BigGAN, latent_chunks
from keras_gans_style.biggan_batch_normalization import BigGANBatchNormalization
from keras_gans_style.orthogonal_regularization import (
    OrthogonalRegularization,
    off_diagonal_orthogonality,
)

import keras_gans
import keras_gans.testing as kgt
from keras_gans.datasets import load_digits
from keras_gans.layers import ProjectionHead
from keras_gans.steps import Player, StepContext

TINY = {"image_shape": (8, 8, 1), "latent_dim": 8, "num_classes": 10, "base_filters": 4}
TINY["shared_dim"] = 4


# ----------------------------------------------------------------------------- the maths
def test_off_diagonal_orthogonality_by_hand():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 2, 4))  # a conv kernel: 4 filters of 18 weights
    w = kernel.reshape(18, 4)
    gram = w.T @ w
    expected = np.sum(gram**2) - np.sum(np.diag(gram) ** 2)
    assert float(off_diagonal_orthogonality(kernel)) == pytest.approx(expected, rel=1e-5)
    q, _ = np.linalg.qr(rng.normal(size=(6, 3)))  # orthogonal columns of any norm: zero
    assert float(off_diagonal_orthogonality(q * [1.0, 5.0, 0.1])) == pytest.approx(0, abs=1e-9)


def test_orthogonal_regularization_covers_the_generators_kernels_but_not_the_shared_embedding():
    generator = BigGAN(**TINY).build_generator()
    player = Player("generator", "generator", (generator,), keras.optimizers.Adam())
    piece = OrthogonalRegularization(beta=0.5)
    covered = piece.regularized_weights(player)
    paths = [v.path for v in covered]
    assert not any("shared_embedding" in p for p in paths)
    assert any("g_block0_norm1" in p for p in paths)  # the gains' linear maps are covered
    assert all(len(v.shape) >= 2 for v in covered)
    assert len(covered) == sum(len(v.shape) >= 2 for v in generator.trainable_weights) - 1
    ctx = StepContext.of(np.zeros((1, 1)), np.zeros((1, 1)), player=player)
    expected = 0.5 * sum(float(off_diagonal_orthogonality(v)) for v in covered)
    assert float(piece.terms(player, ctx)) == pytest.approx(expected, rel=1e-5)
    assert piece.roles == ("generator",) and piece.metric_names == ("g_term/orthogonal",)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(piece))
    assert restored.get_config() == piece.get_config()
    with pytest.raises(ValueError, match="`beta` must be a non-negative number.*beta=-1"):
        OrthogonalRegularization(beta=-1)
    with pytest.raises(ValueError, match="`exclude` must be a list of non-empty strings"):
        OrthogonalRegularization(exclude="shared")


def test_conditional_batch_norm_gains_and_biases_are_linear_in_the_condition():
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, size=(5, 2, 2, 3)).astype("float32")
    condition = rng.normal(size=(5, 4)).astype("float32")
    layer = BigGANBatchNormalization(spectral_normalization=False, epsilon=1e-3)
    layer([x, condition])
    wg, bg = rng.normal(size=(4, 3)), rng.normal(size=3)
    wb, bb = rng.normal(size=(4, 3)), rng.normal(size=3)
    layer.gain.kernel.assign(wg), layer.gain.bias.assign(bg)
    layer.bias.kernel.assign(wb), layer.bias.bias.assign(bb)
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + 1e-3)
    gain = (1 + condition @ wg + bg)[:, None, None, :]
    bias = (condition @ wb + bb)[:, None, None, :]
    got = layer([x, condition], training=True)
    np.testing.assert_allclose(got, gain * normalized + bias, rtol=1e-4, atol=1e-4)
    sn = BigGANBatchNormalization()
    sn([x, condition])
    assert isinstance(sn.gain, keras.layers.SpectralNormalization)
    with pytest.raises(ValueError, match=r"condition of shape \(batch, d\)"):
        BigGANBatchNormalization().build(((None, 2, 2, 3), (None, 2, 4)))
    with pytest.raises(ValueError, match="`momentum` must be in"):
        BigGANBatchNormalization(momentum=1.0)


# ----------------------------------------------------------------------------- networks
def test_hierarchical_latents_split_z_into_one_chunk_per_block_plus_one():
    assert latent_chunks(120, 6) == [20] * 6  # the paper's 128x128 split
    assert latent_chunks(64, 4) == [16, 16, 16, 16]
    arch = BigGAN(**{**TINY, "image_shape": (16, 16, 1), "latent_dim": 10})
    assert arch.latent_chunks() == [4, 3, 3]
    generator = arch.build_generator()
    # each block's condition: its chunk of z joined to the shared class embedding
    assert generator.get_layer("g_block0_condition").output.shape[-1] == 3 + 4
    assert generator.get_layer("g_block1_condition").output.shape[-1] == 3 + 4
    assert generator.get_layer("g_dense").input.shape[-1] == 4
    # changing block 1's chunk changes the image; the first linear layer never sees it
    z = np.random.default_rng(0).normal(size=(2, 10)).astype("float32")
    z2 = z.copy()
    z2[:, 7:] += 1.0
    labels = np.array([[1], [2]])
    dense = keras.Model(generator.inputs, generator.get_layer("g_dense").output)
    np.testing.assert_array_equal(dense([z, labels]), dense([z2, labels]))
    assert not np.allclose(generator([z, labels]), generator([z2, labels]))


def test_networks_projection_attention_and_spectral_norm():
    arch = BigGAN(**{**TINY, "image_shape": (16, 16, 3)})
    assert arch.attention_resolution == 8 and BigGAN.default_loss == "hinge"
    generator, discriminator = arch.build_generator(), arch.build_discriminator()
    assert generator.get_layer("g_attention").output.shape[1:3] == (8, 8)
    assert discriminator.get_layer("d_attention").output.shape[1:3] == (8, 8)
    head = discriminator.get_layer("score")
    assert isinstance(head, ProjectionHead) and head.spectral_normalization
    assert generator.output_shape == (None, 16, 16, 3)
    layers = list(generator._flatten_layers(include_self=False, recursive=True))
    layers += list(discriminator._flatten_layers(include_self=False, recursive=True))
    wrapped = {
        id(lay.layer) for lay in layers if isinstance(lay, keras.layers.SpectralNormalization)
    }
    plain = [
        lay.name
        for lay in layers
        if isinstance(lay, (keras.layers.Conv2D, keras.layers.Dense)) and id(lay) not in wrapped
    ]
    assert plain == []


def test_orthogonal_initializer_draws_every_kernel_and_embedding_orthogonal():
    """Each kernel as a `(-1, out)` matrix, and each embedding table, has orthonormal rows
    or columns (whichever are fewer); Glorot kernels do not."""

    def orthonormal(matrix):
        gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
        return np.allclose(gram, np.eye(len(gram)), atol=1e-4)

    def matrices(model):
        for weight in model.trainable_weights:
            if weight.path.endswith(("/kernel", "/embeddings")) and len(weight.shape) >= 2:
                value = keras.ops.convert_to_numpy(weight)
                yield weight.path, value.reshape(-1, value.shape[-1])

    keras.utils.set_random_seed(0)
    arch = BigGAN(**TINY, initializer="orthogonal")
    networks = {"shared_embedding": arch.build_generator(), "score": arch.build_discriminator()}
    for embedding, model in networks.items():
        found = dict(matrices(model))
        assert f"{embedding}/embeddings" in found and len(found) > 10
        assert [path for path, m in found.items() if not orthonormal(m)] == []
    glorot = dict(matrices(BigGAN(**TINY).build_generator()))
    assert not all(orthonormal(m) for m in glorot.values())
    assert BigGAN.from_config(arch.get_config()).initializer == "orthogonal"
    with pytest.raises(ValueError, match="`initializer` must be one of.*initializer='ortho'"):
        BigGAN(**TINY, initializer="ortho")


def test_defaults_config_and_errors():
    arch = BigGAN(**TINY)
    config = json.loads(json.dumps(arch.get_config()))
    assert BigGAN.from_config(config).get_config() == arch.get_config()
    d_optimizer, g_optimizer = arch.default_optimizers()
    assert float(d_optimizer.learning_rate) == pytest.approx(4e-4)
    assert float(g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert (float(g_optimizer.beta_1), float(d_optimizer.beta_2)) == (0.0, 0.999)
    assert BigGAN(**{**TINY, "orthogonal_beta": 0}).default_tricks() == []
    with pytest.raises(ValueError, match="`num_classes` must be an integer >= 2.*None"):
        BigGAN(image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="`latent_dim` must be at least 4 .*latent_dim=3"):
        BigGAN(**{**TINY, "image_shape": (32, 32, 1), "latent_dim": 3})
    with pytest.raises(ValueError, match="`attention_resolution` must be None or one of"):
        BigGAN(**TINY, attention_resolution=3)


def test_truncation_concentrates_samples():
    """Truncated latents (the core's `truncated_normal`) reach the generator unchanged."""
    from keras_gans.latents import truncated_normal

    z = truncated_normal(64, 8, threshold=0.5, seed=0)
    assert np.abs(z).max() <= 0.5
    model = keras_gans.GANModel.from_architecture("biggan", seed=0, **TINY)
    labels = np.zeros(64, "int32")
    out = model.generate(64, labels=labels, latents=z)
    assert out.shape == (64, 8, 8, 1) and np.isfinite(out).all()


# ----------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The conformance checks one by one (`run_all`'s: architecture, fit, save/load and
    resumed training) on a tiny BigGAN with an EMA generator, with its default pieces."""
    x, y = load_digits()
    x, y = x[:64], y[:64]
    keras.utils.set_random_seed(0)
    model = keras_gans.GANModel.from_architecture("biggan", seed=0, ema_decay=0.9, **TINY)
    model.compile(*BigGAN(**TINY).default_optimizers(), loss="hinge")
    kgt.check_architecture(BigGAN(**TINY))
    trained = kgt.check_fit(model, x, labels=y, batch_size=32)
    loaded = kgt.check_save_load(
        trained, tmp_path_factory.mktemp("biggan"), x, labels=y, batch_size=32
    )
    history = trained.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return {"trained": trained, "loaded": loaded, "history": history.history}


@pytest.mark.slow
def test_save_load_and_resume_exactly(suite):
    trained, loaded = suite["trained"], suite["loaded"]
    assert [t.name for t in loaded.tricks] == ["orthogonal"]
    assert suite["history"]["g_term/orthogonal"][-1] > 0
    for a, b in zip(trained.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("d_optimizer", "g_optimizer"):
        old, new = getattr(trained, name).variables, getattr(loaded, name).variables
        assert len(old) == len(new) > 1 and int(old[0].numpy()) == 4
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")
    labels = np.arange(6) % 10
    np.testing.assert_array_equal(
        trained.generate(6, labels=labels, seed=3), loaded.generate(6, labels=labels, seed=3)
    )
