"""The public Python API refuses bad arguments the Keras way: the error names the argument,
what was expected and what was received ("`n` must be a positive integer. Received: n=0").

Each row is `(name, call, exception type, *substrings of the message)`; `call` receives a
namespace of shared objects (`gan`, a conditional `cgan`, small arrays) built once. Every
row also checks that nothing was written to the working folder.
"""

import math
import types

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import GANModel, architectures, datasets, losses, metrics
from keras_gans.callbacks import GANCheckpoint, SampleGrid
from keras_gans.testing import tiny_gan

NAN, INF = float("nan"), float("inf")


@pytest.fixture(scope="module")
def shared():
    cgan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=4, num_classes=3, hidden_units=(8,)
    )
    rng = np.random.default_rng(0)
    return types.SimpleNamespace(
        gan=tiny_gan(),
        cgan=cgan,
        g=tiny_gan().generator,
        d=tiny_gan().discriminator,
        real=rng.normal(size=(20, 3)),
        fake=rng.normal(size=(20, 3)),
        images=rng.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32"),
    )


def _model(s, **kwargs):
    return GANModel(s.g, s.d, **{"latent_dim": 4, **kwargs})


def export(*args, **kwargs):
    return keras_gans.export.export(*args, **kwargs)


# fmt: off
MODEL_CASES = [
    ("model-generator", lambda s: GANModel("g", s.d, 4), TypeError, "`generator`", "'g'"),
    ("model-latent-dim-zero", lambda s: _model(s, latent_dim=0), ValueError, "`latent_dim`",
     "positive integer", "latent_dim=0"),
    ("model-latent-dim-float", lambda s: _model(s, latent_dim=4.0), ValueError, "latent_dim=4.0"),
    ("model-prior", lambda s: _model(s, latent_distribution="cauchy"), ValueError,
     "`latent_distribution`", "'cauchy'"),
    ("model-num-classes", lambda s: _model(s, num_classes=0), ValueError, "num_classes=0"),
    ("model-seed-negative", lambda s: _model(s, seed=-1), ValueError, "`seed`", "seed=-1"),
    ("model-seed-text", lambda s: _model(s, seed="a"), ValueError, "`seed`", "seed='a'"),
    ("model-ema-decay-one", lambda s: _model(s, ema_decay=1.0), ValueError, "`ema_decay`",
     "(0, 1)", "ema_decay=1.0"),
    ("model-ema-decay-nan", lambda s: _model(s, ema_decay=NAN), ValueError, "ema_decay=nan"),
    ("enable-ema-decay", lambda s: tiny_gan().enable_ema(decay=2), ValueError, "decay=2"),
    ("compile-d-steps-zero", lambda s: tiny_gan().compile(d_steps=0), ValueError, "d_steps=0"),
    ("compile-d-steps-bool", lambda s: tiny_gan().compile(d_steps=True), ValueError,
     "d_steps=True"),
    ("compile-loss-unknown", lambda s: tiny_gan().compile(loss="nope"), ValueError, "'nope'",
     "hinge"),
    ("compile-loss-type", lambda s: tiny_gan().compile(loss=3), TypeError, "`loss`", "3"),
    ("compile-d-optimizer", lambda s: tiny_gan().compile(d_optimizer="nope"), ValueError,
     "`d_optimizer`", "'nope'"),
    ("compile-g-optimizer", lambda s: tiny_gan().compile(g_optimizer=3), ValueError,
     "`g_optimizer`", "g_optimizer=3"),
    ("compile-tricks", lambda s: tiny_gan().compile(tricks=[1]), TypeError, "`tricks`", "1"),
]

GENERATE_CASES = [
    ("generate-n-zero", lambda s: s.gan.generate(0), ValueError, "`n` must be a positive", "n=0"),
    ("generate-n-float", lambda s: s.gan.generate(2.5), ValueError, "`n`", "n=2.5"),
    ("generate-seed-negative", lambda s: s.gan.generate(2, seed=-1), ValueError, "seed=-1"),
    ("generate-seed-huge", lambda s: s.gan.generate(2, seed=2**70), ValueError, "`seed`",
     str(2**70)),
    ("generate-batch-size", lambda s: s.gan.generate(2, batch_size=0), ValueError,
     "`batch_size`", "batch_size=0"),
    ("generate-latents", lambda s: s.gan.generate(2, latents=np.zeros((3, 4))), ValueError,
     "`latents`", "(3, 4)"),
    ("generate-labels-nan", lambda s: s.cgan.generate(2, labels=[NAN, 1]), ValueError,
     "`labels`", "nan"),
    ("generate-labels-range", lambda s: s.cgan.generate(2, labels=[0, 3]), ValueError,
     "`labels`", "[0, 3)", "3"),
    ("generate-labels-missing", lambda s: s.cgan.generate(2), ValueError, "`labels`"),
    ("generate-labels-unconditional", lambda s: s.gan.generate(2, labels=[0, 1]), ValueError,
     "`labels`"),
    ("sample-latent-n", lambda s: s.gan.sample_latent(-1), ValueError, "`n`", "n=-1"),
]

REGISTRY_CASES = [
    ("from-architecture-unknown", lambda s: GANModel.from_architecture("nope"), ValueError,
     "'nope'", "dcgan"),
    ("from-architecture-type", lambda s: GANModel.from_architecture(3), TypeError, "`name`",
     "name=3"),
    ("from-architecture-ema", lambda s: GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=4, ema_decay=5), ValueError, "`ema_decay`", "=5"),
    ("architectures-keyword", lambda s: architectures.get("mlp", data_shape=(2,), widths=3),
     TypeError, "`widths`", "hidden_units", "widths=3"),
    ("architectures-shape", lambda s: architectures.get("dcgan", image_shape=(5, 5, 1)),
     ValueError, "`image_shape`", "(5, 5, 1)"),
    ("architectures-filters", lambda s: architectures.get("dcgan", base_filters=0), ValueError,
     "`base_filters`", "base_filters=0"),
    ("architectures-hidden", lambda s: architectures.get("mlp", hidden_units=(0,)), ValueError,
     "`hidden_units`", "(0,)"),
    ("losses-unknown", lambda s: losses.get("nope"), ValueError, "'nope'", "hinge"),
    ("losses-keyword", lambda s: losses.get("hinge", margin=2), TypeError, "`margin`",
     "margin=2"),
    ("losses-weight", lambda s: losses.get("wgan-gp", gp_weight=-1), ValueError, "`gp_weight`",
     "gp_weight=-1"),
    ("losses-nan", lambda s: losses.get("dragan", penalty_weight=NAN), ValueError,
     "`penalty_weight`", "nan"),
]

DATA_CASES = [
    ("load-unknown", lambda s: datasets.load("cifar99"), ValueError, "`data`", "cifar99"),
    ("load-type", lambda s: datasets.load(3), TypeError, "`data`", "data=3"),
    ("load-missing", lambda s: datasets.load("./nowhere"), FileNotFoundError, "nowhere"),
    ("load-batch-size", lambda s: datasets.load("digits", batch_size=0), ValueError,
     "`batch_size`", "batch_size=0"),
    ("load-image-size", lambda s: datasets.load("digits", image_size=0), ValueError,
     "`image_size`", "image_size=0"),
    ("load-seed", lambda s: datasets.load("digits", seed=-1), ValueError, "`seed`", "seed=-1"),
    ("load-shuffle", lambda s: datasets.load("digits", shuffle="y"), TypeError, "shuffle='y'"),
    ("load-points-size", lambda s: datasets.load("ring", image_size=8), ValueError,
     "`image_size`", "image_size=8"),
    ("load-option", lambda s: datasets.load("digits", colour=True), TypeError, "colour"),
]

METRIC_CASES = [
    ("fid-one-sample", lambda s: metrics.fid(s.real[:1], s.fake, extractor=None), ValueError,
     "`features`", "(1, 3)"),
    ("fid-batch-size", lambda s: metrics.fid(s.real, s.fake, None, batch_size=0), ValueError,
     "`batch_size`", "batch_size=0"),
    ("fid-nan", lambda s: metrics.fid(np.full((4, 3), NAN), s.fake, extractor=None),
     ValueError, "`real`", "finite", "NaN"),
    ("fid-extractor", lambda s: metrics.fid(s.real, s.fake, extractor="nope"), ValueError,
     "'nope'", "digits"),
    ("fid-dims", lambda s: metrics.fid(s.real, s.fake[:, :2], extractor=None), ValueError,
     "3-d", "2-d"),
    ("kid-subsets", lambda s: metrics.kid(s.real, s.fake, None, subsets=0), ValueError,
     "`subsets`", "subsets=0"),
    ("kid-subset-size", lambda s: metrics.kid(s.real, s.fake, None, subset_size=-2),
     ValueError, "`subset_size`", "subset_size=-2"),
    ("pr-k", lambda s: metrics.precision_recall(s.real, s.fake, None, k=0), ValueError,
     "`k`", "k=0"),
    ("pr-k-large", lambda s: metrics.precision_recall(s.real, s.fake, None, k=50), ValueError,
     "`k`", "k=50"),
    ("is-splits", lambda s: metrics.inception_score(s.images, "digits-logits", splits=0),
     ValueError, "`splits`", "splits=0"),
    ("is-splits-over-n", lambda s: metrics.inception_score(s.images, "digits-logits", splits=9),
     ValueError, "`splits`", "9"),
    ("swd-directions", lambda s: metrics.sliced_wasserstein_distance(s.real, s.fake, 0),
     ValueError, "`directions`", "directions=0"),
    ("swd-patch-size", lambda s: metrics.sliced_wasserstein(s.images, s.images, patch_size=0),
     ValueError, "`patch_size`", "patch_size=0"),
    ("swd-seed", lambda s: metrics.sliced_wasserstein(s.images, s.images, seed=-1), ValueError,
     "`seed`", "seed=-1"),
    ("kid-seed", lambda s: metrics.kid(s.real, s.fake, None, seed=-1), ValueError, "`seed`",
     "seed=-1"),
    ("ms-ssim-seed", lambda s: metrics.ms_ssim_diversity(s.images, seed="x"), ValueError,
     "`seed`", "seed='x'"),
    ("ms-ssim-pairs", lambda s: metrics.ms_ssim_diversity(s.images, pairs=0), ValueError,
     "`pairs`", "pairs=0"),
    ("nn-k", lambda s: metrics.nearest_neighbours(s.real, s.fake, k=0), ValueError, "`k`",
     "k=0"),
]

CALLBACK_CASES = [
    ("checkpoint-mode", lambda s: GANCheckpoint("c", mode="up"), ValueError, "`mode`", "'up'"),
    ("checkpoint-every", lambda s: GANCheckpoint("c", every_n_epochs=0), ValueError,
     "every_n_epochs=0"),
    ("checkpoint-steps", lambda s: GANCheckpoint("c", every_n_steps=-1), ValueError,
     "every_n_steps=-1"),
    ("grid-n", lambda s: SampleGrid("g", n=0), ValueError, "`n`", "n=0"),
    ("grid-every", lambda s: SampleGrid("g", every_n_epochs=0), ValueError, "every_n_epochs=0"),
    ("grid-scale", lambda s: SampleGrid("g", scale=0), ValueError, "`scale`", "scale=0"),
    ("grid-seed", lambda s: SampleGrid("g", seed=-1), ValueError, "`seed`", "seed=-1"),
]

EXPORT_CASES = [
    ("export-format", lambda s: export(s.gan, "g.x", format="nope"), ValueError, "'nope'",
     "onnx"),
    ("export-path-empty", lambda s: export(s.gan, "", format="onnx"), TypeError, "`path`", "''"),
    ("export-output", lambda s: export(s.gan, "g.onnx", "onnx", output="int16"), ValueError,
     "`output`", "'int16'"),
    ("export-batch-size", lambda s: export(s.gan, "g.onnx", "onnx", batch_size=0), ValueError,
     "`batch_size`", "batch_size=0"),
    ("export-psi", lambda s: export(s.gan, "g.onnx", "onnx", truncation_psi=0.5), ValueError,
     "`truncation_psi`", "0.5"),
    ("export-quantize-onnx", lambda s: export(s.gan, "g.onnx", "onnx", quantize="int8"),
     (TypeError, ValueError), "quantize"),
    ("export-existing-file", lambda s: export(s.gan, "notes.txt", format="onnx"), ValueError,
     "`path`", "notes.txt"),
]

CASES = [
    pytest.param(call, error, needles, id=name)
    for name, call, error, *needles in MODEL_CASES + GENERATE_CASES + REGISTRY_CASES
    + DATA_CASES + METRIC_CASES + CALLBACK_CASES + EXPORT_CASES
]
# fmt: on


@pytest.mark.parametrize(("call", "error", "needles"), CASES)
def test_a_bad_argument_names_itself_the_expectation_and_the_value(
    call, error, needles, shared, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not an artifact\n")
    with pytest.raises(error) as raised:
        call(shared)
    message = str(raised.value)
    for needle in needles:
        assert needle in message, (needle, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written
    assert (tmp_path / "notes.txt").read_text() == "not an artifact\n"


def test_the_truncated_normal_is_closed_form_and_refuses_impossible_thresholds():
    from keras_gans.latents import truncated_normal

    z = truncated_normal(1000, 4, 1e-6, seed=0)  # a resampling loop would never end
    assert np.all(np.abs(z) <= 1e-6) and z.shape == (1000, 4)
    for bad in (0, -1.0, NAN, INF):
        with pytest.raises(ValueError, match="threshold"):
            truncated_normal(4, 2, bad)
    assert math.isfinite(float(np.std(truncated_normal(4096, 1, 1.0, seed=1))))
    assert keras.ops.convert_to_numpy(z).dtype == np.float32
