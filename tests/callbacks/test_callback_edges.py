"""Edge cases of the small callbacks: NaNGuard after a resume inside an epoch, LossPlot
with values not logged every epoch, TranslationGrid's argument checks."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.callbacks import NaNGuard, resumable_fit
from keras_gans.testing import tiny_gan


@pytest.mark.parametrize("state", [None, {"epoch": 0, "batch": 2}])
def test_nan_guard_counts_the_batches_of_a_resumed_epoch(state):
    x = np.random.default_rng(0).normal(size=(160, 2)).astype("float32")
    x[3 * 32 + 5] = np.nan  # batch 4 of the epoch

    def make():
        return tf.data.Dataset.from_tensor_slices(x).batch(32)

    gan = tiny_gan(seed=0)
    gan.compile("adam", "adam")
    guard = NaNGuard(verbose=False)
    resumable_fit(gan, make, epochs=2, callbacks=[guard], state=state, verbose=0)
    assert "(batch 4 of the epoch)" in guard.message
    assert "epoch 1," in guard.message


def test_nan_guard_offset_applies_to_the_next_fit_s_first_epoch_only():
    guard = NaNGuard(verbose=False)
    gan = tiny_gan(seed=0)
    gan.compile("adam", "adam")
    guard.set_model(gan)
    guard.resume_inside_epoch({"epoch": 0, "batch": 3})
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"g_loss": float("nan")})
    assert "(batch 4 of the epoch)" in guard.message
    guard.on_epoch_end(0)
    guard.on_epoch_begin(1)
    guard.on_train_batch_end(0, {"g_loss": float("inf")})
    assert "(batch 1 of the epoch)" in guard.message
    guard.on_train_begin()  # a later plain fit starts at batch 1
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(1, {"d_loss": float("nan")})
    assert "(batch 2 of the epoch)" in guard.message


def test_loss_plot_keeps_each_value_at_its_epoch(tmp_path):
    from keras_gans.callbacks import LossPlot

    csv_path = tmp_path / "metrics.csv"
    csv_path.write_text("epoch,d_loss,g_loss\n0,0.5,1.0\n1,0.6,2.0\n")
    plot = LossPlot(tmp_path / "losses.png", csv_path=csv_path)
    plot.on_train_begin()
    for epoch in range(2, 6):
        logs = {"d_loss": 0.7, "g_loss": 1.0 + epoch}
        if epoch % 2 == 1:
            logs["val_g_loss"] = 10.0 + epoch  # validation_freq=2
        plot.on_epoch_end(epoch, logs)
    assert plot.history["g_loss"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    val = plot.history["val_g_loss"]
    assert len(val) == 6 and val[3] == 13.0 and val[5] == 15.0
    assert all(np.isnan(val[i]) for i in (0, 1, 2, 4))
    assert (tmp_path / "losses.png").exists()


@pytest.mark.parametrize(
    "b, kwargs, match",
    [
        (np.ones((6, 2, 2, 1)), {}, "as many images as `a`"),
        (np.ones((4, 3, 2, 1)), {}, "same height and width"),
        (None, {"scale": 0}, "`scale` must be a positive integer"),
        (None, {"scale": 2.0}, "`scale`"),
        (None, {"every_n_epochs": True}, "`every_n_epochs`"),
    ],
)
def test_translation_grid_rejects_rows_that_would_mix(tmp_path, b, kwargs, match):
    from keras_gans.callbacks import TranslationGrid

    with pytest.raises(ValueError, match=match):
        TranslationGrid(tmp_path, -np.ones((4, 2, 2, 1)), b, **kwargs)


def test_translation_grid_takes_numpy_integers_and_colour_targets(tmp_path):
    from keras_gans.callbacks import TranslationGrid

    grid = TranslationGrid(
        tmp_path, -np.ones((4, 2, 2, 1)), np.ones((4, 2, 2, 3)), every_n_epochs=np.int64(2)
    )
    assert grid.every_n_epochs == 2 and type(grid.every_n_epochs) is int
