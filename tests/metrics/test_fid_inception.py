"""`inception-v3-fid`: download with checksum, the torch-free state-dict reader, the network.

Nothing here reaches the network: downloads come from an `http.server` on localhost, and
state-dict files are written by hand (a fake `torch` module exists only inside the tests
that pickle, so the files name `torch._utils._rebuild_tensor_v2` as real ones do).
"""

import collections
import hashlib
import http.server
import io
import pickle
import struct
import sys
import threading
import types
import zipfile

import keras
import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.metrics import features as features_module
from keras_gans.metrics import fid_inception, fid_inception_network, torch_weights
from keras_gans.metrics.preprocessing import image_preprocessor

PAYLOAD = b"tiny weights file " * 40
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


# --------------------------------------------------------------------------- download
class _Server:
    """Serves `files` ({name: bytes}) on 127.0.0.1 and counts the GET requests."""

    def __init__(self, files):
        self.requests = []
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                served.requests.append(self.path)
                body = files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    served = _Server({"weights.pth": PAYLOAD})
    yield served
    served.stop()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder as the only one searched, and no environment override."""
    folder = tmp_path / "models"
    monkeypatch.setattr(fid_inception, "_cache_dirs", lambda: [folder])
    monkeypatch.delenv(fid_inception.ENV_VAR, raising=False)
    return folder


def test_download_once_verified_then_offline_from_the_cache(server, cache):
    url = server.url + "weights.pth"
    path = fid_inception.find_fid_weights(url=url, sha256=PAYLOAD_SHA, verbose=False)
    assert path == cache / fid_inception.FILENAME and path.read_bytes() == PAYLOAD
    assert server.requests == ["/weights.pth"]
    assert sorted(p.name for p in cache.iterdir()) == [fid_inception.FILENAME]  # no .part
    server.stop()  # a second call must not need the network
    again = fid_inception.find_fid_weights(url=url, sha256=PAYLOAD_SHA, verbose=False)
    assert again == path and server.requests == ["/weights.pth"]


def test_a_wrong_checksum_raises_and_leaves_no_file(server, cache):
    wrong = "0" * 64
    with pytest.raises(ValueError) as caught:
        fid_inception.find_fid_weights(url=server.url + "weights.pth", sha256=wrong, verbose=False)
    message = str(caught.value)
    assert f"expected sha256={wrong}" in message and f"received {PAYLOAD_SHA}" in message
    assert list(cache.iterdir()) == []  # neither the final name nor a temporary file


def test_a_truncated_transfer_raises_and_leaves_no_file(cache, monkeypatch):
    served = _Server({"weights.pth": PAYLOAD})
    try:
        # The server announces more bytes than it sends.
        class Short(io.BytesIO):
            headers = {"Content-Length": str(len(PAYLOAD) + 10)}

            def __enter__(self):
                return self

            def __exit__(self, *args):
                return False

        monkeypatch.setattr(
            fid_inception._download.urllib.request, "urlopen", lambda *a, **k: Short(PAYLOAD)
        )
        with pytest.raises(ValueError, match="stopped early"):
            fid_inception.find_fid_weights(url=served.url, sha256=PAYLOAD_SHA, verbose=False)
        assert list(cache.iterdir()) == []
    finally:
        served.stop()


def test_server_down_gives_one_line_saying_what_to_do(cache):
    served = _Server({})
    url = served.url + "weights.pth"
    served.stop()
    with pytest.raises(FileNotFoundError) as caught:
        fid_inception.find_fid_weights(url=url, sha256=PAYLOAD_SHA, verbose=False)
    message = str(caught.value)
    assert "\n" not in message
    for needle in (url, str(cache / fid_inception.FILENAME), fid_inception.ENV_VAR, PAYLOAD_SHA):
        assert needle in message
    assert "--extractor digits" in message and "--extractor inception-v3 " in message
    assert not cache.exists() or list(cache.iterdir()) == []


def test_local_files_are_looked_up_in_order_and_hash_checked(tmp_path, cache, monkeypatch):
    own = tmp_path / "own.pth"
    own.write_bytes(PAYLOAD)
    # No network here: the URL is never used when a file is found.
    find = lambda **kw: fid_inception.find_fid_weights(  # noqa: E731
        url="http://127.0.0.1:9/unused", sha256=PAYLOAD_SHA, verbose=False, **kw
    )
    assert find(weights=own) == own
    cache.mkdir()
    cached = cache / fid_inception.FILENAME
    cached.write_bytes(PAYLOAD)
    assert find() == cached
    env = tmp_path / "env.pth"
    env.write_bytes(PAYLOAD)
    monkeypatch.setenv(fid_inception.ENV_VAR, str(env))
    assert find() == env  # the variable comes before the cache
    assert find(weights=own) == own  # the argument before both
    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"something else")
    with pytest.raises(ValueError, match=f"expected sha256={PAYLOAD_SHA}"):
        find(weights=bad)
    assert find(weights=bad, check_hash=False) == bad  # the documented escape
    monkeypatch.setenv(fid_inception.ENV_VAR, str(tmp_path / "missing.pth"))
    with pytest.raises(FileNotFoundError, match=fid_inception.ENV_VAR):
        find()
    # The module constants are what the default arguments use.
    monkeypatch.delenv(fid_inception.ENV_VAR)
    cached.write_bytes(b"tampered")
    monkeypatch.setattr(fid_inception, "SHA256", PAYLOAD_SHA)
    with pytest.raises(ValueError, match="received .*Delete it to download it again"):
        fid_inception.find_fid_weights()


# --------------------------------------------------------------------------- torch files
@pytest.fixture
def fake_torch(monkeypatch):
    """A stand-in `torch` whose functions and classes pickle under torch's names."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def named(obj, module, name):
        obj.__module__, obj.__qualname__, obj.__name__ = module, name, name
        setattr(sys.modules[module], name, obj)
        return obj

    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    torch._utils = utils
    rebuild = named(lambda *args: None, "torch._utils", "_rebuild_tensor_v2")
    parameter = named(lambda *args: None, "torch._utils", "_rebuild_parameter")
    storages = {
        name: named(type(name, (), {}), "torch", name)
        for name in ("FloatStorage", "DoubleStorage", "LongStorage")
    }
    return types.SimpleNamespace(rebuild=rebuild, parameter=parameter, storages=storages)


class _Storage:
    def __init__(self, kind, key, array):
        self.kind, self.key, self.array = kind, key, array


class _Tensor:
    def __init__(self, storage, offset, size, stride, rebuild, wrap=None):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())
        self.rebuild, self.wrap = rebuild, wrap

    def __reduce__(self):
        if self.wrap is not None:  # an nn.Parameter around a tensor
            inner = _Tensor(*self.args[:4], self.rebuild)
            return self.wrap, (inner, True, collections.OrderedDict())
        return self.rebuild, self.args


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            return ("storage", obj.kind, obj.key, "cpu", obj.array.size)
        return None


def _state(fake):
    """A state dict exercising offsets, strides, shared storages, dtypes and 0-d tensors."""
    floats = np.arange(2 * 3 * 4 * 5 + 7, dtype="<f4") / 7
    doubles = np.linspace(-1, 1, 6).astype("<f8")
    counts = np.array([42, -3], dtype="<i8")
    f, d, n = (fake.storages[k] for k in ("FloatStorage", "DoubleStorage", "LongStorage"))
    storages = [_Storage(f, "0", floats), _Storage(d, "1", doubles), _Storage(n, "2", counts)]
    s0, s1, s2 = storages
    r = fake.rebuild
    state = collections.OrderedDict(
        [
            ("conv.weight", _Tensor(s0, 0, (2, 3, 4, 5), (60, 20, 5, 1), r)),
            ("transposed", _Tensor(s0, 7, (5, 4), (1, 5), r)),  # a non-contiguous view
            ("shared.tail", _Tensor(s0, 120, (7,), (1,), r)),  # same storage, offset 120
            ("bn.running_var", _Tensor(s1, 0, (6,), (1,), r)),
            ("bn.num_batches_tracked", _Tensor(s2, 1, (), (), r)),  # 0-d, offset 1
            ("param", _Tensor(s1, 2, (2, 2), (2, 1), r, wrap=fake.parameter)),
        ]
    )
    state._metadata = collections.OrderedDict([("", {"version": 1})])  # as torch writes it
    expected = {
        "conv.weight": floats[:120].reshape(2, 3, 4, 5),
        "transposed": floats[7:27].reshape(4, 5).T,
        "shared.tail": floats[120:],
        "bn.running_var": doubles,
        "bn.num_batches_tracked": np.array(-3, dtype="int64"),
        "param": doubles[2:6].reshape(2, 2),
    }
    return state, storages, expected


def _pickled(obj):
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def _write_zip(path, state, storages, data_pkl=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", data_pkl or _pickled(state))
        archive.writestr("archive/byteorder", "little")
        for storage in storages:
            archive.writestr(f"archive/data/{storage.key}", storage.array.tobytes())
        archive.writestr("archive/version", "3\n")
    return path


def _write_legacy(path, state, storages, data_pkl=None):
    with open(path, "wb") as file:
        for header in (torch_weights.LEGACY_MAGIC, 1001, {"little_endian": True}):
            pickle.dump(header, file, protocol=2)
        file.write(data_pkl or _pickled(state))
        pickle.dump([s.key for s in storages], file, protocol=2)
        for storage in storages:
            file.write(struct.pack("<q", storage.array.size) + storage.array.tobytes())
    return path


@pytest.mark.parametrize("write", [_write_zip, _write_legacy], ids=["zip", "legacy"])
def test_reader_rebuilds_every_tensor_in_both_formats(write, fake_torch, tmp_path):
    state, storages, expected = _state(fake_torch)
    path = write(tmp_path / "state.pth", state, storages)
    sys.modules.pop("torch")  # reading needs no torch at all
    arrays = torch_weights.load_state_dict(path)
    assert list(arrays) == list(expected)
    for name, value in expected.items():
        assert arrays[name].dtype == value.dtype.newbyteorder("=")
        np.testing.assert_array_equal(arrays[name], value, err_msg=name)


@pytest.mark.parametrize("write", [_write_zip, _write_legacy], ids=["zip", "legacy"])
def test_reader_refuses_other_globals_before_importing_them(write, fake_torch, tmp_path):
    marker = tmp_path / "imported.txt"
    module = tmp_path / "kg_marker_module.py"
    module.write_text(f"open({str(marker)!r}, 'w').write('ran')\ndef thing(): pass\n")
    sys.path.insert(0, str(tmp_path))
    try:
        # Hand-written pickles: GLOBAL 'kg_marker_module thing', and os.system('touch ...').
        by_import = b"\x80\x02ckg_marker_module\nthing\n)R."
        command = f"touch {marker}".encode()
        by_call = b"\x80\x02cos\nsystem\nX" + struct.pack("<I", len(command)) + command
        by_call += b"\x85R."  # TUPLE1, REDUCE, STOP
        for payload, name in ((by_import, "kg_marker_module.thing"), (by_call, "os.system")):
            path = write(tmp_path / "evil.pth", None, [], data_pkl=payload)
            with pytest.raises(ValueError, match=f"{path}.*{name}"):
                torch_weights.load_state_dict(path)
    finally:
        sys.path.remove(str(tmp_path))
    assert not marker.exists() and "kg_marker_module" not in sys.modules


def test_a_file_cannot_alter_the_reader_for_later_files(fake_torch, tmp_path):
    # GLOBAL torch.FloatStorage, then BUILD with slot state {"dtype": "<f8"}: would change
    # what FloatStorage means for every later file if the reader shared its markers.
    poison = b"\x80\x02ctorch\nFloatStorage\nN}X\x05\x00\x00\x00dtypeX\x03\x00\x00\x00<f8s\x86b."
    path = _write_legacy(tmp_path / "poison.pth", None, [], data_pkl=poison)
    with pytest.raises(ValueError, match="poison.pth.*not a dict of tensors"):
        torch_weights.load_state_dict(path)
    state, storages, expected = _state(fake_torch)
    arrays = torch_weights.load_state_dict(_write_zip(tmp_path / "ok.pth", state, storages))
    np.testing.assert_array_equal(arrays["conv.weight"], expected["conv.weight"])


def test_reader_names_the_file_and_the_fault(fake_torch, tmp_path):
    state, storages, _ = _state(fake_torch)
    legacy = _write_legacy(tmp_path / "legacy.pth", state, storages).read_bytes()
    for cut in (len(legacy) - 8, len(legacy) // 2, 30):
        (tmp_path / "cut.pth").write_bytes(legacy[:cut])
        with pytest.raises(ValueError, match="cut.pth.*truncated"):
            torch_weights.load_state_dict(tmp_path / "cut.pth")
    zipped = _write_zip(tmp_path / "zip.pth", state, storages).read_bytes()
    (tmp_path / "cutzip.pth").write_bytes(zipped[: len(zipped) - 40])
    with pytest.raises(ValueError, match="cutzip.pth"):
        torch_weights.load_state_dict(tmp_path / "cutzip.pth")
    short = [_Storage(s.kind, s.key, s.array[:-1]) for s in storages]
    _write_zip(tmp_path / "short.pth", state, short, data_pkl=_pickled(state))
    with pytest.raises(ValueError, match="short.pth.*storage '0' holds 504 bytes, expected 508"):
        torch_weights.load_state_dict(tmp_path / "short.pth")
    (tmp_path / "magic.pth").write_bytes(pickle.dumps(12345, protocol=2))
    with pytest.raises(ValueError, match="magic.pth.*magic number"):
        torch_weights.load_state_dict(tmp_path / "magic.pth")
    with pytest.raises(FileNotFoundError, match="`path`"):
        torch_weights.load_state_dict(tmp_path / "none.pth")


# --------------------------------------------------------------------------- the network
def _mixed(a=None, b=None, c=None, d=None, e=None):
    """Hand table of each block's convolutions `(in, out, kh, kw)`, from the paper's
    figures 5-7 and 10 as the 2015 graph sizes them."""
    if a is not None:
        c_in, pool = a
        return {
            "branch1x1": (c_in, 64, 1, 1),
            "branch5x5_1": (c_in, 48, 1, 1),
            "branch5x5_2": (48, 64, 5, 5),
            "branch3x3dbl_1": (c_in, 64, 1, 1),
            "branch3x3dbl_2": (64, 96, 3, 3),
            "branch3x3dbl_3": (96, 96, 3, 3),
            "branch_pool": (c_in, pool, 1, 1),
        }
    if b is not None:
        return {
            "branch3x3": (b, 384, 3, 3),
            "branch3x3dbl_1": (b, 64, 1, 1),
            "branch3x3dbl_2": (64, 96, 3, 3),
            "branch3x3dbl_3": (96, 96, 3, 3),
        }
    if c is not None:
        n = c
        return {
            "branch1x1": (768, 192, 1, 1),
            "branch7x7_1": (768, n, 1, 1),
            "branch7x7_2": (n, n, 1, 7),
            "branch7x7_3": (n, 192, 7, 1),
            "branch7x7dbl_1": (768, n, 1, 1),
            "branch7x7dbl_2": (n, n, 7, 1),
            "branch7x7dbl_3": (n, n, 1, 7),
            "branch7x7dbl_4": (n, n, 7, 1),
            "branch7x7dbl_5": (n, 192, 1, 7),
            "branch_pool": (768, 192, 1, 1),
        }
    if d is not None:
        return {
            "branch3x3_1": (768, 192, 1, 1),
            "branch3x3_2": (192, 320, 3, 3),
            "branch7x7x3_1": (768, 192, 1, 1),
            "branch7x7x3_2": (192, 192, 1, 7),
            "branch7x7x3_3": (192, 192, 7, 1),
            "branch7x7x3_4": (192, 192, 3, 3),
        }
    return {
        "branch1x1": (e, 320, 1, 1),
        "branch3x3_1": (e, 384, 1, 1),
        "branch3x3_2a": (384, 384, 1, 3),
        "branch3x3_2b": (384, 384, 3, 1),
        "branch3x3dbl_1": (e, 448, 1, 1),
        "branch3x3dbl_2": (448, 384, 3, 3),
        "branch3x3dbl_3a": (384, 384, 1, 3),
        "branch3x3dbl_3b": (384, 384, 3, 1),
        "branch_pool": (e, 192, 1, 1),
    }


ARCHITECTURE = {
    "Conv2d_1a_3x3": (3, 32, 3, 3),
    "Conv2d_2a_3x3": (32, 32, 3, 3),
    "Conv2d_2b_3x3": (32, 64, 3, 3),
    "Conv2d_3b_1x1": (64, 80, 1, 1),
    "Conv2d_4a_3x3": (80, 192, 3, 3),
    **{f"Mixed_5b.{k}": v for k, v in _mixed(a=(192, 32)).items()},  # out 64+64+96+32 = 256
    **{f"Mixed_5c.{k}": v for k, v in _mixed(a=(256, 64)).items()},  # out 288
    **{f"Mixed_5d.{k}": v for k, v in _mixed(a=(288, 64)).items()},  # out 288
    **{f"Mixed_6a.{k}": v for k, v in _mixed(b=288).items()},  # out 384+96+288 = 768
    **{
        f"Mixed_6{x}.{k}": v
        for x, n in zip("bcde", (128, 160, 160, 192), strict=True)
        for k, v in _mixed(c=n).items()
    },
    **{f"Mixed_7a.{k}": v for k, v in _mixed(d=768).items()},  # out 320+192+768 = 1280
    **{f"Mixed_7b.{k}": v for k, v in _mixed(e=1280).items()},  # out 320+768+768+192 = 2048
    **{f"Mixed_7c.{k}": v for k, v in _mixed(e=2048).items()},
}


def test_expected_state_dict_is_the_architecture_table():
    expected = {}
    for prefix, (c_in, c_out, kh, kw) in ARCHITECTURE.items():
        expected[f"{prefix}.conv.weight"] = (c_out, c_in, kh, kw)
        for name in ("weight", "bias", "running_mean", "running_var"):
            expected[f"{prefix}.bn.{name}"] = (c_out,)
    assert fid_inception.expected_state_dict_shapes() == expected
    # torchvision documents 27,161,264 parameters for inception_v3 (1000 classes, with
    # the auxiliary classifier): less its fc (2048*1000 + 1000) and AuxLogits (768->128 1x1
    # + BN, 128->768 5x5 + BN, fc 768*1000 + 1000), conv + BN scale/shift must remain.
    aux = 768 * 128 + 2 * 128 + 128 * 768 * 25 + 2 * 768 + 768 * 1000 + 1000
    trainable = sum(o * i * h * w + 2 * o for i, o, h, w in ARCHITECTURE.values())
    assert trainable == 27_161_264 - (2048 * 1000 + 1000) - aux


def _random_state(seed=0):
    """Random weights of the right shapes, scaled (He) so activations stay finite."""
    rng = np.random.default_rng(seed)
    state = {}
    for key, shape in fid_inception.expected_state_dict_shapes().items():
        if key.endswith("conv.weight"):
            value = rng.normal(0, np.sqrt(2 / np.prod(shape[1:])), shape)
        elif key.endswith("running_var"):
            value = rng.uniform(0.5, 2.0, shape)
        elif key.endswith("bn.weight"):
            value = rng.uniform(0.5, 1.5, shape)
        else:
            value = rng.normal(0, 0.1, shape)
        state[key] = value.astype("float32")
    return state


@pytest.fixture(scope="module")
def small_network():
    """The network at its smallest input (75x75): same weights, a quicker forward pass."""
    return fid_inception_network.build_fid_inception(fid_inception_network.MIN_INPUT_SIZE)


def test_loading_puts_every_entry_in_its_keras_variable(small_network):
    state = _random_state()
    ignored = {
        "fc.weight": np.zeros((1008, 2048), "float32"),  # the 1008-class classifier
        "fc.bias": np.zeros(1008, "float32"),
        "AuxLogits.conv0.conv.weight": np.zeros((128, 768, 1, 1), "float32"),
        "Mixed_5b.branch1x1.bn.num_batches_tracked": np.array(7),
    }
    fid_inception.load_fid_weights(small_network, {**state, **ignored})
    kernel = small_network.get_layer("Mixed_6b.branch7x7_2.conv").kernel.numpy()  # 1x7
    torch_weight = state["Mixed_6b.branch7x7_2.conv.weight"]  # (out, in, 1, 7)
    assert kernel.shape == (1, 7, 128, 128)
    assert kernel[0, 5, 3, 9] == torch_weight[9, 3, 0, 5]
    for prefix, *_ in fid_inception_network.conv_specs():
        np.testing.assert_array_equal(
            small_network.get_layer(f"{prefix}.conv").kernel.numpy(),
            state[f"{prefix}.conv.weight"].transpose(2, 3, 1, 0),
        )
        norm = small_network.get_layer(f"{prefix}.bn")
        assert norm.epsilon == pytest.approx(0.001)
        for variable, key in zip(
            (norm.gamma, norm.beta, norm.moving_mean, norm.moving_variance),
            ("weight", "bias", "running_mean", "running_var"),
            strict=True,
        ):
            np.testing.assert_array_equal(variable.numpy(), state[f"{prefix}.bn.{key}"])
    assert len(small_network.weights) == 94 * 5  # nothing left unloaded


def test_loading_names_missing_extra_and_misshapen_entries(small_network):
    state = _random_state()
    missing = dict(state)
    del missing["Mixed_7c.branch_pool.bn.running_var"]
    with pytest.raises(ValueError, match="lacks 1 .*Mixed_7c.branch_pool.bn.running_var"):
        fid_inception.load_fid_weights(small_network, missing, source="w.pth")
    extra = {**state, "Mixed_5b.branch1x1.conv.bias": np.zeros(64, "float32")}
    with pytest.raises(ValueError, match="does not have: Mixed_5b.branch1x1.conv.bias"):
        fid_inception.load_fid_weights(small_network, extra)
    wrong = {**state, "Conv2d_1a_3x3.conv.weight": np.zeros((32, 3, 5, 5), "float32")}
    with pytest.raises(ValueError, match=r"Conv2d_1a_3x3.conv.weight \(32, 3, 5, 5\)"):
        fid_inception.load_fid_weights(small_network, wrong)


def test_features_are_2048_d_from_any_input(small_network):
    fid_inception.load_fid_weights(small_network, _random_state(2))
    prepare = image_preprocessor(size=75, channels=3)
    grey = np.random.default_rng(0).uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    values = keras.ops.convert_to_numpy(small_network(prepare(grey)))
    assert values.shape == (3, fid_inception_network.FEATURE_DIM)
    assert np.all(values >= 0) and np.all(np.isfinite(values))  # averages of ReLUs


def test_pools_are_tensorflows_same_pools_by_hand(small_network):
    x = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)  # 1..9
    average = small_network.get_layer("Mixed_5b.pool3")
    assert isinstance(average, keras.layers.AveragePooling2D)
    out = keras.ops.convert_to_numpy(average(x))[0, :, :, 0]
    # count_include_pad=False: each window averages only the pixels inside the image.
    by_hand = [[(1 + 2 + 4 + 5) / 4, (1 + 2 + 3 + 4 + 5 + 6) / 6, (2 + 3 + 5 + 6) / 4],
               [(1 + 2 + 4 + 5 + 7 + 8) / 6, 5.0, (2 + 3 + 5 + 6 + 8 + 9) / 6],
               [(4 + 5 + 7 + 8) / 4, (4 + 5 + 6 + 7 + 8 + 9) / 6, (5 + 6 + 8 + 9) / 4]]  # fmt: skip
    np.testing.assert_allclose(out, by_hand, rtol=1e-6)
    for block in ("Mixed_5c", "Mixed_5d", "Mixed_6b", "Mixed_6e", "Mixed_7b"):
        pool = small_network.get_layer(f"{block}.pool3")
        assert isinstance(pool, keras.layers.AveragePooling2D) and pool.padding == "same"
    last = small_network.get_layer("Mixed_7c.pool3")  # the FID graph's max pool
    assert isinstance(last, keras.layers.MaxPooling2D) and last.strides == (1, 1)
    out = keras.ops.convert_to_numpy(last(-x))[0, :, :, 0]  # padding never wins a max
    np.testing.assert_array_equal(out, [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]])


def test_resize_is_half_pixel_bilinear_without_antialias():
    # F.interpolate(mode="bilinear", align_corners=False), 2 -> 4: source coordinates
    # (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    image = np.array([0.0, 0.2, 0.4, 0.6], "float32").reshape(1, 2, 2, 1)
    out = keras.ops.convert_to_numpy(image_preprocessor(size=4)(image))[0, :, :, 0]
    weights = np.array([0.0, 0.25, 0.75, 1.0])
    np.testing.assert_allclose(out, 0.4 * weights[:, None] + 0.2 * weights[None, :], atol=1e-6)
    # Shrinking by 2 without antialias reads source coordinates 0.5 and 2.5: each output is
    # the mean of one 2x2 block (an antialiasing filter would reach the neighbours too).
    big = np.random.default_rng(0).uniform(-1, 1, (1, 4, 4, 1)).astype("float32")
    small = keras.ops.convert_to_numpy(image_preprocessor(size=2)(big))[0, :, :, 0]
    blocks = big[0, :, :, 0].reshape(2, 2, 2, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(small, blocks, atol=1e-6)


def test_registered_and_its_errors_reach_the_registry(cache, monkeypatch):
    assert "inception-v3-fid" in metrics.names()
    served = _Server({})
    monkeypatch.setattr(fid_inception, "URL", served.url + "nothing.pth")
    served.stop()
    monkeypatch.setattr(features_module, "_BUILT", {})
    with pytest.raises(FileNotFoundError, match="Could not download the FID Inception"):
        metrics.resolve_extractor("inception-v3-fid")


# --------------------------------------------------------------------------- slow: end to end
@pytest.mark.slow
def test_factory_cli_and_protocol_end_to_end(fake_torch, tmp_path, cache, monkeypatch):
    import json

    import keras_gans_cli

    state = _random_state(1)
    storages, tensors = [], collections.OrderedDict()
    for index, (key, value) in enumerate(state.items()):
        storage = _Storage(fake_torch.storages["FloatStorage"], str(index), value.ravel())
        strides = tuple(int(s // 4) for s in value.strides)
        tensors[key] = _Tensor(storage, 0, value.shape, strides, fake_torch.rebuild)
        storages.append(storage)
    path = _write_legacy(tmp_path / "fid.pth", tensors, storages)
    extractor = metrics.get("inception-v3-fid", weights=str(path), check_hash=False)
    assert extractor.name == "inception-v3-fid" and "half-pixel" in extractor.resizing
    images = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    got = extractor.extract(images, verbose=0)
    assert got.values.shape == (4, 2048) and got.extractor == "inception-v3-fid"
    # The command: the weights through the environment, checked against the constant.
    monkeypatch.setattr(fid_inception, "SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    monkeypatch.setenv(fid_inception.ENV_VAR, str(path))
    monkeypatch.setattr(features_module, "_BUILT", {})
    run = tmp_path / "run"
    tiny = ["--arch-arg", "base_filters=4", "--latent-dim", "8", "--batch-size", "32"]
    tiny += ["--steps-per-epoch", "2", "--samples", "4", "--verbose", "0"]
    assert keras_gans_cli.main(["train", *tiny, "--epochs", "1", "--run-dir", str(run)]) == 0
    out = tmp_path / "scores.json"
    args = ["evaluate", str(run), "--n", "12", "--n-real", "12", "--metrics", "fid"]
    args += ["--extractor", "inception-v3-fid", "--quiet", "--json", str(out)]
    assert keras_gans_cli.main(args) == 0
    report = json.loads(out.read_text())
    assert report["extractor"] == "inception-v3-fid"
    assert report["results"]["fid"]["protocol"]["extractor"] == "inception-v3-fid"
    assert report["results"]["fid"]["protocol"]["feature_dim"] == 2048
