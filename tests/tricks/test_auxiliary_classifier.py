"""ACGAN's auxiliary classifier term: hand-computed values, errors, the trick contract."""

import numpy as np
import pytest

import keras_gans.testing as kgt
from keras_gans.steps import StepContext
from keras_gans.tricks.auxiliary_classifier import (
    AuxiliaryClassifier,
    auxiliary_classification_loss,
)


def cross_entropy(logits, labels):
    logits = np.asarray(logits, "float64")
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -log_p[np.arange(len(labels)), np.ravel(labels)].mean()


def heads_network(inputs, training):
    """Scores 0; class logits read off the samples themselves (x is (batch, 3))."""
    x, _labels = inputs
    return {"score": x[:, :1] * 0.0, "class_logits": x}


def test_loss_matches_numpy_cross_entropy():
    logits = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 0.0]], "float32")
    labels = np.array([[2], [1]])
    expected = cross_entropy(logits, labels)
    assert float(auxiliary_classification_loss(logits, labels)) == pytest.approx(expected, 1e-5)
    assert float(auxiliary_classification_loss(logits, labels.ravel())) == pytest.approx(expected)


def test_terms_add_real_and_fake_for_the_discriminator_and_fake_for_the_generator():
    real = np.array([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "float32")
    fake = np.array([[0.0, 0.0, 2.0], [1.0, 1.0, 1.0]], "float32")
    labels = np.array([[0], [2]], "int32")
    context = StepContext.of(real, fake, heads_network, condition=labels)
    trick = AuxiliaryClassifier(weight=0.5)
    assert trick.roles == ("discriminator", "generator")
    real_ce, fake_ce = cross_entropy(real, labels), cross_entropy(fake, labels)
    d_term = float(trick.terms(context.player, context))
    generator = context.replace(player="generator")
    g_term = float(trick.terms(generator.player, generator))
    assert d_term == pytest.approx(0.5 * (real_ce + fake_ce), rel=1e-5)
    assert g_term == pytest.approx(0.5 * fake_ce, rel=1e-5)


def test_missing_head_and_missing_labels_are_clear_errors():
    context = StepContext.of(
        [[0.0, 1.0, 2.0]], [[0.0, 1.0, 2.0]], heads_network, player="generator", condition=[[1]]
    )
    with pytest.raises(ValueError, match="'logits'.*Received heads: \\['class_logits'\\]"):
        AuxiliaryClassifier(head="logits").terms(context.player, context)
    unlabelled = StepContext.of([[0.0]], [[0.0]], lambda x, training: x, player="generator")
    with pytest.raises(ValueError, match="needs class labels"):
        AuxiliaryClassifier().terms(unlabelled.player, unlabelled)
    with pytest.raises(ValueError, match="weight"):
        AuxiliaryClassifier(weight=-1.0)


def test_compiling_an_unconditional_model_fails_clearly():
    gan = kgt.tiny_gan()
    with pytest.raises(ValueError, match="label-conditioned GANModel"):
        gan.compile(tricks=[AuxiliaryClassifier()])


def test_passes_the_trick_conformance_checks(tmp_path):
    from keras_gans import GANModel, architectures

    arch = architectures.get(
        "acgan", image_shape=(8, 8, 1), latent_dim=4, num_classes=3, base_filters=4
    )
    gan = GANModel(arch.build_generator(), arch.build_discriminator(), 4, num_classes=3, seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    loaded = kgt.check_trick(AuxiliaryClassifier(weight=0.7), gan, data=images, tmp_path=tmp_path)
    assert loaded.tricks[0].weight == 0.7
