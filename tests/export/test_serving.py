"""`Serving`'s verification batches: every class id of a conditional generator is checked."""

import numpy as np
import pytest

import keras_gans
from keras_gans import export as kx


@pytest.fixture(scope="module")
def twelve_classes():
    """A conditional DCGAN with more classes (12) than the default verification batch (8)."""
    return keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=16, num_classes=12, base_filters=8, seed=0
    )


def _labels(batches):
    return np.concatenate([batch["labels"].ravel() for batch in batches]).tolist()


def test_the_default_batch_holds_every_class(twelve_classes, gans):
    batch = kx.build_serving(twelve_classes).sample_inputs()
    assert batch["labels"].ravel().tolist() == list(range(12))
    assert batch["z"].shape == (12, 16)
    # Eight samples stay enough below eight classes, and without labels.
    assert len(kx.build_serving(gans["dcgan"]).sample_inputs()["z"]) == 8
    assert kx.build_serving(gans["cdcgan"]).sample_inputs()["labels"].shape == (10, 1)


@pytest.mark.parametrize(("batch_size", "count"), [(1, 12), (5, 3), (12, 1), (16, 1)])
def test_fixed_batch_verification_batches_hold_every_class(twelve_classes, batch_size, count):
    batches = kx.build_serving(twelve_classes, batch_size=batch_size).verification_batches(seed=3)
    assert len(batches) == count
    assert all(batch["z"].shape == (batch_size, 16) for batch in batches)
    labels = _labels(batches)
    assert labels == [i % 12 for i in range(count * batch_size)]
    assert set(labels) == set(range(12))
    latents = np.concatenate([batch["z"] for batch in batches])
    assert len(np.unique(latents[:, 0])) == len(latents)  # each batch draws fresh latents


def test_an_unconditional_fixed_batch_is_verified_in_one_call(gans):
    batches = kx.build_serving(gans["dcgan"], batch_size=1).verification_batches()
    assert len(batches) == 1 and batches[0]["z"].shape == (1, 16)


def test_a_mismatch_on_a_class_above_eight_fails_verification_at_any_batch_size(
    twelve_classes, tmp_path, monkeypatch
):
    onnx_exporter = kx.registry.load("onnx")
    real_load = onnx_exporter.load

    def load_wrong_above_eight(self, path, serving=None):
        run = real_load(self, path, serving)

        def wrong(batch):  # the artifact is off by one for class ids 8 and above
            outputs = run(batch)
            outputs["images"][batch["labels"].ravel() >= 8] += 1.0
            return outputs

        return wrong

    result = kx.to_onnx(twelve_classes, tmp_path / "right.onnx")
    assert result.verification.passed and result.verification.batch_size == 12
    result = kx.to_onnx(twelve_classes, tmp_path / "right1.onnx", batch_size=1)
    assert result.verification.passed and result.verification.batch_size == 12

    monkeypatch.setattr(onnx_exporter, "load", load_wrong_above_eight)
    with pytest.raises(kx.ExportVerificationError, match="on 12 seeded samples"):
        kx.to_onnx(twelve_classes, tmp_path / "wrong.onnx")
    with pytest.raises(kx.ExportVerificationError, match="on 15 seeded samples"):
        kx.to_onnx(twelve_classes, tmp_path / "wrong5.onnx", batch_size=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "right.onnx",
        "right.onnx.json",
        "right1.onnx",
        "right1.onnx.json",
    ]
