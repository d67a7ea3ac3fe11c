"""The reference FID extractor `inception-v3-fid`: the 2015 TF Inception graph's pool_3.

Published FIDs (Heusel et al. 2017, and the tables that follow their code or pytorch-fid)
use the 2015 TensorFlow Inception graph, whose weights and pooling differ from Keras'
ImageNet InceptionV3 (`inception-v3`). This extractor rebuilds that graph in Keras
(`fid_inception_network`) and loads pytorch-fid's port of its weights, a PyTorch state dict
read without torch (`torch_weights`), so its FIDs are comparable with published ones.

The weights file is looked up in order: the `weights` argument, the environment variable
`KERAS_GANS_FID_INCEPTION_WEIGHTS`, the Keras caches (`$KERAS_HOME/models/`,
`~/.keras/models/`, `/tmp/.keras/models/`) and torch's hub cache (where pytorch-fid saves
it); else it is downloaded once from `URL` into the first Keras cache. Every file is checked
against `SHA256` unless `check_hash=False`.

Images in [-1, 1] are clipped, resized bilinearly to 299x299 with half-pixel centres and no
antialiasing (as PyTorch's `F.interpolate(mode="bilinear", align_corners=False)` in
pytorch-fid), and grey images repeated to 3 channels.
"""

from __future__ import annotations

import os
import urllib.error
from pathlib import Path

from keras_gans.metrics import download as _download
from keras_gans.metrics import inception as _inception
from keras_gans.metrics.features import FeatureExtractor
from keras_gans.metrics.fid_inception_network import INPUT_SIZE, build_fid_inception, conv_specs
from keras_gans.metrics.preprocessing import image_preprocessor
from keras_gans.metrics.torch_weights import load_state_dict

__all__ = [
    "ENV_VAR",
    "FILENAME",
    "SHA256",
    "URL",
    "expected_state_dict_shapes",
    "find_fid_weights",
    "inception_v3_fid",
    "load_fid_weights",
]

#: pytorch-fid's port of the 2015 TF Inception graph (FID weights), and its SHA-256.
URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    "pt_inception-2015-12-05-6726825d.pth"
)
SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
FILENAME = "pt_inception-2015-12-05-6726825d.pth"
#: Environment variable naming a local copy of the weights file.
ENV_VAR = "KERAS_GANS_FID_INCEPTION_WEIGHTS"
NAME = "inception-v3-fid"
RESIZING = (
    "bilinear to 299x299 (half-pixel centres, no antialias, as F.interpolate(align_corners="
    "False)), grey repeated to 3 channels"
)
#: State-dict entries the features do not use, skipped by name: the 1008-way classifier,
#: the auxiliary classifier, and batch-norm step counters.
_IGNORED_KEYS = ("fc.weight", "fc.bias")
_IGNORED_PREFIXES = ("AuxLogits.",)
_IGNORED_SUFFIXES = (".bn.num_batches_tracked",)
_CACHED = "The cached file"


def _cache_dirs():
    """The Keras caches (`inception._cache_dirs`), then torch's hub cache (read only)."""
    torch_home = os.environ.get("TORCH_HOME") or str(Path.home() / ".cache" / "torch")
    return [*_inception._cache_dirs(), Path(torch_home) / "hub" / "checkpoints"]


def _checked(path, check_hash, sha256, source):
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"{source} must name an existing FID Inception weights file ({FILENAME}). "
            f"Received: {str(path)!r} (no such file)"
        )
    if check_hash:
        try:
            _download.check_sha256(path, sha256)
        except ValueError as error:
            hint = " Delete it to download it again." if source == _CACHED else ""
            raise ValueError(f"{error}{hint} (check_hash=False skips this check.)") from None
    return path


def _offline_message(url, sha256, target, reason):
    return (
        f"Could not download the FID Inception weights from {url} ({reason}). Without "
        f"network access, download that file elsewhere (sha256 {sha256}) and place it as "
        f"{target}, or set ${ENV_VAR}=PATH, or pass weights=PATH; offline alternatives: "
        "--extractor digits (bundled, for the digits) or --extractor inception-v3 with local "
        "Keras InceptionV3 weights (FIDs not comparable with published ones)."
    )


def find_fid_weights(weights=None, check_hash=True, url=None, sha256=None, verbose=True):
    """Returns the path of the FID Inception weights, downloading them once if needed.

    Looked up in order: `weights`, `$KERAS_GANS_FID_INCEPTION_WEIGHTS`, the Keras caches
    (`$KERAS_HOME/models`, `~/.keras/models`, `/tmp/.keras/models`) and torch's hub cache
    (`$TORCH_HOME/hub/checkpoints`, default `~/.cache/torch/hub/checkpoints`); else the
    file is downloaded from `url` into the first Keras cache (streamed to a temporary file,
    checked, then moved into place).

    Args:
        weights: Path of a local copy (default `None`: search, then download).
        check_hash: Whether a local file must match `sha256` too (default `True`; pass
            `False` only for a file you trust, e.g. a re-export). Downloads are always
            checked.
        url: Where to download from (default `None`: the module's `URL`, pytorch-fid's
            release).
        sha256: The expected SHA-256 (default `None`: the module's `SHA256`).
        verbose: Whether a download prints a line before and after (default `True`).

    Returns:
        A `pathlib.Path`.

    Raises:
        FileNotFoundError: `weights` or the environment variable names no file, or the
            download failed (one line: the URL, where to place the file by hand, the
            environment variable and the offline alternatives).
        ValueError: a file's SHA-256 is not `sha256` (expected and received hashes).

    Example:
    >>> try:
    ...     find_fid_weights("/no/such/pt_inception.pth")
    ... except FileNotFoundError as error:
    ...     print(str(error)[:46])
    `weights` must name an existing FID Inception
    """
    url = URL if url is None else url
    sha256 = SHA256 if sha256 is None else sha256
    if weights is not None:
        return _checked(weights, check_hash, sha256, "`weights`")
    if os.environ.get(ENV_VAR):
        return _checked(os.environ[ENV_VAR], check_hash, sha256, f"${ENV_VAR}")
    directories = _cache_dirs()
    for directory in directories:
        if (directory / FILENAME).is_file():
            return _checked(directory / FILENAME, check_hash, sha256, _CACHED)
    target = directories[0] / FILENAME
    try:
        return _download.download(url, target, sha256, verbose=verbose)
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = _download.describe_error(error)
        raise FileNotFoundError(_offline_message(url, sha256, target, reason)) from error


def expected_state_dict_shapes():
    """The state-dict entries the features need, with their PyTorch shapes.

    Each BasicConv2d `prefix` has `prefix.conv.weight` `(out, in, kh, kw)` and
    `prefix.bn.weight`, `.bias`, `.running_mean`, `.running_var` `(out,)`.

    Returns:
        A dict `{key: shape}` of 470 entries (94 convolutions x 5).

    Example:
    >>> shapes = expected_state_dict_shapes()
    >>> len(shapes), shapes["Conv2d_1a_3x3.conv.weight"]
    (470, (32, 3, 3, 3))
    """
    shapes = {}
    for prefix, c_in, c_out, (kh, kw) in conv_specs():
        shapes[f"{prefix}.conv.weight"] = (c_out, c_in, kh, kw)
        for name in ("weight", "bias", "running_mean", "running_var"):
            shapes[f"{prefix}.bn.{name}"] = (c_out,)
    return shapes


def _ignored(key):
    return (
        key in _IGNORED_KEYS or key.startswith(_IGNORED_PREFIXES) or key.endswith(_IGNORED_SUFFIXES)
    )


def _listed(keys, limit=6):
    keys = sorted(keys)
    more = f", ... ({len(keys)} in all)" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more


def load_fid_weights(network, state_dict, source="state_dict"):
    """Loads pytorch-fid's FID Inception state dict into a `build_fid_inception` network.

    Convolution kernels `(out, in, kh, kw)` become Keras' `(kh, kw, in, out)`; batch-norm
    weight, bias, running mean and variance become gamma, beta, moving mean and variance.
    The classifier (`fc.*`), the auxiliary classifier (`AuxLogits.*`) and
    `*.num_batches_tracked` are ignored by name.

    Args:
        network: The model `build_fid_inception()` returns (any input size).
        state_dict: A dict `{key: array}`, e.g. from `torch_weights.load_state_dict`.
        source: How to name the weights in errors (default `"state_dict"`).

    Returns:
        `network`, its weights replaced.

    Raises:
        ValueError: a needed key is missing, a key is neither needed nor ignored, or a shape
            differs; the message lists them.

    Example:
    >>> try:
    ...     load_fid_weights(None, {"fc.weight": 0})
    ... except ValueError as error:
    ...     print(str(error)[:58])
    `state_dict` lacks 470 FID Inception entries: Conv2d_1a_3x
    """
    import numpy as np

    expected = expected_state_dict_shapes()
    missing = expected.keys() - state_dict.keys()
    if missing:
        raise ValueError(
            f"`{source}` lacks {len(missing)} FID Inception entries: {_listed(missing)}. "
            "Is it pytorch-fid's pt_inception-2015-12-05 state dict?"
        )
    unexpected = [key for key in state_dict if key not in expected and not _ignored(key)]
    if unexpected:
        raise ValueError(
            f"`{source}` holds {len(unexpected)} entries the FID Inception network does not "
            f"have: {_listed(unexpected)}."
        )
    arrays = {key: np.asarray(state_dict[key], dtype="float32") for key in expected}
    wrong = [
        f"{key} {arrays[key].shape} (expected {shape})"
        for key, shape in expected.items()
        if arrays[key].shape != shape
    ]
    if wrong:
        raise ValueError(f"`{source}` has entries of the wrong shape: {_listed(wrong)}.")
    for prefix, *_ in conv_specs():
        kernel = arrays[f"{prefix}.conv.weight"].transpose(2, 3, 1, 0)
        network.get_layer(f"{prefix}.conv").kernel.assign(kernel)
        norm = network.get_layer(f"{prefix}.bn")
        norm.gamma.assign(arrays[f"{prefix}.bn.weight"])
        norm.beta.assign(arrays[f"{prefix}.bn.bias"])
        norm.moving_mean.assign(arrays[f"{prefix}.bn.running_mean"])
        norm.moving_variance.assign(arrays[f"{prefix}.bn.running_var"])
    return network


def _extractor(network):
    return FeatureExtractor(
        network,
        name=NAME,
        preprocess=image_preprocessor(size=INPUT_SIZE, channels=3),
        outputs="features",
        resizing=RESIZING,
    )


def inception_v3_fid(weights=None, check_hash=True):
    """The reference FID feature extractor: the 2015 TF Inception graph's 2048-d pool_3.

    FIDs computed with it are comparable with published ones (those of Heusel et al.'s
    TensorFlow code and of pytorch-fid). The weights are pytorch-fid's port, found or
    downloaded once by `find_fid_weights` and read without torch.

    Args:
        weights: Path of a local copy of `pt_inception-2015-12-05-6726825d.pth` (default
            `None`: `$KERAS_GANS_FID_INCEPTION_WEIGHTS`, the caches, then a download).
        check_hash: Whether a local file must match `SHA256` (default `True`).

    Returns:
        A `FeatureExtractor` named `"inception-v3-fid"` for images in [-1, 1] of any size
        and 1 or 3 channels.

    Raises:
        FileNotFoundError: no weights, and the download failed (see `find_fid_weights`).
        ValueError: a wrong checksum, or a file that is not the expected state dict.

    Example:
    >>> try:
    ...     inception_v3_fid(weights="/no/such/pt_inception.pth")
    ... except FileNotFoundError:
    ...     print("weights needed")
    weights needed

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local
        Nash Equilibrium", NeurIPS 2017; Szegedy et al., "Rethinking the Inception
        Architecture for Computer Vision", CVPR 2016.
    """
    path = find_fid_weights(weights, check_hash=check_hash)
    state_dict = load_state_dict(path)
    network = load_fid_weights(build_fid_inception(), state_dict, source=str(path))
    return _extractor(network)
