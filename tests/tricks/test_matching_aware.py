"""GAN-CLS's matching-aware term: mismatched conditions, Algorithm 1, the trick contract."""

import keras
import numpy as np
import pytest

import keras_gans.testing as kgt
from keras_gans.losses import NonSaturating
from keras_gans.steps import StepContext
from keras_gans.tricks.matching_aware import MatchingAware, mismatched_conditions


def softplus(x):
    return np.log1p(np.exp(x))


def test_mismatched_class_ids_are_always_wrong_and_cover_every_other_class():
    labels = np.zeros((3000, 1), "int32")
    wrong = np.asarray(mismatched_conditions(labels, seed=0, num_classes=4))
    assert wrong.shape == labels.shape and wrong.dtype == labels.dtype
    counts = np.bincount(wrong.ravel(), minlength=4)
    assert counts[0] == 0 and min(counts[1:]) > 900  # uniform over the three other classes
    with pytest.raises(ValueError, match="num_classes"):
        mismatched_conditions(labels, seed=0)


def test_mismatched_embeddings_come_from_other_rows():
    vectors = np.arange(12, dtype="float32").reshape(6, 2)
    for seed in range(5):
        wrong = np.asarray(mismatched_conditions(vectors, seed=seed))
        shift = int(wrong[0, 0]) // 2
        assert 1 <= shift < 6
        np.testing.assert_array_equal(wrong, np.roll(vectors, -shift, axis=0))
    one = np.ones((1, 2), "float32")
    np.testing.assert_array_equal(mismatched_conditions(one, seed=0), one)


class _Model:
    conditional = True
    num_classes = 3
    adversarial_loss = NonSaturating()
    name = "stub"


def test_term_is_the_loss_with_mismatched_pairs_as_fakes_algorithm_1():
    # D(x, y) = x + y: scores depend on the condition, so the wrong pairs score differently.
    def network(inputs, training):
        x, condition = inputs
        return x + keras.ops.cast(condition, "float32")

    real = np.array([[0.5], [-1.0], [2.0]], "float32")
    fake = np.array([[0.0], [1.0], [-2.0]], "float32")
    labels = np.array([[0], [1], [2]], "int32")
    # An int seed makes the wrong labels reproducible: the same draw as below.
    context = StepContext.of(real, fake, network, condition=labels, seed_generator=7)
    trick = MatchingAware()
    trick.build(_Model())
    assert trick.roles == ("discriminator",)
    term = float(trick.terms(context.player, context))
    wrong_ids = np.asarray(mismatched_conditions(labels, seed=7, num_classes=3))
    assert (wrong_ids != labels).all()
    s_r = real + labels
    s_w = real + wrong_ids
    s_f = fake + labels
    real_part, wrong_part = softplus(-s_r).mean(), softplus(s_w).mean()
    assert term == pytest.approx(real_part + wrong_part, rel=1e-5)
    # With the loss's own term, the discriminator minimises twice Algorithm 1's objective.
    total = float(NonSaturating().discriminator_loss(s_r, s_f)) + term
    reed = real_part + 0.5 * (wrong_part + softplus(s_f).mean())
    assert total == pytest.approx(2 * reed, rel=1e-5)
    assert MatchingAware(weight=0.0).metric_names == ("d_term/matching_aware",)


def test_needs_a_conditional_model_and_a_non_negative_weight():
    with pytest.raises(ValueError, match="conditional GANModel"):
        kgt.tiny_gan().compile(tricks=[MatchingAware()])
    with pytest.raises(ValueError, match="weight"):
        MatchingAware(weight=-2)


def test_passes_the_trick_conformance_checks(tmp_path):
    from keras_gans import GANModel, architectures

    arch = architectures.get(
        "gan-cls", image_shape=(8, 8, 1), latent_dim=4, num_classes=3, base_filters=4
    )
    gan = GANModel(arch.build_generator(), arch.build_discriminator(), 4, num_classes=3, seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    loaded = kgt.check_trick(MatchingAware(weight=0.5), gan, data=images, tmp_path=tmp_path)
    assert loaded.tricks[0].weight == 0.5
