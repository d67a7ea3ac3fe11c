"""The command line a newcomer meets: fast metadata-only answers, plain messages, the extractor
that suits the data, defaults shown only when they exist, offline-tested MNIST download."""

import contextlib
import http.server
import importlib.metadata
import io
import json
import subprocess
import sys
import threading

import numpy as np
import pytest

import keras_gans_cli
from keras_gans_cli import _common, _plugins, evaluate
from keras_gans_cli.train_flags import DEFAULTS

#: Runs each `argv` of the JSON list in argv[1] through `keras_gans_cli.main` in this one
#: process and reports its exit status, output and whether TensorFlow/Keras got imported.
_PROBE = """
import contextlib, io, json, sys
import keras_gans_cli
report = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = keras_gans_cli.main(argv)
        except SystemExit as stop:
            code = stop.code
    report.append({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                   "heavy": sorted({"tensorflow", "keras", "keras_gans"} & set(sys.modules))})
print(json.dumps(report))
"""


def _probe(*commands):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_list_and_unknown_names_answer_without_tensorflow(tmp_path):
    reports = _probe(
        ["list"],
        ["train", "--arch", "dcgna"],
        ["train", "--loss", "wgan-gpp"],
        ["train", "--eval", "kid", "--eval-extractor", "incepton-v3"],
        ["evaluate", str(tmp_path), "--extractor", "digit"],
        ["export", str(tmp_path / "g.keras"), "--format", "onx"],
        ["train", "--download"],
    )
    for report in reports:
        assert report["heavy"] == [], report  # not even keras_gans: no TensorFlow
    listing, arch, loss, eval_extractor, extractor, export_format, download = reports
    assert listing["code"] == 0
    lines = listing["out"].splitlines()
    assert "architectures:" in lines and "losses:" in lines
    assert any(line.split()[:3] == ["dcgan", "keras-gans", "0.1.0"] for line in lines)
    for report, message in [
        (arch, "--arch dcgna: Unknown architecture 'dcgna'. Did you mean 'dcgan'"),
        (loss, "--loss wgan-gpp: Unknown loss 'wgan-gpp'. Did you mean 'wgan-gp'?"),
        (eval_extractor, "Unknown feature extractor 'incepton-v3'. Did you mean 'inception-v3'"),
        (extractor, "--extractor digit: Unknown feature extractor 'digit'. Did you mean 'digits'"),
        (export_format, "Received: 'onx'. Did you mean 'onnx'?"),
        (download, "--download applies to --data mnist or fashion-mnist"),
    ]:
        assert report["code"] == 1, report
        assert report["err"].count("\n") == 1 and message in report["err"], report["err"]
    assert "Installed: aae, acgan, autoencoder," in arch["err"]  # the installed names, sorted
    assert "(keras-gans list)" in arch["err"]


@pytest.mark.parametrize(
    "group",
    [
        "keras_gans.architectures",
        "keras_gans.losses",
        "keras_gans.penalties",
        "keras_gans.feature_extractors",
        "keras_gans.exporters",
    ],
)
def test_metadata_listing_is_what_the_registry_describes(group):
    from keras_gans import registry

    described = [(i.name, i.origin, i.value) for i in registry.registry_for(group).describe()]
    assert [tuple(plugin)[:3] for plugin in _plugins.from_metadata(group)] == described
    assert _plugins.groups() == registry.plugin_groups()


def test_a_name_claimed_twice_lists_the_registry_choice_first(monkeypatch, capsys):
    module = _plugins.entry_points_module()
    group = "keras_gans.losses"
    ours = importlib.metadata.EntryPoint("hinge", "keras_gans.losses.adversarial:Hinge", group)
    theirs = importlib.metadata.EntryPoint("Hinge", "zoo.losses:Hinge", group)
    declared = [module.Declared(theirs, "aaa-zoo", "2.0"), module.Declared(ours, "keras-gans", "1")]
    monkeypatch.setattr(module, "declared", lambda g: declared if g == group else [])
    monkeypatch.setattr(module, "plugin_groups", lambda: [group])
    (hinge,) = _plugins.from_metadata(group)
    assert hinge == ("hinge", "keras-gans 1", ours.value, ("zoo.losses:Hinge (aaa-zoo 2.0)",))
    monkeypatch.delitem(sys.modules, "keras_gans.registry", raising=False)
    assert keras_gans_cli.main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "losses:" and out[1].split() == ["hinge", "keras-gans", "1", ours.value]
    assert "also claimed by zoo.losses:Hinge (aaa-zoo 2.0); ignored" in out[2]


@pytest.mark.parametrize("first", ["interrupt", "interrupt, then OSError", "OSError"])
def test_an_interrupt_wrapped_by_an_extension_import_is_an_interrupt(monkeypatch, capsys, first):
    # Ctrl-C inside a pybind11 module's initialisation (TensorFlow's import) reaches the command
    # as ImportError("initialization failed") raised from the KeyboardInterrupt: seen in a clean
    # CI run as "error: ImportError" and status 1 instead of "interrupted" and 130. An error
    # raised from another one while the interrupt was handled is the interrupt too.
    def run(args):
        try:
            if first == "OSError":
                raise OSError("no such library")
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                if first == "interrupt":
                    raise
                raise OSError("cleanup failed") from ValueError("bad state")
        except BaseException as error:
            raise ImportError("initialization failed") from error

    monkeypatch.setattr(importlib.import_module("keras_gans_cli.listing"), "run", run)
    code = keras_gans_cli.main(["list"])
    err = capsys.readouterr().err
    if first != "OSError":
        assert (code, err) == (130, "keras-gans list: interrupted\n")
    else:
        assert code == 1 and "error: ImportError: initialization failed" in err


def test_check_name_normalises_and_lists_the_extra_names():
    assert _plugins.check_name("--arch", "DCGAN", "keras_gans.architectures") == "dcgan"
    assert _plugins.check_name("--loss", "wgan_gp", "keras_gans.losses") == "wgan-gp"
    extra = ("auto", "none")
    group = "keras_gans.feature_extractors"
    assert _plugins.check_name("--extractor", "none", group, extra) == "none"
    with pytest.raises(_common.CommandError) as caught:
        _plugins.check_name("--extractor", "nonne", group, extra)
    assert "Did you mean 'none'?" in str(caught.value)
    assert str(caught.value).endswith(
        "digits-logits, inception-v3, inception-v3-fid, "
        "inception-v3-logits, auto, none (keras-gans list)."
    )
    assert _plugins.suggestion("zzz", ["dcgan"]) == ""


def test_help_shows_a_default_only_when_there_is_one():
    parser = keras_gans_cli.build_parser()
    actions = parser._subparsers._group_actions[0].choices
    for name, sub in actions.items():
        text = " ".join(sub.format_help().split())
        for empty in ("(default: None)", "(default: False)", "(default: True)"):
            assert empty not in text, (name, empty)
    evaluate_help = " ".join(actions["evaluate"].format_help().split())
    assert "generated samples (default: 10000)" in evaluate_help
    assert "else inception-v3 (default: auto)" in evaluate_help
    assert "which checkpoint of a run directory (default: latest)" in evaluate_help
    train_help = " ".join(actions["train"].format_help().split())
    assert "epochs to train in total [60]" in train_help  # its own note, no "(default: ...)"


@pytest.mark.parametrize(
    ("flag", "shape", "expected"),
    [
        ("auto", (8, 8, 1), "digits"),
        ("auto", (28, 28, 1), "inception-v3"),
        ("AUTO", (8, 8, 3), "inception-v3"),
        ("none", (8, 8, 1), None),
        ("inception-v3-fid", (8, 8, 1), "inception-v3-fid"),
    ],
)
def test_evaluate_extractor_follows_the_data(flag, shape, expected):
    assert evaluate.extractor_name(flag, shape) == expected
    assert DEFAULTS["eval_extractor"] is None  # train resolves it with the same rule


def test_default_extractor_is_the_training_rule():
    assert _common.default_extractor([8, 8, 1]) == "digits"
    assert _common.default_extractor((16, 16, 1)) == "inception-v3"


@pytest.mark.parametrize(
    ("name", "env"),
    [
        ("inception-v3", "KERAS_GANS_INCEPTION_WEIGHTS"),
        ("inception-v3-fid", "KERAS_GANS_FID_INCEPTION_WEIGHTS"),
    ],
)
def test_an_extractor_without_weights_fails_in_one_line(tmp_path, monkeypatch, name, env):
    from keras_gans import metrics
    from keras_gans.metrics import fid_inception, inception

    for var in ("KERAS_GANS_INCEPTION_WEIGHTS", "KERAS_GANS_FID_INCEPTION_WEIGHTS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(inception, "_cache_dirs", lambda: [tmp_path / "keras" / "models"])
    monkeypatch.setattr(fid_inception, "URL", "http://127.0.0.1:9/pt_inception.pth")  # refused
    with pytest.raises(_common.CommandError) as caught:
        evaluate._resolve(metrics, name)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"--extractor {name}: its weights")
    assert f"${env}=PATH" in message
    assert "--extractor digits (bundled, for 8x8 digits) or --extractor none" in message


def test_evaluate_picks_digits_for_digits_and_writes_no_progress_bar(tmp_path, capsys):
    import keras

    import keras_gans

    model = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, seed=0
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(), loss="hinge"
    )
    model.save(tmp_path / "g.keras")
    argv = ["evaluate", str(tmp_path / "g.keras"), "--n", "40", "--metrics", "kid"]
    argv += ["--kid-subsets", "2", "--kid-subset-size", "20", "--json", str(tmp_path / "r.json")]
    assert keras_gans_cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "extractor: digits (auto)" in out
    assert "\r" not in out and "\x1b[" not in out and "━" not in out  # not a terminal
    assert json.loads((tmp_path / "r.json").read_text())["extractor"] == "digits"


def test_evaluate_reads_the_real_data_before_measuring_standing_statistics(tmp_path, capsys):
    import keras_gans

    model = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, seed=0
    )
    model.save(tmp_path / "g.keras")
    argv = ["evaluate", str(tmp_path / "g.keras"), "--n", "40", "--metrics", "kid"]
    argv += ["--standing-statistics", "2", "--real", str(tmp_path / "missing.npz")]
    assert keras_gans_cli.main(argv) == 1
    captured = capsys.readouterr()
    assert "missing.npz" in captured.err and "standing statistics:" not in captured.out


def test_progress_is_a_bar_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert _common.progress_verbose(quiet=True) == 0
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert _common.progress_verbose() == 2
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert _common.progress_verbose() == 1


def test_a_plain_folder_is_not_a_run_directory(tmp_path):
    with pytest.raises(_common.CommandError) as caught:
        _common.resolve_checkpoint(tmp_path)
    message = str(caught.value)
    assert message.startswith("RUN_OR_CHECKPOINT: ") and "\n" not in message
    assert "is not a run directory: it has no config.json" in message
    assert "without a latest checkpoint" not in message  # the old garbled wording


@pytest.mark.parametrize("size", [28, 12, 5])
def test_load_digits_takes_any_positive_size(size):
    from keras_gans import datasets

    x, y = datasets.load_digits(image_size=size)
    assert x.shape == (1797, size, size, 1) and x.dtype == np.float32 and y.shape == (1797,)
    assert -1.0 <= x.min() and x.max() <= 1.0
    source = datasets.load("digits", image_size=size, batch_size=16, shuffle=False)
    first, labels = next(iter(source.dataset))
    np.testing.assert_allclose(first.numpy(), x[:16], atol=1e-6)  # one resize rule
    np.testing.assert_array_equal(labels.numpy(), y[:16])
    mean = x.mean(axis=(1, 2, 3))
    native = datasets.load_digits()[0].mean(axis=(1, 2, 3))
    assert np.corrcoef(mean, native)[0, 1] > 0.95  # the same digits, resized


def test_load_digits_multiples_of_8_stay_exact_and_bad_sizes_raise():
    from keras_gans import datasets

    x8, _ = datasets.load_digits()
    x16, _ = datasets.load_digits(image_size=16)
    np.testing.assert_array_equal(x16[:, ::2, ::2], x8)
    for bad in (0, -8, 8.0, True, "28"):
        with pytest.raises(ValueError, match="`image_size` must be a positive integer"):
            datasets.load_digits(image_size=bad)


def _fake_mnist():
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_train": np.array([0, 1, 2, 3, 4], np.uint8),
        "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "y_test": np.array([5, 6], np.uint8),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return arrays, buffer.getvalue()


@contextlib.contextmanager
def _serving(files, requests):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            requests.append(self.path)
            body = files.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_mnist_downloads_once_verified_into_the_keras_cache(tmp_path, monkeypatch):
    from keras_gans.datasets import mnist
    from keras_gans.metrics.download import sha256_of

    arrays, payload = _fake_mnist()
    (tmp_path / "payload.npz").write_bytes(payload)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setitem(mnist.SHA256, "mnist.npz", sha256_of(tmp_path / "payload.npz"))
    cache = tmp_path / "keras" / "datasets"
    with pytest.raises(FileNotFoundError, match=r"download=True \(keras-gans train: --download\)"):
        mnist.load_mnist()  # offline by default: nothing fetched
    requests = []
    with _serving({"mnist.npz": payload}, requests) as url:
        monkeypatch.setattr(mnist, "DOWNLOAD_URL", url)
        x, y = mnist.load_mnist(download=True)
        again, _ = mnist.load_mnist(download=True)  # read from the cache
    assert requests == ["/mnist.npz"]
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # no *.part left
    np.testing.assert_array_equal(y, arrays["y_train"])
    np.testing.assert_allclose(x[..., 0], arrays["x_train"] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(again, x)
    x_all, y_all = mnist.load_mnist(split="all")  # no server now: the cache serves
    assert y_all.tolist() == [0, 1, 2, 3, 4, 5, 6] and x_all.shape == (7, 28, 28, 1)


def test_a_corrupt_mnist_download_leaves_nothing(tmp_path, monkeypatch):
    from keras_gans.datasets import mnist

    _, payload = _fake_mnist()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setitem(mnist.SHA256, "mnist.npz", "0" * 64)
    with _serving({"mnist.npz": payload}, []) as url:
        monkeypatch.setattr(mnist, "DOWNLOAD_URL", url)
        with pytest.raises(ValueError, match="SHA-256 .* does not match"):
            mnist.load_mnist(download=True)
    assert list((tmp_path / "keras" / "datasets").iterdir()) == []
    with _serving({}, []) as url:
        monkeypatch.setattr(mnist, "DOWNLOAD_URL", url)
        with pytest.raises(OSError, match="HTTP 404"):
            mnist.load_mnist(download=True)


def test_train_download_flag_reaches_the_config():
    from keras_gans_cli.train_flags import resolve_config

    parser = keras_gans_cli.build_parser()
    config = resolve_config(parser.parse_args(["train", "--data", "mnist", "--download"]))
    assert config["download"] is True
    assert resolve_config(parser.parse_args(["train"]))["download"] is False
