"""TAC-GAN (`tac-gan`): the twin classifier's terms, the architecture, saving and training."""

import inspect
import math

import keras
import numpy as np
import pytest
from keras_gans_style.tac_gan import TACGAN
from keras_gans_style.twin_auxiliary_classifier import TwinAuxiliaryClassifier

import keras_gans
import keras_gans.testing as kgt
from keras_gans.architectures.acgan import ACGAN
from keras_gans.datasets import load_digits
from keras_gans.steps import StepContext

TINY = {"image_shape": (8, 8, 1), "latent_dim": 8, "num_classes": 10, "base_filters": 4}


def _ce(logits, labels):
    logits = np.asarray(logits, "float64")
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.mean(log_p[np.arange(len(labels)), labels])


def _heads_network(inputs, training):
    """A stand-in discriminator: the heads are fixed functions of the first pixel."""
    x, _ = inputs
    v = x[:, :1]
    return {
        "score": v,
        "class_logits": keras.ops.concatenate([v, -v, 0 * v], axis=1),
        "twin_class_logits": keras.ops.concatenate([2 * v, 0 * v, v], axis=1),
    }


def test_the_terms_by_hand():
    real = np.array([[1.0], [-2.0]], "float32")
    fake = np.array([[0.5], [3.0]], "float32")
    labels = np.array([[2], [0]])
    twin_fake = _ce([[1.0, 0.0, 0.5], [6.0, 0.0, 3.0]], [2, 0])
    c_fake = _ce([[0.5, -0.5, 0.0], [3.0, -3.0, 0.0]], [2, 0])
    c_real = _ce([[1.0, -1.0, 0.0], [-2.0, 2.0, 0.0]], [2, 0])
    piece = TwinAuxiliaryClassifier(weight=0.5)
    terms = {}
    for role in ("discriminator", "generator"):
        ctx = StepContext.of(real, fake, _heads_network, player=role, condition=labels)
        terms[role] = float(piece.terms(ctx.player, ctx))
    # C learns the real labels, the twin the fakes' labels; G: CE(C(fake)) - CE(C_mi(fake))
    assert terms["discriminator"] == pytest.approx(0.5 * (c_real + twin_fake), rel=1e-5)
    assert terms["generator"] == pytest.approx(0.5 * (c_fake - twin_fake), rel=1e-5)


def test_twin_weight_scales_only_the_generators_twin_term_by_hand():
    real = np.array([[1.0], [-2.0]], "float32")
    fake = np.array([[0.5], [3.0]], "float32")
    labels = np.array([[2], [0]])
    # by hand: the twin's logits on the fakes are (2v, 0, v), C's are (v, -v, 0)
    twin_fake = (math.log(math.exp(1.0) + 1 + math.exp(0.5)) - 0.5
                 + math.log(math.exp(6.0) + 1 + math.exp(3.0)) - 6.0) / 2  # fmt: skip
    c_fake = (math.log(math.exp(0.5) + math.exp(-0.5) + 1) - 0.0
              + math.log(math.exp(3.0) + math.exp(-3.0) + 1) - 3.0) / 2  # fmt: skip
    c_real = (math.log(math.exp(1.0) + math.exp(-1.0) + 1) - 0.0
              + math.log(math.exp(-2.0) + math.exp(2.0) + 1) + 2.0) / 2  # fmt: skip
    piece = TwinAuxiliaryClassifier(weight=2.0, twin_weight=0.25)
    terms = {}
    for role in ("discriminator", "generator"):
        ctx = StepContext.of(real, fake, _heads_network, player=role, condition=labels)
        terms[role] = float(piece.terms(ctx.player, ctx))
    # the twin still learns at the full weight; G: lambda (CE(C) - twin_weight CE(C_mi))
    assert terms["discriminator"] == pytest.approx(2.0 * (c_real + twin_fake), rel=1e-5)
    assert terms["generator"] == pytest.approx(2.0 * (c_fake - 0.25 * twin_fake), rel=1e-5)
    # twin_weight=0: the generator's term is ACGAN's, with C trained on real data only
    ctx = StepContext.of(real, fake, _heads_network, player="generator", condition=labels)
    acgan_like = TwinAuxiliaryClassifier(weight=2.0, twin_weight=0.0)
    assert float(acgan_like.terms(ctx.player, ctx)) == pytest.approx(2.0 * c_fake, rel=1e-5)


def test_piece_config_and_errors():
    piece = TwinAuxiliaryClassifier(weight=2.0, twin_head="twin")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(piece))
    assert restored.get_config() == {
        "name": "twin_classifier", "weight": 2.0, "head": "class_logits", "twin_head": "twin",
        "twin_weight": 1.0,
    }  # fmt: skip
    with pytest.raises(ValueError, match="`weight` must be a non-negative number"):
        TwinAuxiliaryClassifier(weight=-1)
    with pytest.raises(ValueError, match="`twin_weight` must be a non-negative number"):
        TwinAuxiliaryClassifier(twin_weight=-0.5)
    with pytest.raises(ValueError, match="`twin_head` must be a non-empty string"):
        TwinAuxiliaryClassifier(twin_head="")
    ctx = StepContext.of(np.zeros((2, 1)), np.zeros((2, 1)), lambda x, training: x[0],
                         condition=np.zeros((2, 1)))  # fmt: skip
    with pytest.raises(ValueError, match="'twin_class_logits'.*Received heads: \\[\\]"):
        piece2 = TwinAuxiliaryClassifier()
        piece2.terms(ctx.player, ctx)
    gan = keras_gans.GANModel.from_architecture("dcgan", image_shape=(8, 8, 1), latent_dim=4,
                                                base_filters=4)  # fmt: skip
    with pytest.raises(ValueError, match="needs a label-conditioned GANModel"):
        gan.compile(tricks=[TwinAuxiliaryClassifier()])


def test_architecture_takes_acgans_keywords_and_adds_the_twin_head():
    acgan = inspect.signature(ACGAN).parameters
    tac = inspect.signature(TACGAN).parameters
    assert list(tac) == [*acgan, "twin_weight"]
    # one default differs: TAC-GAN's discriminator is spectrally normalised unless told not to
    differ = [name for name in acgan if tac[name].default != acgan[name].default]
    assert differ == ["spectral_normalization"] and tac["spectral_normalization"].default is True
    plain = TACGAN(**TINY, spectral_normalization=False).build_discriminator()
    assert type(plain.get_layer("twin_class_logits")) is keras.layers.Dense
    assert type(plain.get_layer("class_logits")) is keras.layers.Dense
    arch = TACGAN(**TINY, classifier_weight=0.5, twin_weight=0.3)
    assert TACGAN.from_config(arch.get_config()).get_config() == arch.get_config()
    discriminator = arch.build_discriminator()
    assert sorted(discriminator.output) == ["class_logits", "score", "twin_class_logits"]
    assert discriminator.output["twin_class_logits"].shape == (None, 10)
    twin = discriminator.get_layer("twin_class_logits")
    assert isinstance(twin, keras.layers.SpectralNormalization)
    assert isinstance(discriminator.get_layer("class_logits"), keras.layers.SpectralNormalization)
    # the twin reads the same features as the classifier C
    assert twin.input is discriminator.get_layer("class_logits").input
    (trick,) = arch.default_tricks()  # in place of ACGAN's AuxiliaryClassifier
    assert isinstance(trick, TwinAuxiliaryClassifier) and trick.weight == 0.5
    assert trick.twin_weight == 0.3
    assert arch.build_generator().name == "tac_gan_generator"
    with pytest.raises(ValueError, match="`num_classes` must be an integer >= 2.*None"):
        TACGAN(image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="twin_weight"):
        TACGAN(**TINY, twin_weight=-1)


# ----------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """`run_all`'s checks one by one on a tiny `tac-gan` (trained and reloaded copies)."""
    x, y = load_digits()
    x, y = x[:64], y[:64]
    keras.utils.set_random_seed(0)
    model = keras_gans.GANModel.from_architecture("tac-gan", seed=0, **TINY)
    model.compile(keras.optimizers.Adam(2e-4, 0.5), keras.optimizers.Adam(2e-4, 0.5))
    kgt.check_architecture(TACGAN(**TINY))
    trained = kgt.check_fit(model, x, labels=y, batch_size=32)
    loaded = kgt.check_save_load(
        trained, tmp_path_factory.mktemp("tac"), x, labels=y, batch_size=32
    )
    trained.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return {"trained": trained, "loaded": loaded}


@pytest.mark.slow
def test_save_load_and_resume_exactly(suite):
    trained, loaded = suite["trained"], suite["loaded"]
    assert [t.name for t in loaded.tricks] == ["twin_classifier"]
    for a, b in zip(trained.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("d_optimizer", "g_optimizer"):
        old, new = getattr(trained, name).variables, getattr(loaded, name).variables
        assert len(old) == len(new) > 1 and int(old[0].numpy()) == 4
        for a, b in zip(old, new, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=f"{name} {a.path}")


@pytest.mark.slow
def test_training_teaches_the_classifier_and_its_twin():
    """4 epochs on the digits: C learns the real digits' labels and the twin the generated
    digits' (the discriminator's summed cross-entropies, 2 log 10 = 4.61 at chance, fall
    every epoch: 4.61, 4.55, 4.48, 4.42 with seed 2; the benchmark trains 80 epochs)."""
    x, y = load_digits()
    keras.utils.set_random_seed(2)
    model = keras_gans.GANModel.from_architecture(
        "tac-gan", image_shape=(8, 8, 1), latent_dim=32, num_classes=10, base_filters=16, seed=2
    )
    model.compile(keras.optimizers.Adam(2e-4, 0.5), keras.optimizers.Adam(2e-4, 0.5))
    history = model.fit(x, y, batch_size=64, epochs=4, shuffle=True, verbose=0).history
    terms = history["d_term/twin_classifier"]
    assert terms[0] < 2 * math.log(10) + 0.05, terms
    assert all(b < a for a, b in zip(terms, terms[1:], strict=False)), terms
    assert terms[-1] < terms[0] - 0.1, terms


@pytest.mark.parametrize("name", ["tac-gan", "sagan"])
def test_heads_score_in_float32_under_mixed_precision(name, mixed_policy):
    from tests.architectures.test_discriminator_options import head_errors

    kwargs = dict(TINY) if name == "tac-gan" else {"image_shape": (8, 8, 1), "latent_dim": 8}
    errors = head_errors(keras_gans.architectures.get(name, **kwargs).build_discriminator())
    expected = {"score", "class_logits", "twin_class_logits"} if name == "tac-gan" else {"score"}
    assert set(errors) == expected and max(errors.values()) < 1e-5, errors
