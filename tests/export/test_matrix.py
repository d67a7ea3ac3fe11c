"""The exhaustive matrix (slow): every built-in generator, every format, quantisation mode,
output mode and batch mode, each run in its own runtime and compared with Keras."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans import export as kx

from .conftest import RUNNERS, SUFFIXES

pytestmark = pytest.mark.slow

#: name -> (architecture, keywords). Covers every built-in architecture's generator.
CONFIGS = {
    "mlp": ("mlp", {"data_shape": (2,), "latent_dim": 8, "hidden_units": (32, 32)}),
    "mlp-conditional": (
        "mlp",
        {"data_shape": (8, 8, 1), "latent_dim": 8, "num_classes": 4, "output_activation": "tanh"},
    ),
    "dcgan-8": ("dcgan", {"image_shape": (8, 8, 1), "latent_dim": 16, "base_filters": 16}),
    "dcgan-8-conditional": (
        "dcgan",
        {"image_shape": (8, 8, 1), "latent_dim": 16, "num_classes": 10, "base_filters": 16},
    ),
    "dcgan-28": ("dcgan", {"image_shape": (28, 28, 1), "latent_dim": 32, "base_filters": 16}),
    "dcgan-32-rgb-conditional": (
        "dcgan",
        {"image_shape": (32, 32, 3), "latent_dim": 32, "num_classes": 3, "base_filters": 16},
    ),
    "autoencoder": (
        "autoencoder",
        {"data_shape": (4,), "latent_dim": 8, "hidden_units": (16,), "code_dim": 4},
    ),
    "acgan-8": (
        "acgan",
        {"image_shape": (8, 8, 1), "latent_dim": 16, "num_classes": 10, "base_filters": 8},
    ),
    "infogan-8": (  # a structured prior (noise + categorical + continuous codes)
        "infogan",
        {"image_shape": (8, 8, 1), "latent_dim": 16, "base_filters": 8, "q_units": 8},
    ),
    "gan-cls-8": (  # float embedding labels
        "gan-cls",
        {
            "image_shape": (8, 8, 1),
            "latent_dim": 8,
            "embedding_dim": 5,
            "projection_dim": 4,
            "base_filters": 8,
        },
    ),
}
VARIANTS = [
    ("saved_model", {}),
    ("onnx", {}),
    ("onnx", {"batch_size": 3}),
    ("tflite", {}),
    ("tflite", {"batch_size": 3}),
    ("tflite", {"quantize": "float16"}),
    ("tflite", {"quantize": "dynamic"}),
    ("tflite", {"quantize": "int8"}),
]


def test_every_builtin_architecture_is_in_the_matrix():
    builtins = {
        info.name
        for info in keras_gans.architectures.describe()
        if info.distribution == "keras-gans"
    }
    assert builtins <= {arch for arch, _ in CONFIGS.values()}, builtins


@pytest.fixture(scope="module")
def models():
    keras.utils.set_random_seed(0)
    return {
        name: keras_gans.GANModel.from_architecture(arch, **kw)
        for name, (arch, kw) in CONFIGS.items()
    }


@pytest.mark.parametrize("output", ["float32", "uint8"])
@pytest.mark.parametrize(("fmt", "options"), VARIANTS, ids=lambda v: str(v))
@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.filterwarnings("ignore:The SavedModel gets no seed-based")  # infogan's prior
def test_matrix(models, tmp_path, name, fmt, options, output):
    gan = models[name]
    extra = {}
    if output == "uint8" and name in ("mlp", "autoencoder"):
        extra["output_range"] = (-4.0, 4.0)  # linear outputs: give the range to map
    result = kx.export(
        gan, tmp_path / f"g{SUFFIXES[fmt]}", format=fmt, output=output, **options, **extra
    )
    assert result.verification.passed, result.verification

    n = options.get("batch_size", 5)
    serving = kx.build_serving(gan, output=output, batch_size=options.get("batch_size"), **extra)
    batch = serving.sample_inputs(n=n, seed=9)
    expected = serving.reference(batch).astype(np.float64)
    actual = RUNNERS[fmt](result.path, batch)[serving.output.name].astype(np.float64)
    assert actual.shape == expected.shape
    assert np.all(np.isfinite(actual))
    print(name, fmt, options, output, float(np.abs(actual - expected).max()), result.size_bytes)
    assert np.abs(actual - expected).max() <= result.verification.tolerance
