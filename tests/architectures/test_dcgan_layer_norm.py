"""DCGAN's "layer" discriminator normalisation is layer norm over each example's whole map."""

import json

import keras
import numpy as np

from keras_gans.architectures.dcgan import DCGAN
from keras_gans.architectures.infogan import InfoGAN

ARCH = {"image_shape": (16, 16, 1), "latent_dim": 4, "base_filters": 4}


def _first_normalized_map(discriminator, x, training):
    norm = next(layer for layer in discriminator.layers if "Normalization" in type(layer).__name__)
    return keras.ops.convert_to_numpy(
        keras.Model(discriminator.input, norm.output)(x, training=training)
    )


def test_layer_normalization_standardises_each_example_over_height_width_and_channels():
    # Ba et al. 2016 normalise over all hidden units of a layer; the WGAN-GP reference code
    # normalises conv maps over (H, W, C). A per-pixel norm over channels is another thing.
    discriminator = DCGAN(discriminator_normalization="layer", **ARCH).build_discriminator()
    x = np.random.default_rng(0).normal(size=(3, 16, 16, 1)).astype("float32")
    h = _first_normalized_map(discriminator, x, training=True)
    assert h.shape == (3, 4, 4, 8)
    np.testing.assert_allclose(h.mean(axis=(1, 2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(h.std(axis=(1, 2, 3)), 1.0, atol=1e-2)
    assert np.abs(h.mean(axis=-1)).max() > 0.1  # the pixels keep their own magnitude


def test_layer_normalization_is_per_example_and_round_trips():
    # Per example, so a gradient penalty's per-sample gradients stay valid.
    arch = DCGAN(discriminator_normalization="layer", **ARCH)
    discriminator = arch.build_discriminator()
    x = np.random.default_rng(1).normal(size=(4, 16, 16, 1)).astype("float32")
    both = keras.ops.convert_to_numpy(discriminator(x, training=True))
    alone = keras.ops.convert_to_numpy(discriminator(x[:1], training=True))
    np.testing.assert_allclose(both[:1], alone, atol=1e-5)
    config = json.loads(json.dumps(arch.get_config()))
    assert DCGAN.from_config(config).discriminator_normalization == "layer"
    restored = keras.Model.from_config(discriminator.get_config())
    restored.set_weights(discriminator.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(restored(x)), both, atol=1e-5)


def test_infogan_shared_layer_is_as_documented_not_batch_normalised():
    arch = InfoGAN(shared_units=8, q_units=4, **{**ARCH, "latent_dim": 16})
    discriminator = arch.build_discriminator()
    top = [type(layer).__name__ for layer in discriminator.layers]
    assert not any("Normalization" in name for name in top), top
    names = [layer.name for layer in discriminator.layers]
    assert names.index("shared_activation") == names.index("shared_hidden") + 1
    doc = " ".join(InfoGAN.__doc__.split())
    assert "normalised as the body" not in doc
    assert "`shared_units` that D and Q share (leaky ReLU; not batch-normalised" in doc
