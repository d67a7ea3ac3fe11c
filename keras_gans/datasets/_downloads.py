"""`download=True` for MNIST and Fashion-MNIST: every file is streamed to a temporary beside
its place in the Keras cache, checked, then renamed into place, so a kill or a network
failure never leaves a partial file where a later run would read it.

`mnist.npz` is checked against its SHA-256 (`mnist.SHA256`). Fashion-MNIST's four gzipped
IDX files have no SHA-256 the project can vouch for, so each is checked by reading it back
(the gzip stream ends properly, the IDX header is valid, the data holds the bytes the header
declares); a cached file that fails that check is fetched again.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

from keras_gans._files import replace_atomically
from keras_gans.datasets import mnist


def fetch(url, destination, timeout=60.0):
    """Streams `url` into the file `destination` (tests replace this function)."""
    with urllib.request.urlopen(url, timeout=timeout) as response, open(destination, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)


def download(spec, splits):
    """Fetches what `spec` needs into the Keras cache; returns the splits' `(x, y)`."""
    from keras_gans.metrics.download import describe_error

    try:
        if spec.cache_npz in mnist.SHA256:
            location = _npz(spec)
        else:
            location = _idx_files(spec, splits)
    except (urllib.error.URLError, OSError) as error:  # a bad file: ValueError, as it is
        raise OSError(
            f"Downloading {spec.title} from {mnist.DOWNLOAD_URL} failed "
            f"({describe_error(error)}). {mnist._missing_message(spec, splits)}"
        ) from error
    return [mnist._read_split(location, s) for s in splits]


def _npz(spec):
    from keras_gans.metrics.download import download as checked_download

    target = mnist.keras_cache_dir() / spec.cache_npz
    checked_download(f"{mnist.DOWNLOAD_URL}{spec.cache_npz}", target, mnist.SHA256[spec.cache_npz])
    return target


def _idx_files(spec, splits):
    folder = mnist.keras_cache_dir() / spec.cache_folder
    for name in (n for s in splits for n in mnist.IDX_FILES[s]):
        target = folder / f"{name}.gz"
        if _readable(target):
            continue
        plain = folder / name
        if plain.is_file() and not _readable(plain):  # a broken copy would be found first
            plain.unlink()

        def write(tmp, url=f"{mnist.DOWNLOAD_URL}{name}.gz"):
            fetch(url, tmp)
            try:
                mnist.read_idx(tmp)
            except ValueError as error:  # truncated or corrupt: the temporary is removed
                raise ValueError(
                    f"The file downloaded from {url} is not a complete IDX file ({error}). "
                    "Nothing was saved."
                ) from None

        replace_atomically(write, target)
    return folder


def _readable(path):
    try:
        mnist.read_idx(path)
    except (ValueError, OSError):
        return False
    return True
