"""Downloading a weights file once, checked against its SHA-256, into a cache folder.

The file is streamed into a temporary file in the cache folder itself, hashed as it
arrives, flushed to disk (`fsync`) and only then moved under its final name with
`os.replace`, which is atomic within a folder: an interrupted download or a wrong checksum
never leaves a file under the final name, and the temporary file is removed (a process
killed outright leaves at most a `*.part` file, never a wrong file under the final name).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from keras_gans._files import fsync_folder

__all__ = ["check_sha256", "download", "sha256_of"]

_CHUNK = 1 << 20


def sha256_of(path):
    """Returns the SHA-256 of a file as 64 lowercase hex digits.

    Args:
        path: The file.

    Returns:
        A `str`.

    Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> sha256_of(path)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path, sha256):
    """Raises unless the file's SHA-256 is `sha256`.

    Args:
        path: The file.
        sha256: The expected hash, 64 hex digits (case ignored).

    Returns:
        The path, as a `pathlib.Path`.

    Raises:
        ValueError: the hashes differ; the message gives both.

    Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> try:
    ...     check_sha256(path, "0" * 64)
    ... except ValueError as error:
    ...     print(str(error).split(":")[0])
    The SHA-256 of 'a.txt' does not match
    """
    received = sha256_of(path)
    if received != sha256.lower():
        raise ValueError(
            f"The SHA-256 of {Path(path).name!r} does not match: expected sha256={sha256.lower()}, "
            f"received {received} (file {str(path)!r}). The file is corrupt, incomplete or "
            "not the expected one."
        )
    return Path(path)


def download(url, destination, sha256, timeout=60.0, verbose=True):
    """Downloads `url` to `destination`, checking its SHA-256; atomic under the final name.

    Args:
        url: The address (`https://`, `http://`, or `file://`).
        destination: The final path; its folder is created if needed.
        sha256: The expected SHA-256 (64 hex digits).
        timeout: Seconds to wait for the server at each step (default 60).
        verbose: Whether to print one line to stderr before and after (default `True`).

    Returns:
        `destination` as a `pathlib.Path`, now holding the verified file.

    Raises:
        ValueError: the downloaded bytes do not match `sha256` (expected and received
            hashes in the message), or fewer bytes arrived than announced. Nothing is left
            under `destination` nor as a temporary file.
        urllib.error.URLError, OSError: the server cannot be reached or the transfer broke
            (the caller turns these into its own message).

    Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> source = folder / "source.bin"
    >>> _ = source.write_bytes(b"abc")
    >>> digest = sha256_of(source)
    >>> path = download(source.as_uri(), folder / "cache" / "a.bin", digest, verbose=False)
    >>> path.read_bytes()
    b'abc'
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as file:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                announced = response.headers.get("Content-Length")
                if verbose:
                    size = f" ({int(announced) / 2**20:.1f} MiB)" if announced else ""
                    print(f"Downloading {url}{size} to {destination}", file=sys.stderr)
                received = 0
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    digest.update(chunk)
                    file.write(chunk)
                    received += len(chunk)
            if announced is not None and received != int(announced):
                raise ValueError(
                    f"The download of {url} stopped early: received {received} bytes, the "
                    f"server announced {announced}."
                )
            file.flush()
            os.fsync(file.fileno())
        if digest.hexdigest() != sha256.lower():
            raise ValueError(
                f"The SHA-256 of the file downloaded from {url} does not match: expected "
                f"sha256={sha256.lower()}, received {digest.hexdigest()}. Nothing was saved."
            )
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(destination.parent)
    if verbose:
        print(f"Saved {destination} (sha256 verified)", file=sys.stderr)
    return destination


def describe_error(error):
    """A short reason for a failed download: the HTTP status or the network error."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"{error.reason}"
    return f"{type(error).__name__}: {error}"
