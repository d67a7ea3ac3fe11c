"""The maths of StyleGAN's and StyleGAN2's layers and regularisers, on tiny tensors."""

import keras
import numpy as np
import pytest
from keras import ops
from keras_gans_style._style_resample import (
    downsample2d,
    downsample_matrix,
    upsample2d,
    upsample_matrix,
)
from keras_gans_style.adaptive_instance_normalization import (
    AdaptiveInstanceNormalization,
    adaptive_instance_normalization,
)
from keras_gans_style.lazy_regularization import LazyRegularization
from keras_gans_style.modulated_conv2d import ModulatedConv2D, demodulate, modulate
from keras_gans_style.noise_injection import NoiseInjection
from keras_gans_style.path_length_penalty import PathLengthPenalty
from keras_gans_style.style_mixing import StyleMixing, draw_crossover, mix_styles
from keras_gans_style.truncation import Truncation, truncate

from keras_gans.steps import StepContext
from tests.distribution import two_cpu_strategy

RNG = np.random.default_rng(0)


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


# ----------------------------------------------------------------------------- AdaIN
def test_adain_gives_each_channel_the_style_mean_and_std():
    x = normal(3, 6, 5, 4) * 3.0 + 2.0
    scale, bias = normal(3, 4) * 2.0, normal(3, 4)
    y = adaptive_instance_normalization(x, scale, bias).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), bias, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2)), np.abs(scale), rtol=1e-4)


def test_adain_layer_styles_come_from_affine_maps_of_w():
    layer = AdaptiveInstanceNormalization()
    x, w = normal(2, 4, 4, 3), normal(2, 5)
    y = layer([x, w]).numpy()
    scale, bias = layer.style_scale(w).numpy(), layer.style_bias(w).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), bias, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2)), np.abs(scale), rtol=1e-4)
    # initialised around the identity style: scale A(0) = 1, bias A(0) = 0
    np.testing.assert_allclose(layer.style_scale(np.zeros((1, 5), "float32")), 1.0)


# ----------------------------------------------------------------------------- modulation
def test_demodulated_weights_have_unit_norm_per_output_channel():
    weights = demodulate(modulate(normal(3, 3, 4, 5), normal(2, 4) + 1.0)).numpy()
    norms = np.sqrt((weights**2).sum(axis=(1, 2, 3)))  # over kernel positions and inputs
    np.testing.assert_allclose(norms, np.ones((2, 5)), rtol=1e-5)


def test_modulation_scales_input_channels_of_the_kernel():
    kernel, styles = normal(3, 3, 4, 5), normal(2, 4)
    expected = kernel[None] * styles[:, None, None, :, None]
    np.testing.assert_allclose(modulate(kernel, styles), expected, rtol=1e-6)


def _set_affine_to_ones(layer, w_dim):
    layer.affine.kernel.assign(np.zeros((w_dim, layer.affine.units), "float32"))
    layer.affine.bias.assign(np.ones(layer.affine.units, "float32") / layer.affine.lr_multiplier)


def test_modulation_by_ones_is_a_plain_convolution():
    layer = ModulatedConv2D(5, 3, demodulate=False)
    x, w = normal(2, 6, 6, 4), normal(2, 7)
    layer([x, w])
    _set_affine_to_ones(layer, 7)
    np.testing.assert_allclose(layer.styles(w), np.ones((2, 4)))
    plain = ops.conv(x, layer.kernel * layer.scale, padding="same").numpy()
    np.testing.assert_allclose(layer([x, w]), plain, rtol=1e-5, atol=1e-5)


def test_modulated_conv_equals_convolving_with_each_examples_demodulated_kernel():
    layer = ModulatedConv2D(3, 3)
    x, w = normal(2, 5, 5, 4), normal(2, 6)
    y = layer([x, w]).numpy()
    kernels = demodulate(modulate(layer.kernel * layer.scale, layer.styles(w))).numpy()
    for i in range(2):
        expected = ops.conv(x[i : i + 1], kernels[i], padding="same").numpy()
        np.testing.assert_allclose(y[i : i + 1], expected, rtol=1e-4, atol=1e-5)


def test_resampling_applies_the_matrices_to_both_axes_and_preserves_constants():
    np.testing.assert_allclose(upsample_matrix(4).sum(axis=1), 1.0)
    np.testing.assert_allclose(downsample_matrix(8).sum(axis=1), 1.0)
    x = normal(2, 4, 6, 3)
    expected = np.einsum("ph,qw,nhwc->npqc", upsample_matrix(4), upsample_matrix(6), x)
    np.testing.assert_allclose(upsample2d(x), expected, rtol=1e-5, atol=1e-6)
    expected = np.einsum("ph,qw,nhwc->npqc", downsample_matrix(4), downsample_matrix(6), x)
    np.testing.assert_allclose(downsample2d(x), expected, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- noise
def test_noise_modes():
    layer = NoiseInjection(per_channel=True, seed=3)
    x = normal(2, 4, 4, 3)
    layer(x)
    layer.strength.assign(np.array([1.0, 2.0, 0.0], "float32"))
    const = layer.noise_const.numpy()
    np.testing.assert_allclose(layer(x, mode="const"), x + const * [1.0, 2.0, 0.0], rtol=1e-6)
    np.testing.assert_array_equal(layer(x, mode="none"), x)
    explicit = normal(2, 4, 4, 1)
    np.testing.assert_allclose(layer(x, noise=explicit), x + explicit * [1.0, 2.0, 0.0], rtol=1e-6)
    first, second = layer(x, mode="random").numpy(), layer(x, mode="random").numpy()
    assert not np.allclose(first, second)  # fresh noise per call
    np.testing.assert_array_equal(first[..., 2], x[..., 2])  # zero strength: no noise
    with pytest.raises(ValueError, match="`mode` must be one of"):
        layer(x, mode="fixed")


# ----------------------------------------------------------------------------- truncation
def test_truncation_psi_zero_gives_w_avg_and_one_is_the_identity():
    layer = Truncation(num_ws=3)
    w = normal(4, 2)
    layer(w)
    layer.w_avg.assign(np.array([0.5, -1.0], "float32"))
    np.testing.assert_allclose(layer(w, psi=0.0), np.broadcast_to([0.5, -1.0], (4, 3, 2)))
    np.testing.assert_allclose(layer(w, psi=1.0), np.repeat(w[:, None], 3, axis=1))
    half = layer(w, psi=0.5, cutoff=2).numpy()
    expected = 0.5 * (w[:, None] + [0.5, -1.0]).repeat(2, 1)
    np.testing.assert_allclose(half[:, :2], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(half[:, 2], w)
    np.testing.assert_allclose(truncate(w[:, None], [0.0, 0.0], 0.7), 0.7 * w[:, None], rtol=1e-6)


def test_w_avg_tracks_the_mapping_outputs_with_its_decay():
    layer = Truncation(num_ws=2, decay=0.9)
    w = normal(8, 3)
    layer(w)
    layer.track(w)
    np.testing.assert_allclose(layer.w_avg, 0.1 * w.mean(axis=0), rtol=1e-5)


# ----------------------------------------------------------------------------- tf.distribute
def test_under_two_replicas_noise_differs_and_w_avg_is_the_global_mean():
    # Replica r tracks w = r + 1 everywhere: the global batch mean is 1.5 on both
    # replicas (a per-replica average would leave 1 on one and 2 on the other, and
    # save replica 0's), and each replica draws its own noise images.
    import tensorflow as tf

    strategy = two_cpu_strategy(reduce_to_one_device=True)
    with strategy.scope():
        noise, truncation = NoiseInjection(seed=3), Truncation(num_ws=2, decay=0.0)
        noise.build((None, 4, 4, 2))
        noise.strength.assign([1.0, 1.0])
        truncation.build((None, 3))

    @tf.function
    def step(w):
        truncation.track(w)
        return noise(tf.zeros((2, 4, 4, 2)))

    w = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.fill((2, 3), tf.cast(ctx.replica_id_in_sync_group, "float32") + 1.0)
    )
    first, second = (
        v.numpy() for v in strategy.experimental_local_results(strategy.run(step, (w,)))
    )
    assert not np.allclose(first, second)
    for w_avg in strategy.experimental_local_results(truncation.w_avg.value):
        np.testing.assert_allclose(w_avg.numpy(), [1.5, 1.5, 1.5])


# ----------------------------------------------------------------------------- style mixing
def test_style_mixing_switches_layers_at_the_crossover():
    a, b = normal(2, 6, 3), normal(2, 6, 3)
    for crossover in (1, 3, 6):
        mixed = mix_styles(a, b, crossover).numpy()
        np.testing.assert_array_equal(mixed[:, :crossover], a[:, :crossover])
        np.testing.assert_array_equal(mixed[:, crossover:], b[:, crossover:])


def test_crossover_is_uniform_over_layers_when_mixing_and_off_otherwise():
    seed = keras.random.SeedGenerator(0)
    always = [int(draw_crossover(6, 1.0, seed)) for _ in range(60)]
    assert set(always) == {1, 2, 3, 4, 5}
    assert {int(draw_crossover(6, 0.0, seed)) for _ in range(5)} == {6}
    mixed = np.mean([int(draw_crossover(6, 0.9, seed)) < 6 for _ in range(100)])
    assert 0.75 < mixed < 0.99  # 0.9 +- 5 standard deviations
    with pytest.raises(ValueError, match="`probability` must be a number in"):
        StyleMixing(probability=1.5)


# ----------------------------------------------------------------------------- path length
class _LinearStyleModel:
    """`G(ws) = reshape(flatten(ws) @ A)`: its Jacobian is `A` (a tiny linear generator)."""

    sample_shape = (2, 2, 1)

    def __init__(self, matrix):
        self.matrix = matrix

    def synthesize(self, ws, training=True):
        flat = ops.reshape(ws, (ops.shape(ws)[0], -1))
        return ops.reshape(ops.matmul(flat, self.matrix), (-1, 2, 2, 1))


def test_path_length_penalty_on_a_linear_generator_by_hand():
    matrix, ws = normal(6, 4), normal(4, 3, 2)  # num_ws=3, w_dim=2, images 2x2
    penalty = PathLengthPenalty(weight=2.0, decay=0.01, batch_shrink=2)
    penalty.build(_LinearStyleModel(matrix))
    penalty.mean.assign(0.5)
    images = np.zeros((4, 2, 2, 1), "float32")
    ctx = StepContext.of(
        images, images, player="generator", extras={"ws": ws},
        seed_generator=keras.random.SeedGenerator(7),
    )  # fmt: skip
    value = float(penalty.terms(None, ctx))
    y = keras.random.normal((2, 2, 2, 1), seed=keras.random.SeedGenerator(7)).numpy() / 2.0
    grads = (y.reshape(2, 4) @ matrix.T).reshape(2, 3, 2)  # J^T y for the first 4 // 2
    lengths = np.sqrt((grads**2).sum(axis=2).mean(axis=1))
    mean = 0.5 + 0.01 * (lengths.mean() - 0.5)
    assert value == pytest.approx(2.0 * np.mean((lengths - mean) ** 2), rel=1e-4)
    assert float(penalty.mean.numpy()) == pytest.approx(mean, rel=1e-5)
    evaluation = StepContext.of(
        images, images, player="generator", extras={"ws": ws}, training=False
    )
    assert penalty.terms(None, evaluation) is None  # evaluate() or validation data
    assert float(penalty.mean.numpy()) == pytest.approx(mean, rel=1e-5)  # mean unmoved


# ----------------------------------------------------------------------------- laziness
class _Counting(PathLengthPenalty):
    calls = 0

    def build(self, model):
        pass

    def terms(self, player, ctx):
        type(self).calls += 1
        return ops.convert_to_tensor(1.5)


class _Player:
    role = "generator"

    def __init__(self):
        self.optimizer = keras.optimizers.Adam()


def test_lazy_regularization_runs_every_interval_with_its_weight_times_interval():
    lazy = LazyRegularization(_Counting(), interval=4)
    player, images = _Player(), np.zeros((2, 1), "float32")
    ctx = StepContext.of(images, images, player="generator")
    values = []
    for step in range(9):
        player.optimizer.iterations.assign(step)
        values.append(float(lazy.terms(player, ctx)))
    assert values == [6.0, 0, 0, 0, 6.0, 0, 0, 0, 6.0]
    assert _Counting.calls == 3  # the off updates do not compute it
    assert lazy.terms(player, StepContext.of(images, images, training=False)) is None
    assert lazy.metric_names == ("g_penalty/path_length",)
    with pytest.raises(TypeError, match="`regularizer` must be"):
        LazyRegularization("r1")
