"""`benchmarks/serving_loop.py`: the calls it times run the exported generator, and
`export_latency.py`'s serving table is built from fresh processes' results."""

import subprocess
import sys

import numpy as np
import pytest

from keras_gans import export
from tests import benchmark_modules
from tests.export.conftest import keras_output


@pytest.fixture(scope="module")
def serving_loop():
    return benchmark_modules.load("serving_loop")


@pytest.fixture(scope="module")
def exported(gans, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serving")
    gan = gans["dcgan"]
    onnx = export.export(gan, folder / "g.onnx", format="onnx").path
    tflite = export.export(gan, folder / "g.tflite", format="tflite").path
    return gan, {"ONNX Runtime": onnx, "TFLite float32": tflite}


@pytest.mark.parametrize("runtime", ["ONNX Runtime", "TFLite float32"])
def test_each_timed_call_is_the_generator_on_the_asked_batch(serving_loop, exported, runtime):
    gan, files = exported
    make = serving_loop.onnx_call if runtime.startswith("ONNX") else serving_loop.tflite_call
    call = make(str(files[runtime]), 3, 1, np.random.default_rng(7))
    z = np.random.default_rng(7).standard_normal((3, 16)).astype("float32")
    images = call()
    assert images.shape == (3, 8, 8, 1)
    np.testing.assert_allclose(images, keras_output(gan.generator, {"z": z}), atol=1e-4)
    np.testing.assert_array_equal(call(), images)  # the same input on every call


def test_fresh_processes_report_one_median_per_process_and_batch(serving_loop, exported):
    _, files = exported
    files = {**files, "SavedModel": files["ONNX Runtime"].parent / "g_saved_model"}
    results = serving_loop.in_fresh_processes(files, [1, 2], 1, 1, calls=lambda n, b: 20)
    assert set(results) == {"ONNX Runtime", "TFLite float32"}  # no file-less runtimes
    for by_batch in results.values():
        assert set(by_batch) == {1, 2}
        assert all(len(v) == 1 and v[0] > 0 for v in by_batch.values())
    assert serving_loop.in_fresh_processes(files, [1], 0, 1, None) == {}


def test_the_table_gives_the_median_of_medians_and_the_range(serving_loop):
    table = serving_loop.serving_table({"ONNX Runtime": {1: [7.0, 5.0, 6.5], 8: [20.0]}}, 3)
    assert "| ONNX Runtime | 6.5 (5.0-7.0) | 20.0 (20.0-20.0) |" in table
    assert "3 fresh processes" in table and "| runtime | batch 1 (ms) | batch 8 (ms) |" in table


def test_bad_arguments_name_the_argument(serving_loop, exported, tmp_path, capsys):
    _, files = exported
    wrong = tmp_path / "g.pb"
    wrong.write_bytes(b"")
    for argv, expected in (
        ([str(wrong)], "must end in .onnx or .tflite"),
        ([str(tmp_path / "missing.onnx")], "no such file"),
        ([str(files["ONNX Runtime"]), "--batch", "0"], "--batch must be positive"),
    ):
        with pytest.raises(SystemExit):
            serving_loop.parse_args(argv)
        assert expected in capsys.readouterr().err


def test_serving_an_exported_file_imports_neither_keras_nor_tensorflow(exported):
    _, files = exported
    code = (
        "import sys\n"
        "from keras_gans_export.runtime_settings import onnx_session, tflite_interpreter\n"
        f"onnx_session({str(files['ONNX Runtime'])!r}, 1)\n"
        f"tflite_interpreter({str(files['TFLite float32'])!r}, 1)\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'keras_gans') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
