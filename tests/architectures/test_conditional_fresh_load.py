"""ACGAN, InfoGAN and GAN-CLS models reload in a fresh process after `import keras_gans`."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gans

BUILDS = {
    "acgan": ({"num_classes": 3}, np.array([0, 1, 2, 1])),
    "infogan": ({"latent_dim": 16}, None),
    "gan-cls": ({"embedding_dim": 5, "projection_dim": 4}, None),
}

SCRIPT = """
import json, sys
import keras, numpy as np
import keras_gans

expected = json.loads(sys.argv[1])
for name, (path, labels, tricks) in expected.items():
    model = keras.saving.load_model(path)
    if labels is not None:
        labels = np.asarray(labels)
        labels = labels.astype("float32") if labels.dtype.kind == "f" else labels
    images = model.generate(4, seed=3, labels=labels)
    np.testing.assert_array_equal(images, np.load(path + ".npy"))
    assert [t.name for t in model.tricks] == tricks, (name, model.tricks)
    print(name, "ok", type(model.latent_distribution).__name__)
"""


@pytest.mark.slow  # 16 s: a fresh Python process
def test_models_reload_in_a_fresh_process(tmp_path):
    expected = {}
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    for name, (keywords, labels) in BUILDS.items():
        shape = {"image_shape": (8, 8, 1), "latent_dim": 4, "base_filters": 4, **keywords}
        gan = keras_gans.GANModel.from_architecture(name, seed=0, **shape)
        gan.compile()
        if name == "gan-cls":
            labels = rng.normal(size=(4, 5)).astype("float32")
        y = None if labels is None else np.resize(labels, (16, *labels.shape[1:]))
        gan.fit(x, y, batch_size=8, epochs=1, verbose=0)
        path = str(tmp_path / f"{name}.keras")
        gan.save(path)
        np.save(path + ".npy", gan.generate(4, seed=3, labels=labels))
        tricks = [t.name for t in gan.tricks]
        expected[name] = (path, None if labels is None else labels.tolist(), tricks)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(expected)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "infogan ok InfoGANLatent" in result.stdout
    assert keras.saving.get_registered_object("keras_gans>InfoGANLatent") is not None
