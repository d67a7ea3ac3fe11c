"""Feature extractors: registry, digits classifier, InceptionV3 loading, inputs, import hygiene."""

import ast
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import metrics
from keras_gans.datasets import load_digits
from keras_gans.metrics import digits_classifier, inception
from keras_gans.registry import UnknownPluginError, registry_for


def test_builtin_extractors_are_entry_points():
    assert {"inception-v3", "inception-v3-logits", "digits", "digits-logits"} <= set(
        metrics.names()
    )
    assert registry_for("keras_gans.feature_extractors") is metrics.registry
    assert metrics.describe("digits").distribution == "keras-gans"
    with pytest.raises(UnknownPluginError, match="digits, digits-logits"):
        metrics.resolve_extractor("vgg")


def test_shipped_digits_classifier_is_small_and_accurate():
    assert digits_classifier.WEIGHTS_FILE.stat().st_size < 500_000
    model = metrics.load_digits_classifier()
    assert model.output_shape == (None, 10)
    # Measured 0.978 (351 of 359 held-out digits) when the weights were made.
    assert digits_classifier.held_out_accuracy(model) >= 0.975


def test_digits_extractors_give_features_and_logits_for_any_image_size():
    x, y = load_digits()
    features = metrics.extract_features(x[:50], "digits", verbose=0)
    assert features.values.shape == (50, 64) and features.values.dtype == np.float64
    # 16x16 (upscaled) and RGB digits are area-resized and averaged to the same input.
    x16, _ = load_digits(image_size=16)
    rgb = np.repeat(x16[:50], 3, axis=-1)
    same = metrics.extract_features(rgb, "digits", verbose=0)
    np.testing.assert_allclose(same.values, features.values, atol=1e-4)
    logits = metrics.resolve_extractor("digits-logits").extract(x[:50], verbose=0)
    assert np.mean(logits.values.argmax(axis=1) == y[:50]) > 0.95


def test_inception_weights_error_says_which_file_to_place_where(tmp_path, monkeypatch):
    monkeypatch.delenv(inception.ENV_VAR, raising=False)
    monkeypatch.setattr(inception, "_cache_dirs", lambda: [tmp_path / "models"])
    with pytest.raises(FileNotFoundError) as error:
        metrics.get("inception-v3")
    message = str(error.value)
    assert inception.TOP_FILE in message and inception.NO_TOP_FILE in message
    assert str(tmp_path / "models") in message and inception.ENV_VAR in message
    with pytest.raises(FileNotFoundError, match=inception.TOP_FILE):
        metrics.get("inception-v3-logits")


def test_inception_weights_lookup_order(tmp_path, monkeypatch):
    models = tmp_path / "keras" / "models"
    models.mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv(inception.ENV_VAR, raising=False)
    (models / inception.NO_TOP_FILE).write_bytes(b"")
    assert inception.find_weights() == models / inception.NO_TOP_FILE
    (models / inception.TOP_FILE).write_bytes(b"")
    assert inception.find_weights() == models / inception.TOP_FILE  # the classifier wins
    own = tmp_path / "mine.h5"
    own.write_bytes(b"")
    monkeypatch.setenv(inception.ENV_VAR, str(own))
    assert inception.find_weights() == own
    assert inception.find_weights(models / inception.TOP_FILE) == models / inception.TOP_FILE
    monkeypatch.setenv(inception.ENV_VAR, str(tmp_path / "missing.h5"))
    with pytest.raises(FileNotFoundError, match=inception.ENV_VAR):
        inception.find_weights()


@pytest.mark.slow  # moved to the slow tier: the default suite stays under 15 min
def test_inception_pipeline_shapes_and_weight_loading_with_random_weights(tmp_path):
    # Test-only hook: random weights (weights=None), never downloaded.
    network = inception._build(logits=False, weights_path=None, with_top=False)
    random_features = inception._extractor(network, logits=False)
    images = np.random.default_rng(0).uniform(-1, 1, size=(3, 8, 8, 1)).astype("float32")
    expected = random_features.extract(images, verbose=0)
    assert expected.values.shape == (3, 2048) and expected.extractor == "inception-v3"
    wrapper = random_features.model_for((8, 8, 1))
    resized = [layer for layer in wrapper.layers if layer is not network]
    assert wrapper.input_shape == (None, 8, 8, 1) and network.input_shape == (None, 299, 299, 3)
    assert resized  # the clip/resize/grey-to-RGB operations sit in front of the network
    # The factory loads a weights file (here: the random weights, saved) into a new network.
    path = tmp_path / "inception_notop.weights.h5"
    network.save_weights(str(path))
    loaded = metrics.registry.get("inception-v3", weights=str(path))
    np.testing.assert_allclose(loaded.extract(images, verbose=0).values, expected.values, atol=1e-5)
    logits = inception._extractor(inception._build(True, None, with_top=True), logits=True)
    assert logits.extract(images[:2], verbose=0).values.shape == (2, 1000)


def test_user_models_callables_and_datasets_are_accepted():
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, size=(40, 4, 4, 1)).astype("float32")
    net = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()], name="flat")

    def pixel_sums(batch):
        return keras.ops.sum(batch, axis=(1, 2))

    by_model = metrics.extract_features(images, net, batch_size=16, verbose=0)
    assert by_model.extractor == "flat"
    np.testing.assert_allclose(by_model.values, images.reshape(40, -1), atol=1e-6)
    by_callable = metrics.extract_features(images, pixel_sums, batch_size=16, verbose=0)
    assert by_callable.extractor == "pixel_sums" and by_callable.values.shape == (40, 1)
    labels = np.arange(40) % 3
    for dataset in (
        tf.data.Dataset.from_tensor_slices(images),  # unbatched
        tf.data.Dataset.from_tensor_slices(images).batch(7),
        tf.data.Dataset.from_tensor_slices((images, labels)).batch(9),  # (x, y)
    ):
        values = metrics.extract_features(dataset, net, batch_size=16, verbose=0).values
        np.testing.assert_allclose(values, by_model.values, atol=1e-6)
    batches = tf.data.Dataset.from_tensor_slices(images).batch(16)
    by_callable_dataset = metrics.extract_features(batches, pixel_sums, verbose=0)
    np.testing.assert_allclose(by_callable_dataset.values, by_callable.values, atol=1e-6)
    tensor = metrics.fid(tf.constant(images), images, extractor=net, verbose=0)

    assert tensor.value == pytest.approx(0.0, abs=1e-9)
    dataset_features = tf.data.Dataset.from_tensor_slices(images.reshape(40, -1)).batch(8)
    assert metrics.extract_features(dataset_features, None).values.shape == (40, 16)


def test_extraction_errors_name_the_argument():
    with pytest.raises(ValueError, match="`real` must hold float images.*uint8"):
        metrics.fid(np.zeros((5, 8, 8, 1), "uint8"), np.zeros((5, 8, 8, 1)), extractor="digits")
    with pytest.raises(ValueError, match="shape \\(n, height, width, channels\\)"):
        metrics.fid(np.zeros((5, 64)), np.zeros((5, 64)), extractor="digits")
    digits = metrics.extract_features(np.zeros((5, 8, 8, 1), "float32"), "digits", verbose=0)
    with pytest.raises(ValueError, match="extractor 'digits'"):
        metrics.fid(digits, digits, extractor="inception-v3")
    with pytest.raises(ValueError, match="one extractor"):
        metrics.fid(digits, metrics.Features(np.zeros((5, 64))), extractor=None)
    with pytest.raises(TypeError, match="extractor"):
        metrics.resolve_extractor(42)
    with pytest.raises(ValueError, match="batch_size"):
        metrics.fid(np.zeros((5, 8, 8, 1)), np.zeros((5, 8, 8, 1)), "digits", batch_size=0)


def test_metrics_import_no_training_code_and_no_export_runtime():
    package = pathlib.Path(metrics.__file__).parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                assert not any(
                    n.startswith(("keras_gans.models", "keras_gans.losses")) for n in names
                ), source
    script = (
        "import sys, numpy as np, keras_gans.metrics as m\n"
        "names = m.names()\n"
        "m.fid(np.eye(3), np.eye(3), extractor=None)\n"
        "heavy = [x for x in ('tf2onnx', 'onnx', 'onnxruntime', 'ai_edge_litert')"
        " if x in sys.modules]\n"
        "sys.exit(1 if heavy or 'digits' not in names else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow  # moved to the slow tier: the default suite stays under 15 min
def test_digits_classifier_training_is_reproducible():
    model, accuracy = metrics.train_digits_classifier(epochs=40, seed=0)
    again, accuracy_again = metrics.train_digits_classifier(epochs=40, seed=0)
    assert accuracy == accuracy_again >= 0.97
    x, _ = load_digits()
    shipped = metrics.load_digits_classifier().predict(x, verbose=0).argmax(axis=1)
    retrained = model.predict(x, verbose=0).argmax(axis=1)
    assert np.mean(shipped == retrained) > 0.98  # the shipped file came from this function
    np.testing.assert_allclose(model.predict(x[:20], verbose=0), again.predict(x[:20], verbose=0))
