"""`export()`: which network is exported, input checks, errors, and atomic writes."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import export as kx
from keras_gans import latents
from keras_gans.registry import UnknownPluginError

from .conftest import build_gan, keras_output, run_onnx, sample_batch


def test_ema_generator_is_exported_when_present(tmp_path):
    gan = build_gan("dcgan")
    gan.enable_ema(0.99)
    for weight in gan.ema_generator.weights:  # make the EMA copy differ
        if "kernel" in weight.path:
            weight.assign(weight * 0.5)
    batch = sample_batch(4)
    ema, raw = keras_output(gan.ema_generator, batch), keras_output(gan.generator, batch)
    assert np.abs(ema - raw).max() > 1e-3

    result = kx.to_onnx(gan, tmp_path / "ema.onnx")
    assert result.metadata["network"] == "ema_generator"
    np.testing.assert_allclose(run_onnx(result.path, batch)["images"], ema, atol=2e-5)

    result = kx.to_onnx(gan, tmp_path / "raw.onnx", use_ema=False)
    assert result.metadata["network"] == "generator"
    np.testing.assert_allclose(run_onnx(result.path, batch)["images"], raw, atol=2e-5)


def test_the_metadata_records_re_measured_batch_norm_statistics(tmp_path):
    gan = build_gan("dcgan")
    gan.enable_ema(0.99)
    assert kx.to_onnx(gan, tmp_path / "a.onnx").metadata["standing_statistics"] is None
    gan.standing_statistics(passes=3, batch_size=8, seed=1)
    result = kx.to_onnx(gan, tmp_path / "b.onnx")
    record = result.metadata["standing_statistics"]
    assert record["passes"] == 3 and record["batch_size"] == 8 and record["seed"] == 1
    assert record["layers"] > 0
    raw = kx.to_onnx(gan, tmp_path / "c.onnx", use_ema=False)  # that network was not measured
    assert raw.metadata["standing_statistics"] is None


def test_a_bare_generator_exports(gans, tmp_path):
    generator = gans["cdcgan"].generator
    result = kx.to_onnx(generator, tmp_path / "g.onnx")
    assert result.metadata["network"] == "model"
    assert result.metadata["num_classes"] == 10  # read from the Embedding layer
    batch = sample_batch(2, 16, 10)
    np.testing.assert_allclose(
        run_onnx(result.path, batch)["images"], keras_output(generator, batch), atol=2e-5
    )


def test_a_model_names_the_network_it_exports(tmp_path):
    """A GANModel's `export_network(use_ema)` hook replaces the generator."""
    gan = build_gan("mlp")
    x = keras.Input((2,), name="points")
    head = keras.Model(x, keras.layers.Dense(3, activation="softmax")(x), name="head")
    asked = []
    gan.export_network = lambda use_ema=True: asked.append(use_ema) or (head, "head")
    result = kx.to_onnx(gan, tmp_path / "head.onnx", use_ema=False)
    assert result.metadata["network"] == "head" and asked == [False]
    assert result.metadata["outputs"][0]["shape"] == [None, 3]
    batch = {"z": np.random.default_rng(0).normal(size=(4, 2)).astype("float32")}
    np.testing.assert_allclose(
        run_onnx(result.path, batch)["samples"], keras_output(head, batch), atol=2e-5
    )
    with pytest.raises(ValueError, match="`truncation_psi` does not apply to GANModel"):
        kx.to_onnx(gan, tmp_path / "a.onnx", truncation_psi=0.5)
    gan.export_network = lambda use_ema=True: head
    with pytest.raises(TypeError, match=r"export_network must return \(network, name\)"):
        kx.to_onnx(gan, tmp_path / "b.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["head.onnx", "head.onnx.json"]


@pytest.mark.parametrize(
    "which",
    ["dcgan_discriminator", "conditional_discriminator", "vector_critic"],
)
def test_a_discriminator_is_rejected(gans, tmp_path, which):
    if which == "dcgan_discriminator":
        model = gans["dcgan"].discriminator
    elif which == "conditional_discriminator":
        model = gans["cdcgan"].discriminator
    else:  # a critic on 2-D points: only its name tells it from a 1-D generator
        x = keras.Input((2,))
        model = keras.Model(x, keras.layers.Dense(1)(x), name="my_critic")
    with pytest.raises(ValueError, match="looks like a discriminator, not a generator"):
        kx.to_onnx(model, tmp_path / "d.onnx")
    assert list(tmp_path.iterdir()) == []


def test_a_one_dimensional_generator_is_not_mistaken_for_a_discriminator(tmp_path):
    z = keras.Input((3,))
    model = keras.Model(z, keras.layers.Dense(1)(z), name="generator_1d")
    assert kx.to_onnx(model, tmp_path / "g.onnx").verification.passed


def test_embedding_conditioned_and_image_to_image_generators(tmp_path):
    z, condition = keras.Input((4,)), keras.Input((5,))
    h = keras.layers.Dense(6, activation="tanh")(keras.layers.Concatenate()([z, condition]))
    result = kx.to_onnx(keras.Model([z, condition], h), tmp_path / "embedding.onnx")
    assert result.metadata["label_type"] == "embedding"
    assert result.metadata["inputs"][1]["dtype"] == "float32"

    x = keras.Input((8, 8, 1))
    y = keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(x)
    result = kx.to_onnx(keras.Model(x, y, name="unet"), tmp_path / "unet.onnx")
    assert [entry["name"] for entry in result.metadata["inputs"]] == ["x"]
    assert result.metadata["latent_dim"] is None
    assert result.verification.passed


def test_subclassed_generators(tmp_path):
    class Generator(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, z):
            return self.dense(z)

    generator = Generator()
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=3)
    result = kx.to_onnx(gan, tmp_path / "gan.onnx")
    assert result.metadata["inputs"][0]["shape"] == [None, 3]
    assert result.metadata["outputs"][0]["shape"] == [None, 2]
    with pytest.raises(
        ValueError, match="pass a GANModel, a functional generator, or `latent_dim`"
    ):
        kx.to_onnx(generator, tmp_path / "g.onnx")
    assert kx.to_onnx(generator, tmp_path / "g.onnx", latent_dim=3).verification.passed


def test_format_names_are_normalised_and_unknown_ones_listed(gans, tmp_path):
    result = kx.export(gans["mlp"], tmp_path / "g", format="Saved_Model")
    assert result.format == "saved-model"
    with pytest.raises(UnknownPluginError, match=r"Unknown exporter 'onnxx'.*onnx, saved-model"):
        kx.export(gans["mlp"], tmp_path / "g.onnx", format="onnxx")


def test_bad_arguments_are_clear_errors(gans, tmp_path):
    gan, path = gans["mlp"], tmp_path / "g.onnx"
    with pytest.raises(
        TypeError, match=r"'onnx' exporter does not take the option\(s\) \['quantize'\]"
    ):
        kx.to_onnx(gan, path, quantize="int8")
    with pytest.raises(ValueError, match=r"`output` must be one of \('float32', 'uint8'\)"):
        kx.to_onnx(gan, path, output="uint16")
    with pytest.raises(ValueError, match="needs the generator's output range"):
        kx.to_onnx(gan, path, output="uint8")  # the MLP's output is linear
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        kx.to_onnx(gan, path, batch_size=0)
    with pytest.raises(ValueError, match="`noise` must be one of"):
        kx.to_onnx(gan, path, noise="drop")
    with pytest.raises(ValueError, match="`output_range` must be a pair"):
        kx.to_onnx(gan, path, output="uint8", output_range=(1, -1))
    with pytest.raises(ValueError, match="`latent_distribution` must be one of"):
        kx.to_onnx(gan, path, latent_distribution="cauchy")
    with pytest.raises(TypeError, match="`model` must be a keras_gans.GANModel"):
        kx.to_onnx("gan.keras", path)
    with pytest.raises(ValueError, match="`opset` must be"):
        kx.to_onnx(gan, path, opset=3)
    assert list(tmp_path.iterdir()) == []


def test_uint8_for_a_linear_output_with_an_explicit_range(gans, tmp_path):
    result = kx.to_onnx(gans["mlp"], tmp_path / "g.onnx", output="uint8", output_range=(-3, 3))
    batch = sample_batch(4, 8)
    pixels = run_onnx(result.path, batch)["samples"]
    expected = np.round(np.clip((keras_output(gans["mlp"].generator, batch) + 3) * 42.5, 0, 255))
    assert np.abs(pixels.astype(float) - expected).max() <= 1


def test_bad_paths(gans, tmp_path):
    with pytest.raises(ValueError, match="must be in an existing directory"):
        kx.to_onnx(gans["mlp"], tmp_path / "missing" / "g.onnx")
    with pytest.raises(ValueError, match="names a directory; this format writes a file"):
        kx.to_onnx(gans["mlp"], tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="names an existing file; this format writes a directory"):
        kx.to_saved_model(gans["mlp"], tmp_path / "file")


@pytest.fixture
def failing_verification(monkeypatch):
    """Every ONNX artifact fails verification (a negative tolerance)."""
    monkeypatch.setattr(kx.registry.load("onnx"), "tolerance", lambda self: -1.0)


def test_failed_verification_leaves_nothing_behind(gans, tmp_path, failing_verification):
    with pytest.raises(
        kx.ExportVerificationError, match="does not match Keras.*Nothing was written"
    ):
        kx.to_onnx(gans["dcgan"], tmp_path / "g.onnx")
    assert list(tmp_path.iterdir()) == []  # no artifact, no metadata, no staging directory


def test_failed_export_keeps_the_previous_artifact(gans, tmp_path, failing_verification):
    (tmp_path / "g.onnx").write_bytes(b"previous")
    (tmp_path / "g.onnx.json").write_text("{}")
    with pytest.raises(kx.ExportVerificationError):
        kx.to_onnx(gans["dcgan"], tmp_path / "g.onnx")
    assert (tmp_path / "g.onnx").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.onnx", "g.onnx.json"]


def test_failed_saved_model_keeps_the_previous_one(gans, tmp_path, monkeypatch):
    previous = kx.to_saved_model(gans["mlp"], tmp_path / "g")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    monkeypatch.setattr(kx.registry.load("saved-model"), "tolerance", lambda self: -1.0)
    with pytest.raises(kx.ExportVerificationError):
        kx.to_saved_model(gans["dcgan"], tmp_path / "g")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    out = kx.get("saved-model").load(previous.path)({"z": np.zeros((1, 8), "float32")})
    assert out["samples"].shape == (1, 2)  # still the MLP


def test_verify_false_skips_the_check(gans, tmp_path, failing_verification):
    result = kx.to_onnx(gans["dcgan"], tmp_path / "g.onnx", verify=False)
    assert result.verification is None and result.metadata["verification"] is None
    assert "not verified" in str(result)


def test_output_range_is_read_through_a_nested_network():
    z = keras.Input((3,))
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="sigmoid")])
    outer = keras.Model(z, inner(keras.layers.Dense(3)(z)))
    assert kx.build_serving(outer).output_range == (0.0, 1.0)


class ShiftedNormal(latents.LatentDistribution):
    """N(shift, 1): a prior with no stateless TensorFlow equivalent known to the exporter."""

    def __init__(self, shift=3.0):
        self.shift = shift

    def sample(self, n, latent_dim, seed=None):
        return keras.random.normal((n, latent_dim), seed=seed) + self.shift

    def get_config(self):
        return {"shift": self.shift}


def test_a_custom_prior_draws_the_verification_batch_and_has_no_seed_signature(tmp_path):
    arch = keras_gans.architectures.get("mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    gan = keras_gans.GANModel(
        arch.build_generator(), arch.build_discriminator(), 4, latent_distribution=ShiftedNormal()
    )
    serving = kx.build_serving(gan)
    z = serving.sample_inputs(n=64)["z"]
    assert abs(float(z.mean()) - 3.0) < 0.5  # drawn from the model's prior, not N(0, 1)
    with pytest.warns(UserWarning, match="no seed-based `generate` signature.*ShiftedNormal"):
        result = kx.to_saved_model(gan, tmp_path / "g")
    assert sorted(result.metadata["signatures"]) == ["serving_default"]
    assert result.metadata["latent_distribution"] == "ShiftedNormal(shift=3.0)"


def test_a_killed_exports_staging_folder_is_removed_by_the_next_export(tmp_path):
    import os
    import subprocess
    import sys

    from keras_gans_export.staging import staging_directory

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    abandoned = tmp_path / f".g.onnx.partial-{int(dead.stdout)}-abc"
    live = tmp_path / f".g.onnx.partial-{os.getppid()}-def"  # another live process's export
    other = tmp_path / f".h.onnx.partial-{int(dead.stdout)}-ghi"  # another target's
    for folder in (abandoned, live, other):
        (folder / "inner").mkdir(parents=True)
    with staging_directory(tmp_path / "g.onnx") as stage:
        assert stage.name.startswith(f".g.onnx.partial-{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
