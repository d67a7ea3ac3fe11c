"""Metrics on real GANs: a trained DCGAN scores better than its initialisation; the callback
logs val_fid/val_kid for ModelCheckpoint without retracing; `keras-gans evaluate`."""

import json

import keras
import numpy as np
import pytest

import keras_gans
import keras_gans_cli as cli
from keras_gans import metrics
from keras_gans.callbacks import GANMetricsCallback
from keras_gans.datasets import load_digits
from keras_gans.metrics import inception


def _dcgan(**kwargs):
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=32, seed=0, **kwargs
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A DCGAN on the digits: FIDs before and after 15 epochs (~3 s), and its checkpoint."""
    x, _ = load_digits()
    real = metrics.extract_features(x, "digits", verbose=0)
    gan = _dcgan()
    before = metrics.fid(real, gan.generate(len(x), seed=1), extractor="digits", verbose=0)
    gan.fit(x, batch_size=64, epochs=15, verbose=0)
    after = metrics.fid(real, gan.generate(len(x), seed=1), extractor="digits", verbose=0)
    path = tmp_path_factory.mktemp("gan") / "dcgan.keras"
    gan.save(path)
    return before, after, path


def test_digits_fid_is_lower_after_training_than_at_initialisation(trained):
    before, after, _ = trained
    # Measured: ~171 at initialisation, ~28 after 15 epochs.
    assert after.value < 0.5 * before.value
    assert after.protocol["extractor"] == "digits" and after.protocol["n_real"] == 1797


def test_callback_logs_metrics_for_model_checkpoint_on_a_conditional_gan(tmp_path):
    x, y = load_digits()
    gan = _dcgan(num_classes=10, base_filters=16)
    callback = GANMetricsCallback((x, y), extractor="digits", n_samples=300, kid_subsets=10)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best_{epoch}_{val_kid:.5f}.keras"),
        monitor="val_kid",
        mode="min",
        save_best_only=True,
    )
    history = gan.fit(
        x, y, batch_size=64, epochs=4, verbose=0, callbacks=[callback, checkpoint]
    ).history
    kids = history["val_kid"]
    assert len(kids) == len(history["val_fid"]) == len(history["val_kid_std"]) == 4
    # Saved exactly at the epochs where val_kid reached a new minimum, named by its value.
    improved = [e + 1 for e in range(4) if kids[e] == min(kids[: e + 1])]
    saved = sorted(int(p.name.split("_")[1]) for p in tmp_path.glob("best_*.keras"))
    assert saved == improved
    best = min(kids)
    assert (tmp_path / f"best_{kids.index(best) + 1}_{best:.5f}.keras").exists()
    # Fake labels are drawn from the real labels: all ten classes appear.
    assert set(np.unique(callback._fake_labels)) == set(range(10))


def test_callback_does_not_retrace_and_reuses_real_features():
    x, _ = load_digits()
    gan = _dcgan(base_filters=8)
    callback = GANMetricsCallback(
        x, metrics=("fid", "kid", "precision_recall"), extractor="digits", n_samples=200
    )
    callback.set_model(gan)
    callback.on_train_begin()
    real = callback._real_features
    predict = callback._extractor.model_for((8, 8, 1)).predict_function
    first = callback.evaluate()
    traces = predict.experimental_get_tracing_count()
    logs = {}
    for epoch in range(3):
        callback.on_epoch_end(epoch, logs)
    assert predict.experimental_get_tracing_count() == traces
    assert callback._extractor.model_for((8, 8, 1)).predict_function is predict
    assert callback._real_features is real
    # Same latents, same model: the same numbers each time.
    assert logs["val_fid"] == pytest.approx(first["fid"].value)
    assert {"val_precision", "val_recall", "val_density", "val_coverage"} <= set(logs)


def test_callback_every_n_epochs_and_argument_checks():
    x, _ = load_digits()
    gan = _dcgan(base_filters=8)
    callback = GANMetricsCallback(x[:300], metrics="fid", extractor="digits", every_n_epochs=2)
    history = gan.fit(x[:256], batch_size=64, epochs=4, verbose=0, callbacks=[callback])
    assert len(history.history["val_fid"]) == 2 and "val_kid" not in history.history
    with pytest.raises(ValueError, match="metrics"):
        GANMetricsCallback(x, metrics=("fid", "is"))
    with pytest.raises(ValueError, match="every_n_epochs"):
        GANMetricsCallback(x, every_n_epochs=0)
    conditional = _dcgan(num_classes=10, base_filters=8)
    unlabelled = GANMetricsCallback(x[:100], extractor="digits", n_samples=50)
    unlabelled.set_model(conditional)
    with pytest.raises(ValueError, match="conditional"):
        unlabelled.evaluate()


@pytest.mark.slow  # moved to the slow tier: the default suite stays under 15 min
def test_cli_evaluate_prints_a_table_and_writes_json(trained, tmp_path, capsys):
    _, after, path = trained
    out = tmp_path / "scores.json"
    argv = ["evaluate", str(path), "--metrics", "fid,kid,is,swd,ms-ssim,pr,nn", "--n", "1797"]
    argv += ["--real", "digits", "--extractor", "digits", "--json", str(out), "--quiet"]
    assert cli.main(argv + ["--kid-subsets", "10"]) == 0
    printed = capsys.readouterr().out
    for key in ("fid", "kid", "inception_score", "swd", "ms_ssim", "precision", "nn_distance_min"):
        assert f"\n{key} " in printed
    report = json.loads(out.read_text())
    assert set(report["results"]) == {"fid", "kid", "is", "swd", "ms-ssim", "pr", "nn"}
    fid = report["results"]["fid"]
    # Same generator, seed and real data as the fixture's measurement (seed 1 there, 0 here).
    assert fid["protocol"]["extractor"] == "digits" and fid["protocol"]["n_fake"] == 1797
    assert fid["value"] == pytest.approx(after.value, rel=0.25)
    assert report["results"]["is"]["protocol"]["extractor"] == "digits-logits"
    assert "indices" not in report["results"]["nn"] and report["versions"]["keras"]


def test_cli_evaluate_reads_npz_and_rejects_bad_input(trained, tmp_path, capsys, monkeypatch):
    _, _, path = trained
    x, y = load_digits()
    data = tmp_path / "real.npz"
    np.savez(data, x=x[:300], y=y[:300])
    argv = ["evaluate", str(path), "--n", "300", "--extractor", "digits", "--quiet"]
    assert cli.main(argv + ["--real", str(data), "--kid-subsets", "5"]) == 0
    assert "300 generated" in capsys.readouterr().out
    assert cli.main(argv + ["--metrics", "fid,bogus"]) == 1
    assert "--metrics must be comma-separated names" in capsys.readouterr().err
    assert cli.main(argv[:-3] + ["--extractor", "none", "--metrics", "is", "--quiet"]) == 1
    assert "needs a classifier" in capsys.readouterr().err
    monkeypatch.delenv(inception.ENV_VAR, raising=False)
    monkeypatch.setattr(inception, "_cache_dirs", lambda: [tmp_path / "models"])
    metrics.features._BUILT.pop("inception-v3", None)
    assert cli.main(argv[:-3] + ["--extractor", "inception-v3", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "--extractor inception-v3: its weights are not on this machine" in err
    assert inception.ENV_VAR in err and "--extractor digits" in err
    assert len(err.strip().splitlines()) == 1
