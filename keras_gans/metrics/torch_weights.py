"""Reads a PyTorch `state_dict` file into NumPy arrays, without torch and without running it.

`torch.save(module.state_dict(), path)` writes a pickle whose objects are rebuilt by calling
functions that the file names (`torch._utils._rebuild_tensor_v2`, `torch.FloatStorage`, ...).
A plain `pickle.load` would import and call whatever the file names, so this module reads
it with a restricted unpickler: the few globals a state dict needs are mapped to local
functions that build NumPy arrays, and any other global is refused with a `ValueError`
before anything is imported.

Both of torch's formats are read:

- the zip format (torch >= 1.6): `<archive>/data.pkl` holds the pickle, whose persistent
  ids `("storage", type, key, location, numel)` name the files `<archive>/data/<key>` of
  raw little-endian element bytes;
- the legacy format: successive pickles (the magic number `0x1950a86a20f9469cfc6c`, the
  protocol version 1001, a dict of system information, the object itself, the list of
  storage keys), then for each key an int64 element count and the raw bytes.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["LEGACY_MAGIC", "load_state_dict"]

#: The first pickle of a legacy-format file.
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001

#: torch storage classes -> little-endian NumPy dtypes.
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
    "UntypedStorage": "u1",
}


class _StorageType:
    """What a torch storage class name stands for here: its element dtype."""

    __slots__ = ("name", "dtype")

    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _Storage:
    """A storage named by a persistent id; its bytes are attached once read."""

    __slots__ = ("dtype", "key", "numel", "data")

    def __init__(self, dtype, key, numel):
        self.dtype = dtype
        self.key = key
        self.numel = numel
        self.data = None


class _Tensor:
    """A tensor's view of a storage, turned into an array once the storage is read."""

    __slots__ = ("storage", "offset", "size", "stride")

    def __init__(self, storage, offset, size, stride):
        self.storage = storage
        self.offset = offset
        self.size = size
        self.stride = stride


def _rebuild_tensor(storage, storage_offset, size, stride, *_ignored):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(f"a tensor's storage is a {type(storage).__name__}")
    for name, value in (("size", size), ("stride", stride)):
        if not isinstance(value, tuple) or not all(isinstance(v, int) for v in value):
            raise pickle.UnpicklingError(f"a tensor's {name} is not a tuple of ints: {value!r}")
    if len(size) != len(stride) or not isinstance(storage_offset, int):
        raise pickle.UnpicklingError(f"inconsistent tensor view: size {size}, stride {stride}")
    return _Tensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None, *_ignored):
    return data


def _function(target):
    # A fresh wrapper per lookup: a pickle's BUILD opcode can then only alter a throwaway
    # object, never this module's functions or markers (the same for `_StorageType`).
    return lambda: lambda *args: target(*args)


#: (module, name) -> a factory of what the global stands for here.
_GLOBALS = {
    ("collections", "OrderedDict"): lambda: collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _function(_rebuild_tensor),
    ("torch._utils", "_rebuild_tensor"): _function(_rebuild_tensor),
    ("torch._utils", "_rebuild_parameter"): _function(_rebuild_parameter),
    ("torch.storage", "UntypedStorage"): lambda: _StorageType("UntypedStorage"),
}
_GLOBALS.update({("torch", n): (lambda n=n: _StorageType(n)) for n in _STORAGE_DTYPES})


class _RefusedGlobalError(ValueError):
    """A global the file names that a state dict does not need."""


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the globals of `_GLOBALS`; storages through `storage_for`."""

    def __init__(self, file, path, storage_for):
        super().__init__(file)
        self.path = path
        self.storage_for = storage_for

    def find_class(self, module, name):
        factory = _GLOBALS.get((module, name))
        if factory is None:
            raise _RefusedGlobalError(
                f"Refusing to load {str(self.path)!r}: it names the global {module}.{name}, "
                "which a PyTorch state dict does not need (only tensors, storages and "
                "collections.OrderedDict are read; nothing the file names is imported or run)."
            )
        return factory()

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        kind, key, numel = pid[1], pid[2], pid[4]
        if not isinstance(kind, _StorageType) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError(f"malformed storage id {pid!r}")
        view = pid[5] if len(pid) > 5 else None
        return self.storage_for(str(key), kind.dtype, numel, view)


def _unpickle(file, path, storage_for, what):
    try:
        return _RestrictedUnpickler(file, path, storage_for).load()
    except _RefusedGlobalError:
        raise
    except Exception as error:  # EOFError, UnpicklingError, struct errors, ...
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: {what} is truncated or "
            f"corrupt ({type(error).__name__}: {error})."
        ) from error


def _no_storage(key, dtype, numel, view):
    raise pickle.UnpicklingError("a storage where none is allowed")


# --------------------------------------------------------------------------- the formats
def _load_zip(path, archive):
    names = archive.namelist()
    pickles = [name for name in names if name.endswith("/data.pkl") and name.count("/") == 1]
    if len(pickles) != 1:
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: a zip archive without "
            f"exactly one '<archive>/data.pkl' (found {len(pickles)})."
        )
    prefix = pickles[0][: -len("data.pkl")]
    byteorder = "little"
    if prefix + "byteorder" in names:
        byteorder = archive.read(prefix + "byteorder").decode("ascii", "replace").strip()
    storages = {}

    def storage_for(key, dtype, numel, view):
        if key not in storages:
            storages[key] = _Storage(dtype, key, numel)
        return storages[key]

    with archive.open(pickles[0]) as file:
        obj = _unpickle(io.BytesIO(file.read()), path, storage_for, "data.pkl")
    for key, storage in storages.items():
        member = f"{prefix}data/{key}"
        if member not in names:
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: the storage {key!r} "
                f"({member}) is missing from the archive."
            )
        _check_size(archive.getinfo(member).file_size, storage, path)  # before reading it
        storage.data = _storage_array(archive.read(member), storage, byteorder, path)
    return obj


def _check_size(size, storage, path):
    expected = storage.numel * storage.dtype.itemsize
    if size != expected:
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: storage {storage.key!r} "
            f"holds {size} bytes, expected {expected} ({storage.numel} elements of "
            f"{storage.dtype.name}); the file is truncated or corrupt."
        )


def _storage_array(raw, storage, byteorder, path):
    _check_size(len(raw), storage, path)
    dtype = storage.dtype if byteorder == "little" else storage.dtype.newbyteorder(">")
    return np.frombuffer(raw, dtype=dtype)


def _load_legacy(path, file):
    header = "the legacy header"
    magic = _unpickle(file, path, _no_storage, header)
    if magic != LEGACY_MAGIC:
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: not a zip archive, and "
            f"its first pickle is not torch's magic number {LEGACY_MAGIC:#x} (received "
            f"{magic!r:.40})."
        )
    protocol = _unpickle(file, path, _no_storage, header)
    if protocol != _LEGACY_PROTOCOL:
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: legacy protocol version "
            f"{protocol!r}, expected {_LEGACY_PROTOCOL}."
        )
    sys_info = _unpickle(file, path, _no_storage, header)
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    storages, views = {}, []

    def storage_for(key, dtype, numel, view):
        if key not in storages:
            storages[key] = _Storage(dtype, key, numel)
        if view is None:
            return storages[key]
        offset, size = view[1], view[2]
        part = _Storage(dtype, f"{key}[{offset}:{offset + size}]", size)
        views.append((part, storages[key], offset))
        return part

    obj = _unpickle(file, path, storage_for, "the object pickle")
    keys = _unpickle(file, path, _no_storage, "the storage key list")
    if not isinstance(keys, list) or set(map(str, keys)) != set(storages):
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: the storage key list "
            f"{keys!r:.80} does not match the storages the object uses ({sorted(storages)})."
        )
    for key in map(str, keys):
        storage = storages[key]
        count = file.read(8)
        if len(count) != 8:
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: the file ends before "
                f"storage {key!r}; it is truncated."
            )
        (numel,) = struct.unpack("<q" if little else ">q", count)
        if numel != storage.numel:
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: storage {key!r} "
                f"declares {numel} elements, the object expects {storage.numel}."
            )
        raw = file.read(numel * storage.dtype.itemsize)
        storage.data = _storage_array(raw, storage, "little" if little else "big", path)
    for part, root, offset in views:
        part.data = root.data[offset : offset + part.numel]
    return obj


# --------------------------------------------------------------------------- tensors
def _as_array(tensor, name, path):
    data, size, stride, offset = tensor.storage.data, tensor.size, tensor.stride, tensor.offset
    count = int(np.prod(size, dtype=np.int64))
    if count:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
        if offset < 0 or min(stride, default=0) < 0 or last >= data.shape[0]:
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: tensor {name!r} "
                f"(size {size}, stride {stride}, offset {offset}) lies outside its storage "
                f"of {data.shape[0]} elements."
            )
    else:
        return np.zeros(size, dtype=data.dtype.newbyteorder("="))
    strides = tuple(s * data.dtype.itemsize for s in stride)
    view = np.lib.stride_tricks.as_strided(data[offset:], shape=size, strides=strides)
    return np.array(view, dtype=data.dtype.newbyteorder("="))


def load_state_dict(path):
    """Reads a PyTorch `state_dict` file into a dict of NumPy arrays, without torch.

    Only tensors, storages and `collections.OrderedDict` are rebuilt; a file naming any
    other global is refused before that global is imported. Both torch's zip format
    (torch >= 1.6) and its legacy format are read.

    Args:
        path: The file written by `torch.save(module.state_dict(), path)`.

    Returns:
        A dict `{name: np.ndarray}` in the file's order, arrays in native byte order.

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: the file is not a state dict (wrong magic, truncated, a storage of the
            wrong size), names a global other than the ones above, or holds a value that is
            not a tensor; the message names the file and what is wrong.

    Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "empty.pth"
    >>> _ = path.write_bytes(b"not a state dict")
    >>> try:
    ...     load_state_dict(path)
    ... except ValueError as error:
    ...     print("refused:", "magic number" in str(error) or "truncated" in str(error))
    refused: True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"`path` must be an existing PyTorch state dict file. Received: path={str(path)!r}"
        )
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                obj = _load_zip(path, archive)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: a damaged zip "
                f"archive ({error})."
            ) from error
    else:
        with open(path, "rb") as file:
            obj = _load_legacy(path, file)
    if not isinstance(obj, dict):
        raise ValueError(
            f"Could not read {str(path)!r} as a PyTorch state dict: it holds a "
            f"{type(obj).__name__}, not a dict of tensors."
        )
    arrays = {}
    for name, value in obj.items():
        if not isinstance(value, _Tensor):
            raise ValueError(
                f"Could not read {str(path)!r} as a PyTorch state dict: entry {name!r} is a "
                f"{type(value).__name__}, not a tensor."
            )
        arrays[str(name)] = _as_array(value, name, path)
    return arrays
